import type {} from '@fastify/websocket';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import { openClient, sealJob } from './support/client';
import { createFakeIdentity, defaultScript, FakeHost, type FakeIdentity } from './support/fake-host';
import { enrollToken, signIn, startTestServer, type TestServer } from './support/test-server';

/** The client bound (terminate) in this test: backpressure pauses at a quarter of it (server/ws/backpressure.ts). */
const MAX_BUFFERED = 1024 * 1024;
/** 64 KiB sealed chunks: the kernel's socket buffers (a few MiB on loopback) fill in a few dozen. */
const CHUNK_TEXT = 'x'.repeat(64 * 1024 - 64);
const CHUNKS = 120;

const until = async (what: string, cond: () => boolean, timeoutMs = 8_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

/**
 * Backpressure from a client's socket back to the host: a client that stops reading gets its job
 * paused at the host (job.pause) before the broker holds more than its bound for it, without being
 * dropped; the same host's other job streams on; read again, the job resumes and settles.
 */
describe('backpressure', () => {
  let t: TestServer;
  let id: FakeIdentity;
  let host: FakeHost;
  beforeAll(async () => {
    t = await startTestServer({ WS_CLIENT_MAX_BUFFERED_BYTES: String(MAX_BUFFERED) });
    id = await createFakeIdentity({ models: ['demo/tiny'] });
    host = await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t), maxConcurrentJobs: 4 });
  });
  afterAll(async () => t?.close());

  it('a client that does not read pauses its own job at the host; the broker holds a bounded amount; another job goes on; reading again resumes it', async () => {
    const slow = await openClient(t.wsUrl, (await signIn(t.server)).token);
    const other = await openClient(t.wsUrl, (await signIn(t.server)).token);
    host.script = { deltas: Array.from({ length: CHUNKS }, () => CHUNK_TEXT), usage: { promptTokens: 5, completionTokens: CHUNKS } };
    const a = await sealJob(id, { maxTokens: 4096 });
    slow.send({ type: 'job.create', meta: a.meta, request: a.request });
    await slow.next('job.accepted');
    slow.ws.pause(); // a frozen tab: nothing more is read from the socket

    // What the broker holds unread for the slow client, sampled while the host streams.
    let maxBuffered = 0;
    const sample = setInterval(() => {
      for (const ws of t.server.app.websocketServer.clients) maxBuffered = Math.max(maxBuffered, ws.bufferedAmount);
    }, 2);
    try {
      await until('the host is told to pause', () => host.paused.has(a.meta.jobId));
      // A chunk the host was sealing when the pause arrived still goes; then nothing.
      await new Promise((r) => setTimeout(r, 100));
      const sentAtPause = host.chunksSent.get(a.meta.jobId) ?? 0;
      await new Promise((r) => setTimeout(r, 300));
      const stalled = host.chunksSent.get(a.meta.jobId) ?? 0;
      expect(stalled).toBe(sentAtPause); // the host sends nothing more for it while paused
      expect(stalled).toBeLessThan(CHUNKS);

      // The same host's other job, for a client that reads, streams and settles meanwhile.
      host.script = defaultScript;
      const b = await sealJob(id);
      other.send({ type: 'job.create', meta: b.meta, request: b.request });
      expect(await other.next('job.settled')).toMatchObject({ jobId: b.meta.jobId });
      expect(host.chunksSent.get(a.meta.jobId) ?? 0).toBe(stalled);
    } finally {
      clearInterval(sample);
    }
    // Paused at a quarter of the bound; what was on its way when the pause left fits under the bound.
    expect(maxBuffered).toBeGreaterThan(MAX_BUFFERED / 4);
    expect(maxBuffered).toBeLessThanOrEqual(MAX_BUFFERED);
    expect(slow.ws.readyState).toBe(WebSocket.OPEN); // paused, never dropped

    // Read again: the broker says resume, the rest streams, and the answer opens whole and settles.
    slow.ws.resume();
    const start = await slow.next<{ responseNonce: string }>('job.start');
    await a.opener.start(start.responseNonce);
    let text = 0;
    for (;;) {
      const { chunk } = await slow.next<{ chunk: ChunkFrame }>('job.chunk', 15_000);
      const payload = await a.opener.open(chunk);
      if (payload.type === 'delta') text += payload.text.length;
      if (chunk.final) break;
    }
    expect(text).toBe(CHUNKS * CHUNK_TEXT.length);
    expect(host.pressure.some((p) => p.type === 'job.resume' && p.jobId === a.meta.jobId)).toBe(true);
    expect(await slow.next('job.settled', 15_000)).toMatchObject({ jobId: a.meta.jobId });
    expect(t.logs.some((l) => l.includes('slow consumer'))).toBe(false);
    slow.close();
    other.close();
  }, 60_000);
});
