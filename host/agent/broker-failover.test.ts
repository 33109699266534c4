import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { createBrokerLink } from './broker-link';
import { createLogger } from './logger';

/** A broker stand-in that keeps its connections, so a test can kill them as a dying broker does. */
async function broker() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const sockets: WebSocket[] = [];
  wss.on('connection', (ws) => sockets.push(ws));
  return { wss, sockets, url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`, close: () => new Promise<void>((r) => wss.close(() => r())) };
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('the broker link with several brokers (issue 13)', () => {
  it('fails over to the next broker in its list when its broker dies, and stays there while that one lives', async () => {
    const a = await broker();
    const b = await broker();
    cleanup.push(a.close, b.close);
    const used: string[] = [];
    const l = createBrokerLink({ urls: [a.url, b.url], logger: createLogger('silent'), onMessage: () => undefined, onDisconnect: () => undefined, minBackoffMs: 10, maxBackoffMs: 20, heartbeatMs: 60_000 });
    a.wss.on('connection', () => used.push('a'));
    b.wss.on('connection', () => used.push('b'));
    await l.start();
    cleanup.push(() => l.close());
    await expect.poll(() => used).toEqual(['a']);

    // A dies: its listener is gone and its socket cut without a close frame.
    await new Promise<void>((r) => {
      a.wss.close(() => r());
      a.sockets.forEach((s) => s.terminate());
    });
    await expect.poll(() => used).toEqual(['a', 'b']);
    expect(b.sockets).toHaveLength(1);
  });
});
