import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_CLIENT_FRAME_BYTES, MAX_HOST_FRAME_BYTES } from '../ws/frame-limits';
import { openClient, sealJob } from './support/client';
import { createFakeIdentity, defaultScript, FakeHost, type FakeIdentity } from './support/fake-host';
import { RawWsClient, until } from './support/raw-ws';
import { enrollToken, signIn, startTestServer, type TestServer } from './support/test-server';
import { TestSocket } from './support/ws-client';

/**
 * The broker's connection limits (README, broker configuration) against a real broker, with short
 * timeouts so each runs in about a second: HTTP slow-loris and idle connections, WebSocket frame
 * limits per role, termination after malformed frames, the heartbeat on both roles, slow consumers.
 */

type ErrorFrame = { type: 'error'; error: { code: string } };

/** A TCP connection to the broker's HTTP port, recording what came back and when it closed. */
function tcp(url: string) {
  const u = new URL(url);
  const socket = net.connect(Number(u.port), u.hostname);
  const started = Date.now();
  let received = '';
  socket.on('data', (d) => (received += String(d)));
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
  return { socket, closed, received: () => received };
}

const timeouts = { HTTP_HEADERS_TIMEOUT_MS: 300, HTTP_REQUEST_TIMEOUT_MS: 600, HTTP_CONNECTION_TIMEOUT_MS: 1_000, HTTP_KEEP_ALIVE_TIMEOUT_MS: 300 };

