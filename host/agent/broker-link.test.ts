import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createBrokerLink, type BrokerLink } from './broker-link';
import { createLogger } from './logger';

const HEARTBEAT_MS = 100;

/** A broker stand-in that counts connections; `autoPong: false` plays one that went silent. */
async function broker(autoPong: boolean) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong });
  await new Promise((r) => wss.once('listening', r));
  const connectedAt: number[] = [];
  wss.on('connection', () => connectedAt.push(Date.now()));
  return { wss, connectedAt, url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}` };
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function link(url: string): Promise<BrokerLink> {
  const l = createBrokerLink({ urls: [url], logger: createLogger('silent'), onMessage: () => undefined, onDisconnect: () => undefined, minBackoffMs: 10, maxBackoffMs: 20, heartbeatMs: HEARTBEAT_MS });
  await l.start();
  cleanup.push(() => l.close());
  return l;
}

describe('the broker link heartbeat', () => {
  it('drops a broker that stops answering pings within two intervals and reconnects', async () => {
    const b = await broker(false);
    cleanup.push(() => new Promise((r) => b.wss.close(() => r())));
    await link(b.url);
    const deadline = Date.now() + 2_000;
    while (b.connectedAt.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(b.connectedAt.length).toBeGreaterThanOrEqual(2);
    expect(b.connectedAt[1]! - b.connectedAt[0]!).toBeLessThan(2 * HEARTBEAT_MS + 200);
  });

  it('keeps a broker that answers', async () => {
    const b = await broker(true);
    cleanup.push(() => new Promise((r) => b.wss.close(() => r())));
    await link(b.url);
    await new Promise((r) => setTimeout(r, 6 * HEARTBEAT_MS));
    expect(b.connectedAt).toHaveLength(1);
  });
});
