import { describe, expect, it } from 'vitest';
import { createSimulatedProvider } from '@cocoon/shared/attestation/simulated';
import { requestRecipient, sealRequest } from '@cocoon/shared/crypto/envelope';
import type { ResponseOpener } from '@cocoon/shared/crypto/response-stream';
import { decodeChunkFrame, type ChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import { PriceSchema } from '@cocoon/shared/pricing';
import { fromB64u } from '@cocoon/shared/protocol/encoding';
import type { ChunkPayload, JobMeta } from '@cocoon/shared/protocol/jobs';
import type { HostToBroker } from '@cocoon/shared/protocol/ws-messages';
import { ResponseDigest, verifyReceipt } from '@cocoon/shared/receipt';
import type { EngineClient, EngineEvent } from '../engine/engine-client';
import { JobGate } from '../agent/chunk-stream';
import { createEnclaveIdentity } from '../agent/enclave-identity';
import { runJob } from '../agent/job-runner';
import { createLogger } from '../agent/logger';

const identity = await createEnclaveIdentity({
  hostId: 'coalescing-test-host',
  models: [{ name: 'demo/tiny', weightsDigest: 'ab'.repeat(32) }],
  engine: { name: 'fake', imageDigest: `sha256:${'0'.repeat(64)}`, version: 'test', args: [], agentConfigDigest: '0'.repeat(64) },
  provider: createSimulatedProvider(),
  claimsTtlSeconds: 3600,
});
const PRICE = PriceSchema.parse({ promptPerMillion: '1000', completionPerMillion: '2000' });
const tick = () => new Promise<void>((r) => setImmediate(r));

/**
 * A scripted engine: `burst` deltas at once, then after `afterMs` the `later` ones, then tool
 * calls; `endless`: a delta every millisecond until aborted.
 */
function fakeEngine(script: { burst: string[]; afterMs?: number; later?: string[]; toolCalls?: number; endless?: boolean }) {
  let pulled = 0;
  const engine: EngineClient = {
    listModels: () => Promise.resolve([]),
    countPromptTokens: () => Promise.resolve(7),
    async *streamChat(_req, signal): AsyncIterable<EngineEvent> {
      for (const content of script.burst) {
        pulled++;
        yield { type: 'delta', content };
      }
      if (script.afterMs) await new Promise((r) => setTimeout(r, script.afterMs));
      for (const content of script.later ?? []) {
        pulled++;
        yield { type: 'delta', content };
      }
      for (let i = 0; i < (script.toolCalls ?? 0); i++) {
        pulled++;
        yield { type: 'tool_call', index: i, id: `call_${i}`, name: 'f', arguments: '{}' };
      }
      while (script.endless) {
        signal?.throwIfAborted();
        pulled++;
        yield { type: 'delta', content: 'x' };
        await new Promise((r) => setTimeout(r, 1));
      }
      yield { type: 'finish', reason: 'stop' };
      yield { type: 'usage', promptTokens: 7, completionTokens: pulled };
    },
  };
  return { engine, pulled: () => pulled };
}

async function job(maxTokens = 512) {
  const claims = identity.claims();
  const meta: JobMeta = { jobId: crypto.randomUUID(), hostId: claims.hostId, model: 'demo/tiny', maxTokens, maxCharge: '1000000000000' };
  const { sealed, opener } = await sealRequest({ recipient: requestRecipient(claims), meta, request: { messages: [{ role: 'user', content: 'hi' }] } });
  return { meta, sealed, opener };
}

/** Runs a job against `engine`, recording what it sends to the broker. */
function run(engine: EngineClient, j: Awaited<ReturnType<typeof job>>, ctl = new AbortController()) {
  const sent: HostToBroker[] = [];
  const frames: ChunkFrame[] = [];
  const gate = new JobGate(ctl.signal);
  const done = runJob({
    meta: j.meta, request: j.sealed, price: PRICE, priceCoefficientMilli: 1000, identity, engine, gate, signal: ctl.signal, logger: createLogger('silent'),
    channel: { send: (m) => sent.push(m), sendChunk: (f) => frames.push(decodeChunkFrame(f)) },
  });
  return { sent, frames, gate, ctl, done };
}

/** Opens every frame as the client does; the digest it computes over what it saw. */
async function openAll(opener: ResponseOpener, sent: HostToBroker[], frames: ChunkFrame[]) {
  const start = sent.find((m) => m.type === 'job.start');
  if (!start || start.type !== 'job.start') throw new Error('no job.start');
  await opener.start(start.responseNonce);
  const digest = new ResponseDigest();
  const payloads: ChunkPayload[] = [];
  for (const f of frames) {
    payloads.push(await opener.open(f));
    if (!f.final) await digest.update(f);
  }
  opener.end();
  return { payloads, digest: digest.hex() };
}

const receiptOf = (sent: HostToBroker[]) => {
  const end = sent.find((m) => m.type === 'job.end');
  if (!end || end.type !== 'job.end') throw new Error('no job.end');
  return end.receipt;
};

describe('coalescing engine deltas into chunks', () => {
  it('sends the first delta alone, a burst after it as one chunk counting its deltas, and a valid receipt over what was sent', async () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i} `);
    const { engine } = fakeEngine({ burst: words });
    const j = await job();
    const r = run(engine, j);
    await r.done;
    const answer = r.frames.filter((f) => !f.final);
    expect(answer[0]!.pieces).toBe(1);
    expect(answer.length).toBeLessThan(words.length / 4);
    expect(answer.reduce((n, f) => n + f.pieces, 0)).toBe(words.length);
    expect(r.frames.map((f) => f.seq)).toEqual(r.frames.map((_, i) => i));
    expect(r.frames.at(-1)).toMatchObject({ final: true, pieces: 0 });
    const { payloads, digest } = await openAll(j.opener, r.sent, r.frames);
    expect(payloads.flatMap((p) => (p.type === 'delta' ? [p.text] : [])).join('')).toBe(words.join(''));
    const receipt = receiptOf(r.sent);
    expect(receipt.receipt).toMatchObject({ completionTokens: words.length, finishReason: 'stop', responseDigest: digest });
    expect(await verifyReceipt(receipt, fromB64u(identity.claims().signingPublicKey))).toBe(true);
  });

  it('deltas far apart are not held back: each goes in its own chunk', async () => {
    const { engine } = fakeEngine({ burst: ['a'], afterMs: 30, later: ['b'] });
    const j = await job();
    const r = run(engine, j);
    await r.done;
    expect(r.frames.filter((f) => !f.final).map((f) => f.pieces)).toEqual([1, 1]);
  });

  it('never merges a tool call with text or another call', async () => {
    const { engine } = fakeEngine({ burst: ['a', 'b', 'c'], toolCalls: 2 });
    const j = await job();
    const r = run(engine, j);
    await r.done;
    const { payloads } = await openAll(j.opener, r.sent, r.frames);
    expect(payloads.map((p) => p.type)).toEqual(['delta', 'delta', 'tool_call', 'tool_call', 'end']);
    expect(r.frames.map((f) => f.pieces)).toEqual([1, 2, 1, 1, 0]);
  });
});

describe('backpressure in the host (job.pause / job.resume)', () => {
  it('a paused job sends nothing and stops reading its engine; another job goes on; resumed, it finishes with a valid receipt', async () => {
    const a = fakeEngine({ burst: [], endless: true });
    const b = fakeEngine({ burst: Array.from({ length: 20 }, () => 'y') });
    const ja = await job();
    const jb = await job();
    const ra = run(a.engine, ja);
    while (ra.frames.length < 3) await tick();
    ra.gate.pause();
    await new Promise((r) => setTimeout(r, 20));
    const frozen = { frames: ra.frames.length, pulled: a.pulled() };
    const rb = run(b.engine, jb);
    await rb.done;
    expect(rb.sent.some((m) => m.type === 'job.end')).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(ra.frames.length).toBe(frozen.frames);
    expect(a.pulled()).toBe(frozen.pulled);
    ra.gate.resume();
    while (ra.frames.length < frozen.frames + 3) await tick();
    ra.ctl.abort(new Error('cancelled by the test'));
    await ra.done;
    // Cancelled: it bills the pieces it sent, and the receipt's digest is over exactly those chunks.
    const { digest } = await openAll(ja.opener, ra.sent, ra.frames);
    const sentPieces = ra.frames.reduce((n, f) => n + f.pieces, 0);
    expect(receiptOf(ra.sent).receipt).toMatchObject({ finishReason: 'cancelled', completionTokens: sentPieces, responseDigest: digest });
  });

  it('a job cancelled while paused is not held by the pause: it ends with its receipt', async () => {
    const a = fakeEngine({ burst: [], endless: true });
    const ja = await job();
    const r = run(a.engine, ja);
    while (r.frames.length < 2) await tick();
    r.gate.pause();
    r.ctl.abort(new Error('cancelled by the test'));
    await r.done;
    expect(receiptOf(r.sent).receipt.finishReason).toBe('cancelled');
  });
});
