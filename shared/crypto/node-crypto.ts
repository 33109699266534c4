/**
 * `node:crypto` where this code runs on Node, for the synchronous native primitives the HPKE
 * suites use there (xwing-native.ts, hpke-native.ts); undefined in browsers, which keep WebCrypto
 * and the JS KEM. Reached through `process.getBuiltinModule`, so no bundle imports it.
 */

/** The parts of `node:crypto` used; `shared` is compiled without Node's types. */
export interface NodeKeyObject {
  export(options: { format: 'der'; type: 'spki' }): Uint8Array;
}
interface Hash {
  update(data: Uint8Array): Hash;
  digest(): Uint8Array;
}
interface Cipher {
  setAAD(aad: Uint8Array): Cipher;
  update(data: Uint8Array): Uint8Array;
  final(): Uint8Array;
}
export interface NodeCrypto {
  createPrivateKey(key: { key: Uint8Array; format: 'der'; type: 'pkcs8' }): NodeKeyObject;
  createPublicKey(key: { key: Uint8Array; format: 'der'; type: 'spki' } | NodeKeyObject): NodeKeyObject;
  generateKeyPairSync(type: 'x25519'): { privateKey: NodeKeyObject; publicKey: NodeKeyObject };
  diffieHellman(options: { privateKey: NodeKeyObject; publicKey: NodeKeyObject }): Uint8Array;
  decapsulate(key: NodeKeyObject, ciphertext: Uint8Array): Uint8Array;
  encapsulate(key: NodeKeyObject): { sharedKey: Uint8Array; ciphertext: Uint8Array };
  createHash(algorithm: 'sha256' | 'sha3-256' | 'shake256', options?: { outputLength: number }): Hash;
  createHmac(algorithm: 'sha256', key: Uint8Array): Hash;
  createCipheriv(algorithm: 'aes-256-gcm', key: Uint8Array, iv: Uint8Array): Cipher & { getAuthTag(): Uint8Array };
  createDecipheriv(algorithm: 'aes-256-gcm', key: Uint8Array, iv: Uint8Array): Cipher & { setAuthTag(tag: Uint8Array): unknown };
}

let found: NodeCrypto | null | undefined;

/** `node:crypto`, or undefined outside Node. */
export function nodeCrypto(): NodeCrypto | undefined {
  if (found === undefined) {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const crypto = proc?.getBuiltinModule?.('node:crypto') as Partial<NodeCrypto> | undefined;
    found = crypto && typeof crypto.createHmac === 'function' && typeof crypto.createCipheriv === 'function' ? (crypto as NodeCrypto) : null;
  }
  return found ?? undefined;
}

/** SHA-256 of byte strings, in order, natively and at once: what the hot path hashes on Node without a WebCrypto round trip. */
export function sha256Parts(crypto: NodeCrypto, parts: readonly Uint8Array[]): Uint8Array {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export const bytesOf = (v: ArrayBufferLike | ArrayBufferView): Uint8Array =>
  ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v);

/** A fresh ArrayBuffer holding `b` (what the HPKE interfaces return). */
export const toArrayBuffer = (b: Uint8Array): ArrayBuffer => {
  const out = new ArrayBuffer(b.length);
  new Uint8Array(out).set(b);
  return out;
};

/** HKDF-SHA256 expand (RFC 5869) from a pseudorandom key, with HMAC from `crypto`. */
export function hkdfExpand(crypto: NodeCrypto, prk: Uint8Array, info: Uint8Array, len: number): Uint8Array {
  if (len > 255 * 32) throw new Error('HKDF: output too long');
  const okm = new Uint8Array(len);
  let previous = new Uint8Array(0);
  for (let i = 1, at = 0; at < len; i++) {
    previous = new Uint8Array(crypto.createHmac('sha256', prk).update(previous).update(info).update(new Uint8Array([i])).digest());
    okm.set(previous.subarray(0, Math.min(previous.length, len - at)), at);
    at += previous.length;
  }
  return okm;
}

/** HKDF-SHA256 extract: HMAC(salt, ikm), a zero salt when empty. */
export const hkdfExtract = (crypto: NodeCrypto, salt: Uint8Array, ikm: Uint8Array): Uint8Array =>
  new Uint8Array(crypto.createHmac('sha256', salt.length === 0 ? new Uint8Array(32) : salt).update(ikm).digest());

const TAG_BYTES = 16;

/** AES-256-GCM: ciphertext then the 16-byte tag, as WebCrypto returns it. */
export function aesGcmSeal(crypto: NodeCrypto, key: Uint8Array, iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const last = cipher.final();
  const tag = cipher.getAuthTag();
  const out = new Uint8Array(body.length + last.length + tag.length);
  out.set(body, 0);
  out.set(last, body.length);
  out.set(tag, body.length + last.length);
  return out;
}

/** AES-256-GCM open of `aesGcmSeal`'s output; throws when it does not authenticate. */
export function aesGcmOpen(crypto: NodeCrypto, key: Uint8Array, iv: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array {
  if (sealed.length < TAG_BYTES) throw new Error('AES-GCM: ciphertext shorter than its tag');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const body = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
  const last = decipher.final();
  const out = new Uint8Array(body.length + last.length);
  out.set(body, 0);
  out.set(last, body.length);
  return out;
}
