import { Aes256Gcm, HkdfSha256 } from '@hpke/core';
import { aesGcmOpen, aesGcmSeal, bytesOf, hkdfExpand, hkdfExtract, nodeCrypto, toArrayBuffer, type NodeCrypto } from './node-crypto';

/**
 * HKDF-SHA256 and AES-256-GCM for the HPKE suites on Node's synchronous primitives where the code
 * runs on Node (the host agent, the proxy), byte for byte what `@hpke/core`'s WebCrypto ones
 * compute, and those everywhere else. Why: opening a request is a key schedule of some ten HMACs
 * and an AES-GCM decryption; as WebCrypto calls each is a round trip through Node's thread pool,
 * 4–5 ms a request on the host before the engine sees the prompt (`npm run bench`, issue 13).
 * The RFC 9180 vector (all 257 encryptions and the exports) runs against these in Node.
 */

type Bytes = ArrayBufferLike | ArrayBufferView;
const HASH_BYTES = 32;

export class NativeHkdfSha256 extends HkdfSha256 {
  readonly #crypto: NodeCrypto | undefined = nodeCrypto();

  override async extract(salt: ArrayBuffer, ikm: ArrayBuffer): Promise<ArrayBuffer> {
    const crypto = this.#crypto;
    const s = bytesOf(salt);
    // An empty salt is a zero one (RFC 5869); any other length is the library's error to raise.
    if (!crypto || (s.length !== 0 && s.length !== HASH_BYTES)) return super.extract(salt, ikm);
    return toArrayBuffer(hkdfExtract(crypto, s, bytesOf(ikm)));
  }

  override async expand(prk: ArrayBuffer, info: ArrayBuffer, len: number): Promise<ArrayBuffer> {
    const crypto = this.#crypto;
    if (!crypto || len > 255 * HASH_BYTES) return super.expand(prk, info, len);
    return toArrayBuffer(hkdfExpand(crypto, bytesOf(prk), bytesOf(info), len));
  }

  /** The key schedule's secret, key and nonce (RFC 9180, 5.1): extract, then expand. */
  override async extractAndExpand(salt: ArrayBuffer, ikm: ArrayBuffer, info: ArrayBuffer, len: number): Promise<ArrayBuffer> {
    const crypto = this.#crypto;
    if (!crypto || len > 255 * HASH_BYTES) return super.extractAndExpand(salt, ikm, info, len);
    return toArrayBuffer(hkdfExpand(crypto, hkdfExtract(crypto, bytesOf(salt), bytesOf(ikm)), bytesOf(info), len));
  }
}

interface EncryptionContext {
  seal(iv: ArrayBuffer, data: ArrayBuffer, aad: ArrayBuffer): Promise<ArrayBuffer>;
  open(iv: ArrayBuffer, data: ArrayBuffer, aad: ArrayBuffer): Promise<ArrayBuffer>;
}

export class NativeAes256Gcm extends Aes256Gcm {
  readonly #crypto: NodeCrypto | undefined = nodeCrypto();

  override createEncryptionContext(key: ArrayBuffer): EncryptionContext {
    const crypto = this.#crypto;
    if (!crypto) return super.createEncryptionContext(key);
    const k = bytesOf(key).slice();
    return {
      seal: async (iv: Bytes, data: Bytes, aad: Bytes) => toArrayBuffer(aesGcmSeal(crypto, k, bytesOf(iv), bytesOf(aad), bytesOf(data))),
      open: async (iv: Bytes, data: Bytes, aad: Bytes) => toArrayBuffer(aesGcmOpen(crypto, k, bytesOf(iv), bytesOf(aad), bytesOf(data))),
    };
  }
}
