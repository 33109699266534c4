import { Aes256Gcm, HkdfSha256 } from '@hpke/core';
import { bytesOf, nodeCrypto, toArrayBuffer, type NodeCrypto } from './node-crypto';

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
const TAG_BYTES = 16;

export class NativeHkdfSha256 extends HkdfSha256 {
  readonly #crypto: NodeCrypto | undefined = nodeCrypto();

  override async extract(salt: ArrayBuffer, ikm: ArrayBuffer): Promise<ArrayBuffer> {
    const crypto = this.#crypto;
    const s = bytesOf(salt);
    // An empty salt is a zero one (RFC 5869); any other length is the library's error to raise.
    if (!crypto || (s.length !== 0 && s.length !== HASH_BYTES)) return super.extract(salt, ikm);
    return toArrayBuffer(crypto.createHmac('sha256', s.length === 0 ? new Uint8Array(HASH_BYTES) : s).update(bytesOf(ikm)).digest());
  }

  override async expand(prk: ArrayBuffer, info: ArrayBuffer, len: number): Promise<ArrayBuffer> {
    const crypto = this.#crypto;
    if (!crypto || len > 255 * HASH_BYTES) return super.expand(prk, info, len);
    const key = bytesOf(prk);
    const okm = new Uint8Array(len);
    let previous = new Uint8Array(0);
    for (let i = 1, at = 0; at < len; i++) {
      previous = new Uint8Array(crypto.createHmac('sha256', key).update(previous).update(bytesOf(info)).update(new Uint8Array([i])).digest());
      okm.set(previous.subarray(0, Math.min(previous.length, len - at)), at);
      at += previous.length;
    }
    return okm.buffer;
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
      seal: async (iv: Bytes, data: Bytes, aad: Bytes) => {
        const cipher = crypto.createCipheriv('aes-256-gcm', k, bytesOf(iv));
        cipher.setAAD(bytesOf(aad));
        const body = cipher.update(bytesOf(data));
        const last = cipher.final();
        const tag = cipher.getAuthTag();
        const out = new Uint8Array(body.length + last.length + tag.length);
        out.set(body, 0);
        out.set(last, body.length);
        out.set(tag, body.length + last.length);
        return out.buffer;
      },
      open: async (iv: Bytes, data: Bytes, aad: Bytes) => {
        const d = bytesOf(data);
        if (d.length < TAG_BYTES) throw new Error('AES-GCM: ciphertext shorter than its tag');
        const decipher = crypto.createDecipheriv('aes-256-gcm', k, bytesOf(iv));
        decipher.setAAD(bytesOf(aad));
        decipher.setAuthTag(d.subarray(d.length - TAG_BYTES));
        const body = decipher.update(d.subarray(0, d.length - TAG_BYTES));
        const last = decipher.final(); // throws when the tag does not verify
        const out = new Uint8Array(body.length + last.length);
        out.set(body, 0);
        out.set(last, body.length);
        return out.buffer;
      },
    };
  }
}
