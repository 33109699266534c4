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
  createHash(algorithm: 'sha3-256' | 'shake256', options?: { outputLength: number }): Hash;
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

export const bytesOf = (v: ArrayBufferLike | ArrayBufferView): Uint8Array =>
  ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v);

/** A fresh ArrayBuffer holding `b` (what the HPKE interfaces return). */
export const toArrayBuffer = (b: Uint8Array): ArrayBuffer => {
  const out = new ArrayBuffer(b.length);
  new Uint8Array(out).set(b);
  return out;
};