describe('HTTP timeouts', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ ...Object.fromEntries(Object.entries(timeouts).map(([k, v]) => [k, String(v)])), WS_HEARTBEAT_MS: '100' });
  });
  afterAll(async () => t?.close());

  it('slow-loris: headers sent a byte at a time are cut off with 408 after the headers timeout', async () => {
    const c = tcp(t.url);
    const request = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n${'X-Slow: drip\r\n'.repeat(50)}\r\n`;
    let sent = 0;
    const drip = setInterval(() => c.socket.writable && c.socket.write(request[sent++] ?? ''), 20);
    const closedAfter = await c.closed;
    clearInterval(drip);
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(sent).toBeLessThan(request.length); // never completed: each byte came well within the inactivity timeout
    expect(closedAfter).toBeGreaterThanOrEqual(timeouts.HTTP_HEADERS_TIMEOUT_MS);
    expect(closedAfter).toBeLessThan(timeouts.HTTP_HEADERS_TIMEOUT_MS + 700);
  });

  it('a connection that never sends a request is closed after the headers timeout', async () => {
    const c = tcp(t.url);
    const closedAfter = await c.closed;
    expect(closedAfter).toBeGreaterThanOrEqual(timeouts.HTTP_HEADERS_TIMEOUT_MS);
    expect(closedAfter).toBeLessThan(timeouts.HTTP_HEADERS_TIMEOUT_MS + 700);
  });

  it('a body sent a byte at a time is cut off with 408 after the request timeout', async () => {
    const c = tcp(t.url);
    c.socket.write('POST /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
    const drip = setInterval(() => c.socket.writable && c.socket.write(' '), 20);
    const closedAfter = await c.closed;
    clearInterval(drip);
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfter).toBeGreaterThanOrEqual(timeouts.HTTP_REQUEST_TIMEOUT_MS);
    expect(closedAfter).toBeLessThan(timeouts.HTTP_REQUEST_TIMEOUT_MS + 700);
  });

  it('an idle keep-alive connection is closed after the keep-alive timeout (plus Node\'s 1 s grace)', async () => {
    const c = tcp(t.url);
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await until(() => c.received().includes('\r\n\r\n'), 2_000, 'the response');
    const answered = Date.now();
    await c.closed;
    expect(c.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(Date.now() - answered).toBeGreaterThanOrEqual(timeouts.HTTP_KEEP_ALIVE_TIMEOUT_MS);
    expect(Date.now() - answered).toBeLessThan(timeouts.HTTP_KEEP_ALIVE_TIMEOUT_MS + 1_000 + 700);
  });

  it('a WebSocket leaves the HTTP timeouts behind at the upgrade', async () => {
    const socket = await TestSocket.open(`${t.wsUrl}/api/host`);
    await new Promise((r) => setTimeout(r, 2 * (timeouts.HTTP_CONNECTION_TIMEOUT_MS + timeouts.HTTP_KEEP_ALIVE_TIMEOUT_MS)));
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    socket.close();
  });
});

describe('WebSocket limits', () => {
  const HEARTBEAT_MS = 150;
  let t: TestServer;
  let id: FakeIdentity;
  let host: FakeHost;
  beforeAll(async () => {
    // Every peer here is 127.0.0.1 before it authenticates: one inbound budget, which the
    // largest-frame tests would spend for the ones after them. The budget is flood-isolation's subject.
    t = await startTestServer({ WS_HEARTBEAT_MS: String(HEARTBEAT_MS), WS_INBOUND_BYTES_PER_S: String(64 * 1024 * 1024), WS_INBOUND_BURST_BYTES: String(64 * 1024 * 1024) });
    id = await createFakeIdentity({ models: ['demo/tiny'] });
    host = await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t) });
  });
  afterAll(async () => t?.close());

  /** A text frame of exactly `bytes` bytes that is valid JSON and matches no message. */
  const junk = (bytes: number) => JSON.stringify('a'.repeat(bytes - 2));

  it('client sockets take frames up to the largest job.create and refuse anything larger, host-sized frames included', async () => {
    const fits = await TestSocket.open(`${t.wsUrl}/api/ws`);
    fits.send(junk(MAX_CLIENT_FRAME_BYTES));
    expect(await fits.next<ErrorFrame>('error')).toMatchObject({ error: { code: 'protocol.malformed_message' } });
    expect(fits.ws.readyState).toBe(WebSocket.OPEN);
    fits.close();
    for (const bytes of [MAX_CLIENT_FRAME_BYTES + 1, MAX_HOST_FRAME_BYTES]) {
      const tooBig = await TestSocket.open(`${t.wsUrl}/api/ws`);
      tooBig.send(junk(bytes));
      expect([1006, 1009]).toContain((await tooBig.closed).code);
      expect(tooBig.pending()).toEqual([]); // refused by size, never parsed
    }
  });

  it('host sockets take frames up to the largest hello and refuse anything larger', async () => {
    const fits = await TestSocket.open(`${t.wsUrl}/api/host`);
    await fits.next('host.challenge');
    fits.send(junk(MAX_HOST_FRAME_BYTES));
    expect(await fits.next<ErrorFrame>('error')).toMatchObject({ error: { code: 'protocol.malformed_message' } });
    expect(fits.ws.readyState).toBe(WebSocket.OPEN);
    fits.close();
    const tooBig = await TestSocket.open(`${t.wsUrl}/api/host`);
    await tooBig.next('host.challenge');
    tooBig.send(junk(MAX_HOST_FRAME_BYTES + 1));
    expect([1006, 1009]).toContain((await tooBig.closed).code);
  });

  it('terminates a client after three malformed frames: the frames behind them are not parsed, no close handshake is awaited', async () => {
    const { token } = await signIn(t.server);
    const raw = await RawWsClient.open(`${t.wsUrl}/api/ws`);
    raw.sendText(JSON.stringify({ type: 'auth', token }));
    await until(() => raw.messages().some((m) => m.type === 'auth.ok'), 5_000, 'auth.ok');
    const job = await sealJob(id);
    for (const bad of ['{', '[]', '{"type":"job.create"}']) raw.sendText(bad);
    raw.sendText(JSON.stringify({ type: 'job.create', meta: job.meta, request: job.request }));
    const closedAfter = await raw.closed; // the raw peer never answers a close frame
    expect(raw.messages().map((m) => m.error?.code ?? m.type)).toEqual(['auth.ok', 'protocol.malformed_message', 'protocol.malformed_message', 'protocol.malformed_message']);
    expect(closedAfter).toBeLessThan(10_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(host.opened.map((m) => m.jobId)).not.toContain(job.meta.jobId);
  });

  it('drops a client and a host that stop answering pings within two heartbeat intervals; live peers stay', async () => {
    const deadClient = await RawWsClient.open(`${t.wsUrl}/api/ws`);
    const deadHost = await RawWsClient.open(`${t.wsUrl}/api/host`);
    const liveClient = await TestSocket.open(`${t.wsUrl}/api/ws`);
    const liveHost = await TestSocket.open(`${t.wsUrl}/api/host`);
    for (const dead of [deadClient, deadHost]) {
      const droppedAfter = await dead.closed;
      expect(dead.count(0x9)).toBeGreaterThanOrEqual(1); // pinged, never answered
      expect(droppedAfter).toBeLessThan(2 * HEARTBEAT_MS + 500);
    }
    await new Promise((r) => setTimeout(r, 4 * HEARTBEAT_MS));
    expect(liveClient.ws.readyState).toBe(WebSocket.OPEN);
    expect(liveHost.ws.readyState).toBe(WebSocket.OPEN);
    liveClient.close();
    liveHost.close();
  });
});

describe('slow consumers', () => {
  // The default heartbeat (30 s): a reader that stops reading also stops answering pings, and this
  // shows the bound on what waits for it acting first.
  let t: TestServer;
  let id: FakeIdentity;
  let host: FakeHost;
  beforeAll(async () => {
    t = await startTestServer({ WS_CLIENT_MAX_BUFFERED_BYTES: String(256 * 1024) });
    id = await createFakeIdentity({ models: ['demo/tiny'] });
    host = await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t) });
  });
  afterAll(async () => t?.close());

  it('terminates a client that stops reading a host\'s stream once the bound waits unread; the host is told to cancel', async () => {
    const { token } = await signIn(t.server);
    const client = await openClient(t.wsUrl, token);
    host.script = { ...defaultScript, stall: true };
    try {
      const job = await sealJob(id);
      const jobId = job.meta.jobId;
      client.send({ type: 'job.create', meta: job.meta, request: job.request });
      await client.next('job.accepted');
      client.ws.pause(); // the Mini App stops reading (a frozen tab, a stalled network)
      host.send({ type: 'job.start', jobId, responseNonce: 'A'.repeat(43) });
      // A host streaming as fast as it can: 1 MiB sealed chunks the broker relays unopened.
      // It would ignore a job.pause (this one frame jumps past both marks): the terminate bound is the last resort.
      const data = new Uint8Array(1_048_576);
      let sent = 0;
      while (!host.cancelled.has(jobId) && sent < 200) {
        host.sendChunk(jobId, { seq: sent++, final: false, data });
        while (host.socket.ws.bufferedAmount > 4 * data.length) await new Promise((r) => setTimeout(r, 5));
        await new Promise((r) => setImmediate(r));
      }
      expect(host.cancelled.has(jobId)).toBe(true); // the broker dropped the reader and cancelled its job
      expect(sent).toBeLessThan(200);
      client.ws.resume();
      expect((await client.closed).code).toBe(1006);
      expect(t.logs.some((l) => l.includes('slow consumer'))).toBe(true);
    } finally {
      host.script = defaultScript;
    }
  });
});
