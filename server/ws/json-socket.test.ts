import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { z } from 'zod';
import { RawWsClient, until } from '../tests/support/raw-ws';
import { sendBinary, sendJson, serveJsonSocket } from './json-socket';
import { SocketSet } from './socket-set';
import type { WsLimits } from './ws-limits';

const Schema = z.object({ type: z.literal('n'), i: z.number().int(), pad: z.string().optional() });
type Msg = z.output<typeof Schema>;

const LIMITS: WsLimits = { heartbeatMs: 100, maxQueuedMessages: 8, maxBufferedBytes: { client: 64 * 1024, host: 64 * 1024 }, inbound: { bytesPerS: 64 * 1024 * 1024, burstBytes: 64 * 1024 * 1024 } };

/** A bare `ws` server serving one protocol through serveJsonSocket, with hooks for each test. */
async function serve(opts: { limits?: WsLimits; onMessage?: (m: Msg) => Promise<void> } = {}) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const sockets = new SocketSet(opts.limits ?? LIMITS);
  const handled: number[] = [];
  const served: WebSocket[] = [];
  let closes = 0;
  wss.on('connection', (socket) => {
    served.push(socket);
    const { finished } = serveJsonSocket(socket, {
      schema: Schema,
      role: 'client',
      sockets,
      fairnessKey: () => 'peer',
      log: pino({ level: 'silent' }) as unknown as FastifyBaseLogger,
      onMessage: async (m) => {
        handled.push(m.i);
        await opts.onMessage?.(m);
      },
      sendError: (error) => sendJson(socket, { type: 'error', error }),
      onClose: () => void closes++,
    });
    sockets.add(socket, finished);
  });
  const url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
  const server = { wss, sockets, handled, served, url, closes: () => closes };
  open.push(server);
  return server;
}
const open: { wss: WebSocketServer }[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) {
    s.wss.clients.forEach((c) => c.terminate());
    await new Promise((r) => s.wss.close(r));
  }
});

const connect = async (url: string) => {
  const ws = new WebSocket(url);
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  return ws;
};

