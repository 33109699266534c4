import { describe, expect, it } from 'vitest';
import { isCocoonError, type ErrorCode } from '../errors';
import { SealedRequestSchema, type ChatRequest, type JobMeta, type SealedChunk } from '../protocol/jobs';
import { buf, fromB64u, toB64u } from '../protocol/encoding';
import { RequestSuites, requestSuiteParams, type RequestSuite } from '../protocol/request-suite';
import { hpkeInfo, jobAad, openRequest, requestRecipient, sealRequest } from './envelope';
import { sealedRequestBytes } from './padding';
import { generateHpkeKeyPair, hpkeSuites, xwingSuite } from './hpke-suite';

const meta: JobMeta = { jobId: '0b0f7c39-9f3b-4c1e-9a55-1c8a4a1f0001', hostId: 'host-1', model: 'cocoon-demo-bigram', maxTokens: 64, maxCharge: '5000000' };
const request: ChatRequest = { messages: [{ role: 'user', content: 'hello enclave' }], temperature: 0.7, seed: 7 };
const suites = [RequestSuites.xwing, RequestSuites.x25519] as const;
const other = (suite: RequestSuite): RequestSuite => (suite === RequestSuites.xwing ? RequestSuites.x25519 : RequestSuites.xwing);

/** An enclave with a key pair of each suite, as the host agent has. */
async function enclave() {
  const [xwing, x25519] = await Promise.all([generateHpkeKeyPair(RequestSuites.xwing), generateHpkeKeyPair(RequestSuites.x25519)]);
  return {
    publicKeys: { [RequestSuites.xwing]: xwing.publicKey, [RequestSuites.x25519]: x25519.publicKey },
    keys: { [RequestSuites.xwing]: xwing.keyPair, [RequestSuites.x25519]: x25519.keyPair },
  };
}

async function sealTo(suite: RequestSuite, m: JobMeta = meta) {
  const host = await enclave();
  const { sealed, opener } = await sealRequest({ recipient: { suite, publicKey: host.publicKeys[suite] }, meta: m, request });
  return { host, sealed, opener };
}

