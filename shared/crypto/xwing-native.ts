import { XWing } from '@hpke/hybridkem-x-wing';
import { concatBytes } from '../protocol/encoding';
import { bytesOf, nodeCrypto, toArrayBuffer, type NodeCrypto, type NodeKeyObject as KeyObject } from './node-crypto';

/**
 * X-Wing (draft-connolly-cfrg-xwing-kem) on the runtime's own ML-KEM-768, X25519 and SHA3-256 where
 * it has them (Node 24 on OpenSSL 3.5: the host agent and the developer proxy), the same KEM as
 * `@hpke/hybridkem-x-wing` byte for byte, and that pure-JS one everywhere else (browsers, and
 * `encap` with fixed randomness, which only the test vectors use).
 *
 * Why: the JS decapsulation re-derives the whole ML-KEM key pair from the 32-byte seed on every
 * request before decapsulating, 3 ms a request here and up to 20 ms on a busy event loop, all of
 * it before the engine sees the prompt. Natively, with the expanded key kept per private key, it
 * is about 0.1 ms (`npm run bench`'s time to first token). Checked against the JS one and the
 * draft's vectors in xwing-native.test.ts.
 */

type DecapParams = Parameters<XWing['decap']>[0];
type EncapParams = Parameters<XWing['encap']>[0];

const ML_KEM_CT = 1088;
const ML_KEM_PK = 1184;
const X25519_BYTES = 32;
const ENC_BYTES = ML_KEM_CT + X25519_BYTES;
/** XWingLabel: `\./` `/^\`. */
const XWING_LABEL = new Uint8Array([0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c]);
/** id-alg-ml-kem-768, 2.16.840.1.101.3.4.4.2, as a DER AlgorithmIdentifier's OID. */
const ML_KEM_768_OID = new Uint8Array([0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, 0x02]);
/** The fixed DER prefixes of an X25519 PKCS#8 private key and SPKI public key (RFC 8410), before the 32 raw bytes. */
const X25519_PKCS8_PREFIX = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]);
const X25519_SPKI_PREFIX = new Uint8Array([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00]);


/** A DER TLV (lengths below 65,536, all this file needs). */
const der = (tag: number, body: Uint8Array): Uint8Array => {
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return concatBytes(new Uint8Array([tag, ...length]), body);
};
const sequence = (...parts: Uint8Array[]) => der(0x30, concatBytes(...parts));

/** An ML-KEM-768 private key as PKCS#8 in its seed form (`[0]` d ‖ z, RFC 9935's ML-KEM-PrivateKey). */
const mlKemPkcs8 = (seed: Uint8Array) => sequence(new Uint8Array([0x02, 0x01, 0x00]), sequence(ML_KEM_768_OID), der(0x04, der(0x80, seed)));
const mlKemSpki = (publicKey: Uint8Array) => sequence(sequence(ML_KEM_768_OID), der(0x03, concatBytes(new Uint8Array([0]), publicKey)));
const rawX25519Public = (key: KeyObject) => key.export({ format: 'der', type: 'spki' }).subarray(X25519_SPKI_PREFIX.length);

/** `node:crypto` when this runtime has it with ML-KEM (Node ≥ 24.7 on OpenSSL 3.5), else undefined. */
function nodeCryptoWithMlKem(): NodeCrypto | undefined {
  const crypto = nodeCrypto();
  if (!crypto || typeof crypto.decapsulate !== 'function' || typeof crypto.encapsulate !== 'function') return undefined;
  try {
    // A runtime whose OpenSSL lacks ML-KEM or its seed form refuses this key.
    crypto.createPrivateKey({ key: mlKemPkcs8(new Uint8Array(64)), format: 'der', type: 'pkcs8' });
    return crypto;
  } catch {
    return undefined;
  }
}

interface ExpandedKey {
  mlKem: KeyObject;
  x25519: KeyObject;
  /** The X25519 half of the public key, which the combiner hashes. */
  pkX: Uint8Array;
}

/** X-Wing on native primitives where the runtime has them (see the file's comment). */
export class NativeXWing extends XWing {
  readonly native: boolean;
  readonly #crypto: NodeCrypto | undefined;
  /** Each private key expanded once (SHAKE256 → ML-KEM seed, X25519 key), by its CryptoKey. */
  readonly #expanded = new WeakMap<CryptoKey, ExpandedKey>();
  readonly #publicKeys = new WeakMap<CryptoKey, { mlKem: KeyObject; pkX: KeyObject; rawX: Uint8Array }>();