describe('serveJsonSocket', () => {
  it('stops reading a socket whose queue is full and resumes when it drains, handling every message in order', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const s = await serve({ onMessage: (m) => (m.i === 0 ? gate : Promise.resolve()) });
    const client = await connect(s.url);
    let received = 0;
    const pad = 'x'.repeat(8 * 1024);
    const total = 400; // 3.2 MB: more than the loopback socket buffers take while the broker does not read
    for (let i = 0; i < total; i++) client.send(JSON.stringify({ type: 'n', i, pad }));
    await until(() => s.served[0]?.isPaused === true, 5_000, 'the socket to be paused');
    s.served[0]!.on('message', () => received++);
    await new Promise((r) => setTimeout(r, 300));
    // Paused: the first message is still being handled, nothing more was read in 300 ms (what one
    // read held at most arrived after the pause); the rest waits in TCP's buffers, not the broker's.
    expect(s.handled).toEqual([0]);
    expect(received).toBeLessThanOrEqual(LIMITS.maxQueuedMessages + 10);
    release();
    await until(() => s.handled.length === total, 10_000, 'every message handled');
    expect(s.handled).toEqual([...Array(total).keys()]);
    expect(s.served[0]!.isPaused).toBe(false);
    client.close();
  });

  it('after three malformed frames terminates the socket: frames behind them are never parsed, and no close handshake is awaited', async () => {
    const s = await serve();
    const raw = await RawWsClient.open(s.url);
    for (const bad of ['{', '[1]', '{"type":"x"}']) raw.sendText(bad);
    for (let i = 0; i < 5; i++) raw.sendText(JSON.stringify({ type: 'n', i }));
    const closedAfterMs = await raw.closed; // the raw peer never answers the close frame
    expect(raw.messages().map((m) => m.error?.code)).toEqual(['protocol.malformed_message', 'protocol.malformed_message', 'protocol.malformed_message']);
    expect(s.handled).toEqual([]);
    expect(closedAfterMs).toBeLessThan(1_000); // ws's close handshake would wait 30 s for the peer
    await until(() => s.closes() === 1, 1_000, 'onClose');
  });

  it('pings every heartbeatMs and drops a peer that stops answering within two intervals; a live peer stays', async () => {
    const s = await serve();
    const raw = await RawWsClient.open(s.url); // never answers pings
    const live = await connect(s.url); // ws answers pings by itself
    const droppedAfterMs = await raw.closed;
    expect(raw.count(0x9)).toBeGreaterThanOrEqual(1);
    expect(droppedAfterMs).toBeGreaterThanOrEqual(LIMITS.heartbeatMs);
    expect(droppedAfterMs).toBeLessThan(2 * LIMITS.heartbeatMs + 250);
    await new Promise((r) => setTimeout(r, 5 * LIMITS.heartbeatMs));
    expect(live.readyState).toBe(WebSocket.OPEN);
    live.close();
  });

  it('terminates a peer that leaves more than maxBufferedBytes unread, holding at most that plus one frame', async () => {
    const s = await serve();
    const client = await connect(s.url);
    client.pause(); // stops reading: the loopback buffers fill, then the server's
    await until(() => s.served.length === 1);
    const server = s.served[0]!;
    const frame = { type: 'big', data: 'y'.repeat(256 * 1024) };
    let sent = 0;
    let maxBuffered = 0;
    while (server.readyState === WebSocket.OPEN && sent < 400) {
      sendJson(server, frame);
      sent++;
      maxBuffered = Math.max(maxBuffered, server.bufferedAmount);
      await new Promise((r) => setImmediate(r));
    }
    expect(server.readyState).not.toBe(WebSocket.OPEN);
    expect(sent).toBeLessThan(400);
    expect(maxBuffered).toBeLessThanOrEqual(LIMITS.maxBufferedBytes.client + JSON.stringify(frame).length + 16);
    client.terminate();
  });

  it('refuses a frame above the role limit before buffering it', async () => {
    const s = await serve();
    const raw = await RawWsClient.open(s.url);
    raw.announce(400 * 1024); // a client frame may be 345 KiB; only the header is sent
    await raw.closed;
    expect(s.handled).toEqual([]);
  });

  /** A served socket and a client that records each frame's first 4 bytes; `writes()` counts the socket's write calls (one per system call, `_writev` for a batch). */
  async function watchedSocket() {
    const s = await serve();
    const client = new WebSocket(s.url);
    const got: number[] = [];
    client.on('message', (data: Buffer) => got.push(data.length >= 4 ? data.readUInt32BE(0) : -1));
    await new Promise((r) => client.once('open', r));
    await until(() => s.served.length === 1);
    const server = s.served[0]!;
    const raw = (server as unknown as { _socket: Socket })._socket;
    const stream = raw as unknown as Record<'_write' | '_writev', (...args: unknown[]) => void>;
    let writes = 0;
    for (const name of ['_write', '_writev'] as const) {
      const original = stream[name].bind(raw);
      stream[name] = (...args: unknown[]) => {
        writes++;
        original(...args);
      };
    }
    return { client, server, raw, got, writes: () => writes };
  }

  it('binary frames sent to a socket in one turn of the event loop leave in one write, whole and in order', async () => {
    const { client, server, raw, got, writes } = await watchedSocket();
    for (let i = 0; i < 50; i++) {
      const frame = new Uint8Array(80);
      new DataView(frame.buffer).setUint32(0, i);
      sendBinary(server, frame);
    }
    expect(raw.writableCorked).toBe(1);
    await until(() => got.length === 50);
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(raw.writableCorked).toBe(0);
    expect(writes()).toBe(1);
    client.close();
  });

  it('holds back at most 16 KiB: what would pass it goes out at once, not at the end of the turn', async () => {
    const { client, server, raw, got, writes } = await watchedSocket();
    // 10 KiB each: the second would pass 16 KiB, so the first leaves when it is sent, and so on.
    for (let i = 0; i < 3; i++) sendBinary(server, new Uint8Array(10 * 1024));
    expect(writes()).toBe(2);
    expect(raw.writableCorked).toBe(1);
    // A frame of 16 KiB or more is never held back.
    sendBinary(server, new Uint8Array(20 * 1024));
    expect(writes()).toBe(4);
    expect(raw.writableCorked).toBe(0);
    await until(() => got.length === 4);
    expect(writes()).toBe(4);
    client.close();
  });
});