async function exchange(suite: RequestSuite = RequestSuites.xwing) {
  const { host, sealed, opener } = await sealTo(suite);
  const opened = await openRequest({ keys: host.keys, meta, sealed });
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

describe.each(suites)('request envelope, suite %s', (suite) => {
  it('round-trips the request, padded to a size bucket, naming its suite', async () => {
    const { request: got, sealed } = await exchange(suite);
    expect(got).toEqual(request);
    expect(sealed.suite).toBe(suite);
    expect(SealedRequestSchema.parse(sealed)).toEqual(sealed);
    expect(fromB64u(sealed.enc).length).toBe(requestSuiteParams[suite].encBytes);
    expect(fromB64u(sealed.ciphertext).length).toBe(1024 + 16);
  });

  it('states the ciphertext length before sealing, for every size bucket (the broker bounds the hold by it)', async () => {
    const host = await enclave();
    for (const size of [0, 1000, 1010, 5000, 70_000]) {
      const r: ChatRequest = { messages: [{ role: 'user', content: 'x'.repeat(size) }] };
      const { sealed } = await sealRequest({ recipient: { suite, publicKey: host.publicKeys[suite] }, meta, request: r });
      expect(sealedRequestBytes(r), `content of ${size} bytes`).toBe(fromB64u(sealed.ciphertext).length);
    }
  });

  it('rejects a tampered ciphertext', async () => {
    const { host, sealed } = await sealTo(suite);
    await expectCode(openRequest({ keys: host.keys, meta, sealed: { ...sealed, ciphertext: flip(sealed.ciphertext) } }), 'envelope.open_failed');
  });

  it('rejects a tampered enc', async () => {
    const { host, sealed } = await sealTo(suite);
    await expectCode(openRequest({ keys: host.keys, meta, sealed: { ...sealed, enc: flip(sealed.enc, 20) } }), 'envelope.open_failed');
  });

  it.each([
    ['model', { ...meta, model: 'other-model' }],
    ['maxTokens', { ...meta, maxTokens: 4096 }],
    ['maxCharge', { ...meta, maxCharge: '5000001' }],
    ['jobId', { ...meta, jobId: '0b0f7c39-9f3b-4c1e-9a55-1c8a4a1f0002' }],
    ['hostId', { ...meta, hostId: 'host-2' }],
  ])('rejects metadata swapped by the broker: %s', async (_, swapped) => {
    const { host, sealed } = await sealTo(suite);
    await expectCode(openRequest({ keys: host.keys, meta: swapped, sealed }), 'envelope.open_failed');
  });

  it('rejects a request sealed to another enclave', async () => {
    const { sealed } = await sealTo(suite);
    const host = await enclave();
    await expectCode(openRequest({ keys: host.keys, meta, sealed }), 'envelope.open_failed');
  });

  it('cannot be opened as the other suite: relabelled, it fails the schema and the enclave', async () => {
    const { host, sealed } = await sealTo(suite);
    const relabelled = { ...sealed, suite: other(suite) };
    expect(SealedRequestSchema.safeParse(relabelled).success).toBe(false); // enc has the other suite's length
    await expectCode(openRequest({ keys: host.keys, meta, sealed: relabelled }), 'envelope.open_failed');
  });

  it('is refused by an enclave without a key of its suite', async () => {
    const { host, sealed } = await sealTo(suite);
    await expectCode(openRequest({ keys: { [other(suite)]: host.keys[other(suite)] }, meta, sealed }), 'envelope.suite_unsupported');
  });

  it('binds the suite id into the AAD: under the other suite id the ciphertext fails authentication', async () => {
    const { host, sealed } = await sealTo(suite);
    const recipient = () =>
      hpkeSuites[suite].createRecipientContext({ recipientKey: host.keys[suite], enc: buf(fromB64u(sealed.enc)), info: buf(hpkeInfo(meta.hostId)) });
    const ct = buf(fromB64u(sealed.ciphertext));
    await expect((await recipient()).open(ct, buf(jobAad(meta, other(suite))))).rejects.toThrow();
    await expect((await recipient()).open(ct, buf(jobAad(meta, suite)))).resolves.toBeInstanceOf(ArrayBuffer);
  });
});

describe('choosing the suite', () => {
  const claimsOf = async () => {
    const host = await enclave();
    return { host, claims: { hpkePublicKey: toB64u(host.publicKeys[RequestSuites.x25519]), xwingPublicKey: toB64u(host.publicKeys[RequestSuites.xwing]) } };
  };

  it('seals to the X-Wing key of the claims by default', async () => {
    const { host, claims } = await claimsOf();
    const recipient = requestRecipient(claims);
    expect(recipient).toEqual({ suite: RequestSuites.xwing, publicKey: host.publicKeys[RequestSuites.xwing] });
    expect(xwingSuite.kem.id).toBe(requestSuiteParams[RequestSuites.xwing].kemId);
    const { sealed } = await sealRequest({ recipient, meta, request });
    expect(sealed.suite).toBe(RequestSuites.xwing);
    expect((await openRequest({ keys: host.keys, meta, sealed })).request).toEqual(request);
  });

  it('refuses, never falls back, when the claims carry no X-Wing key', async () => {
    const { claims } = await claimsOf();
    await expectCode(() => requestRecipient({ hpkePublicKey: claims.hpkePublicKey }), 'envelope.suite_unsupported');
  });

  it('uses X25519 only when asked for explicitly', async () => {
    const { host, claims } = await claimsOf();
    expect(requestRecipient({ hpkePublicKey: claims.hpkePublicKey }, RequestSuites.x25519)).toEqual({ suite: RequestSuites.x25519, publicKey: host.publicKeys[RequestSuites.x25519] });
  });

  it('every suite has the RFC 9180 ids its params name', () => {
    for (const suite of suites) {
      const { kemId, kdfId, aeadId } = requestSuiteParams[suite];
      expect([hpkeSuites[suite].kem.id, hpkeSuites[suite].kdf.id, hpkeSuites[suite].aead.id]).toEqual([kemId, kdfId, aeadId]);
    }
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
    const data = chunks[0]!.data.slice();
    data[5]! ^= 0x01;
    await expectCode(opener.open({ ...chunks[0]!, data }), 'envelope.chunk_tampered');
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
    await expectCode(opener.open({ seq: 1, final: false, data: new Uint8Array(3) }), 'envelope.data_after_final');
  });

  it('rejects chunks from another response (different response nonce)', async () => {
    const a = await stream(1);
    const b = await stream(1);
    await expectCode(a.opener.open(b.chunks[0]!), 'envelope.chunk_tampered');
  });
});