  constructor(opts: { native?: boolean } = {}) {
    super();
    this.#crypto = opts.native === false ? undefined : nodeCryptoWithMlKem();
    this.native = this.#crypto !== undefined;
  }

  override async decap(params: DecapParams): Promise<ArrayBuffer> {
    const crypto = this.#crypto;
    if (!crypto) return super.decap(params);
    const enc = bytesOf(params.enc);
    if (enc.length !== ENC_BYTES) throw new Error('X-Wing: invalid length of enc');
    const key = 'privateKey' in params.recipientKey ? params.recipientKey.privateKey : params.recipientKey;
    const sk = await this.#expand(crypto, key);
    const ctM = enc.subarray(0, ML_KEM_CT);
    const ctX = enc.subarray(ML_KEM_CT);
    const ssM = crypto.decapsulate(sk.mlKem, ctM);
    const ssX = crypto.diffieHellman({ privateKey: sk.x25519, publicKey: crypto.createPublicKey({ key: concatBytes(X25519_SPKI_PREFIX, ctX), format: 'der', type: 'spki' }) });
    return combine(crypto, ssM, ssX, ctX, sk.pkX);
  }

  override async encap(params: EncapParams): Promise<{ sharedSecret: ArrayBuffer; enc: ArrayBuffer }> {
    const crypto = this.#crypto;
    // Fixed randomness (`ekm`) is for test vectors: the JS KEM takes it.
    if (!crypto || params.ekm !== undefined) return super.encap(params);
    let pk = this.#publicKeys.get(params.recipientPublicKey);
    if (!pk) {
      const raw = new Uint8Array(await this.serializePublicKey(params.recipientPublicKey));
      if (raw.length !== ML_KEM_PK + X25519_BYTES) throw new Error('X-Wing: invalid length of the public key');
      const rawX = raw.slice(ML_KEM_PK);
      pk = {
        mlKem: crypto.createPublicKey({ key: mlKemSpki(raw.subarray(0, ML_KEM_PK)), format: 'der', type: 'spki' }),
        pkX: crypto.createPublicKey({ key: concatBytes(X25519_SPKI_PREFIX, rawX), format: 'der', type: 'spki' }),
        rawX,
      };
      this.#publicKeys.set(params.recipientPublicKey, pk);
    }
    const { sharedKey: ssM, ciphertext: ctM } = crypto.encapsulate(pk.mlKem);
    const ephemeral = crypto.generateKeyPairSync('x25519');
    const ctX = rawX25519Public(ephemeral.publicKey);
    const ssX = crypto.diffieHellman({ privateKey: ephemeral.privateKey, publicKey: pk.pkX });
    return { sharedSecret: combine(crypto, ssM, ssX, ctX, pk.rawX), enc: toArrayBuffer(concatBytes(ctM, ctX)) };
  }

  async #expand(crypto: NodeCrypto, key: CryptoKey): Promise<ExpandedKey> {
    const known = this.#expanded.get(key);
    if (known) return known;
    const seed = new Uint8Array(await this.serializePrivateKey(key));
    if (seed.length !== 32) throw new Error('X-Wing: invalid length of the private key');
    const expanded = crypto.createHash('shake256', { outputLength: 96 }).update(seed).digest();
    const x25519 = crypto.createPrivateKey({ key: concatBytes(X25519_PKCS8_PREFIX, expanded.subarray(64)), format: 'der', type: 'pkcs8' });
    const sk = {
      mlKem: crypto.createPrivateKey({ key: mlKemPkcs8(expanded.subarray(0, 64)), format: 'der', type: 'pkcs8' }),
      x25519,
      pkX: rawX25519Public(crypto.createPublicKey(x25519)),
    };
    expanded.fill(0);
    this.#expanded.set(key, sk);
    return sk;
  }
}

/** X-Wing's combiner: SHA3-256(ss_M ‖ ss_X ‖ ct_X ‖ pk_X ‖ XWingLabel). */
function combine(crypto: NodeCrypto, ssM: Uint8Array, ssX: Uint8Array, ctX: Uint8Array, pkX: Uint8Array): ArrayBuffer {
  return toArrayBuffer(crypto.createHash('sha3-256').update(concatBytes(ssM, ssX, ctX, pkX, XWING_LABEL)).digest());
}
