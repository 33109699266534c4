import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSigningKeyPair } from './crypto/ed25519';
import type { Receipt } from './protocol/receipt';
import { concatBytes, sha256, toB64u, toHex } from './protocol/encoding';
import { RequestSuites } from './protocol/request-suite';
import { nativeSha256, requestDigest, ResponseDigest, signHostHello, signReceipt, verifyHostHello, verifyReceipt } from './receipt';

const receipt: Receipt = {
  version: 1,
  jobId: '0b0f7c39-9f3b-4c1e-9a55-1c8a4a1f0001',
  hostId: 'host-1',
  model: 'cocoon-demo-bigram',
  promptTokens: 12,
  completionTokens: 30,
  finishReason: 'stop',
  requestDigest: 'aa'.repeat(32),
  responseDigest: 'bb'.repeat(32),
};

describe('receipts', () => {
  it('verifies with the signing key and only with it', async () => {
    const host = await generateSigningKeyPair();
    const other = await generateSigningKeyPair();
    const signed = await signReceipt(receipt, host.privateKey);
    expect(await verifyReceipt(signed, host.publicKey)).toBe(true);
    expect(await verifyReceipt(signed, other.publicKey)).toBe(false);
  });

  it.each([
    ['completionTokens', { completionTokens: 31 }],
    ['promptTokens', { promptTokens: 0 }],
    ['jobId', { jobId: '0b0f7c39-9f3b-4c1e-9a55-1c8a4a1f0002' }],
    ['finishReason', { finishReason: 'length' as const }],
  ])('rejects a receipt whose %s was changed', async (_, change) => {
    const host = await generateSigningKeyPair();
    const signed = await signReceipt(receipt, host.privateKey);
    expect(await verifyReceipt({ ...signed, receipt: { ...signed.receipt, ...change } }, host.publicKey)).toBe(false);
  });

  it('a host-hello signature is not a receipt signature', async () => {
    const host = await generateSigningKeyPair();
    const challenge = new Uint8Array(32).fill(3);
    const sig = await signHostHello(challenge, host.privateKey);
    expect(await verifyHostHello(challenge, sig, host.publicKey)).toBe(true);
    expect(await verifyHostHello(new Uint8Array(32), sig, host.publicKey)).toBe(false);
    expect(await verifyReceipt({ receipt, signature: sig }, host.publicKey)).toBe(false);
  });

  it('digests commit to order and content', async () => {
    // WebCrypto, as a browser computes it.
    const a = new ResponseDigest(null);
    const b = new ResponseDigest(null);
    const c1 = { seq: 0, final: false, data: new Uint8Array([1]) };
    const c2 = { seq: 1, final: false, data: new Uint8Array([2]) };
    await a.update(c1);
    await a.update(c2);
    await b.update(c2);
    await b.update(c1);
    expect(a.hex()).not.toBe(b.hex());
    // The synchronous form (node:crypto, the default on Node) gives the same chain.
    const sync = new ResponseDigest(nativeSha256());
    sync.updateSync(c1);
    await sync.update(c2);
    expect(sync.hex()).toBe(a.hex());
    expect(() => new ResponseDigest(null).updateSync(c1)).toThrow();
  });

  it('digests a sealed request as SHA-256(enc || ciphertext), natively on Node as WebCrypto would', async () => {
    const enc = new Uint8Array(32).fill(7);
    const ciphertext = new Uint8Array([1, 2, 3, 250]);
    const expected = createHash('sha256').update(enc).update(ciphertext).digest('hex');
    expect(await requestDigest({ suite: RequestSuites.x25519, enc: toB64u(enc), ciphertext: toB64u(ciphertext) })).toBe(expected);
    expect(toHex(await sha256(concatBytes(enc, ciphertext)))).toBe(expected); // WebCrypto
    expect(toHex(nativeSha256()!([enc, ciphertext]))).toBe(expected);
  });
});
