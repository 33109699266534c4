import { describe, expect, it } from 'vitest';
import { isCocoonError, type ErrorCode } from '../errors';
import type { ChatRequest, JobMeta, SealedChunk } from '../protocol/jobs';
import { fromB64u, toB64u } from '../protocol/encoding';
import { openRequest, sealRequest } from './envelope';
import { generateHpkeKeyPair } from './hpke-suite';

const meta: JobMeta = { jobId: '0b0f7c39-9f3b-4c1e-9a55-1c8a4a1f0001', hostId: 'host-1', model: 'cocoon-demo-bigram', maxTokens: 64, maxCoefficientMilli: 1000 };
const request: ChatRequest = { messages: [{ role: 'user', content: 'hello enclave' }], temperature: 0.7, seed: 7 };

async function exchange() {
  const host = await generateHpkeKeyPair();
  const { sealed, opener } = await sealRequest({ recipientPublicKey: host.publicKey, meta, request });
  const opened = await openRequest({ keyPair: host.keyPair, meta, sealed });
  return { host, sealed, opener, ...opened };
}

async function expectCode(p: Promise<unknown> | (() => unknown), code: ErrorCode) {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(isCocoonError(e) ? e.code : e).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

const flip = (b64: string, at = 5): string => {
  const b = fromB64u(b64);
  b[at]! ^= 0x01;
  return toB64u(b);
};

describe('request envelope', () => {
  it('round-trips the request, padded to a size bucket', async () => {
    const { request: got, sealed } = await exchange();
    expect(got).toEqual(request);
    expect(fromB64u(sealed.ciphertext).length).toBe(1024 + 16);
  });

  it('rejects a tampered ciphertext', async () => {
    const host = await generateHpkeKeyPair();
    const { sealed } = await sealRequest({ recipientPublicKey: host.publicKey, meta, request });
    await expectCode(openRequest({ keyPair: host.keyPair, meta, sealed: { ...sealed, ciphertext: flip(sealed.ciphertext) } }), 'envelope.open_failed');
  });

  it.each([
    ['model', { ...meta, model: 'other-model' }],
    ['maxTokens', { ...meta, maxTokens: 4096 }],
    ['maxCoefficientMilli', { ...meta, maxCoefficientMilli: 5000 }],
    ['jobId', { ...meta, jobId: '0b0f7c39-9f3b-4c1e-9a55-1c8a4a1f0002' }],
    ['hostId', { ...meta, hostId: 'host-2' }],
  ])('rejects metadata swapped by the broker: %s', async (_, swapped) => {
    const host = await generateHpkeKeyPair();
    const { sealed } = await sealRequest({ recipientPublicKey: host.publicKey, meta, request });
    await expectCode(openRequest({ keyPair: host.keyPair, meta: swapped, sealed }), 'envelope.open_failed');
  });

  it('rejects a request sealed to another enclave', async () => {
    const other = await generateHpkeKeyPair();
    const host = await generateHpkeKeyPair();
    const { sealed } = await sealRequest({ recipientPublicKey: other.publicKey, meta, request });
    await expectCode(openRequest({ keyPair: host.keyPair, meta, sealed }), 'envelope.open_failed');
  });
});

describe('response stream', () => {
  async function stream(n: number) {
    const { opener, sealer } = await exchange();
    const chunks: SealedChunk[] = [];
    for (let i = 0; i < n; i++) chunks.push(await sealer.seal({ type: 'delta', text: `word${i} ` }, false));
    await opener.start(sealer.responseNonce);
    return { opener, sealer, chunks };
  }

  it('opens chunks in order and requires the final chunk', async () => {
    const { opener, sealer, chunks } = await stream(3);
    const texts = [];
    for (const c of chunks) texts.push(await opener.open(c));
    expect(texts.map((t) => (t.type === 'delta' ? t.text : ''))).toEqual(['word0 ', 'word1 ', 'word2 ']);
    await expectCode(() => opener.end(), 'envelope.stream_truncated');
    const final = await sealer.seal({ type: 'error', code: 'engine.stream_failed', message: 'x' }, true);
    expect((await opener.open(final)).type).toBe('error');
    expect(() => opener.end()).not.toThrow();
  });

  it('detects a reordered chunk', async () => {
    const { opener, chunks } = await stream(2);
    await expectCode(opener.open(chunks[1]!), 'envelope.chunk_out_of_order');
  });

  it('detects a replayed chunk', async () => {
    const { opener, chunks } = await stream(2);
    await opener.open(chunks[0]!);
    await expectCode(opener.open(chunks[0]!), 'envelope.chunk_replayed');
  });

  it('detects a tampered chunk', async () => {
    const { opener, chunks } = await stream(1);
    await expectCode(opener.open({ ...chunks[0]!, data: flip(chunks[0]!.data) }), 'envelope.chunk_tampered');
  });

  it('detects a chunk whose seq was rewritten to fit', async () => {
    const { opener, chunks } = await stream(2);
    await expectCode(opener.open({ ...chunks[1]!, seq: 0 }), 'envelope.chunk_tampered');
  });

  it('detects a forged final flag (truncation disguised as the end)', async () => {
    const { opener, chunks } = await stream(1);
    await expectCode(opener.open({ ...chunks[0]!, final: true }), 'envelope.chunk_tampered');
  });

  it('rejects data after the final chunk', async () => {
    const { opener, sealer } = await stream(0);
    await opener.open(await sealer.seal({ type: 'error', code: 'x', message: 'y' }, true));
    await expectCode(sealer.seal({ type: 'delta', text: 'late' }, false), 'envelope.data_after_final');
    await expectCode(opener.open({ seq: 1, final: false, data: 'AAAA' }), 'envelope.data_after_final');
  });

  it('rejects chunks from another response (different response nonce)', async () => {
    const a = await stream(1);
    const b = await stream(1);
    await expectCode(a.opener.open(b.chunks[0]!), 'envelope.chunk_tampered');
  });
});
