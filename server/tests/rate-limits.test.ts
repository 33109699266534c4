import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorResponseSchema } from '@cocoon/shared/protocol/api';
import type { CocoonServer } from '../app';
import { buildTestServer, initDataFor } from './support/test-server';
import { TestSocket } from './support/ws-client';

/** initData whose hash is wrong: validated (and refused) only after the per-address limit. */
const badInitData = () => initDataFor().replace(/hash=[0-9a-f]{6}/, 'hash=ffffff');

async function withServer(env: Record<string, string>, run: (server: CocoonServer) => Promise<void>): Promise<void> {
  const { server } = buildTestServer(env);
  await server.app.ready();
  try {
    await run(server);
    expect(await server.services().ledger.sumOfBalances()).toBe(0n);
  } finally {
    await server.close();
  }
}

const postSession = (server: CocoonServer, opts: { from?: string; forwardedFor?: string; initData?: string } = {}) =>
  server.app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { initData: opts.initData ?? badInitData() },
    remoteAddress: opts.from ?? '198.51.100.10',
    headers: opts.forwardedFor ? { 'x-forwarded-for': opts.forwardedFor } : {},
  });

function expectRateLimited(res: Awaited<ReturnType<typeof postSession>>): number {
  expect(res.statusCode).toBe(429);
  const { error } = ErrorResponseSchema.parse(res.json());
  expect(error).toEqual({ code: 'rate_limited', message: expect.any(String), retryAfterS: expect.any(Number) });
  expect(res.headers['retry-after']).toBe(String(error.retryAfterS));
  return error.retryAfterS!;
}

describe('per-address limits on POST /api/session (defaults)', () => {
  let server: CocoonServer;
  beforeAll(async () => {
    ({ server } = buildTestServer());
    await server.app.ready();
  });
  afterAll(async () => server?.close());
  afterEach(async () => expect(await server.services().ledger.sumOfBalances()).toBe(0n));

  it('300 rapid requests with bad initData from one address get 429 after the limit; another address is unaffected', async () => {
    const limit = server.services().config.RATE_LIMIT_PER_IP;
    expect(limit).toBe(120);
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) statuses.push((await postSession(server)).statusCode);
    expect(statuses.slice(0, limit)).toEqual(Array(limit).fill(401));
    expect(statuses.slice(limit)).toEqual(Array(300 - limit).fill(429));
    const retryAfterS = expectRateLimited(await postSession(server));
    expect(retryAfterS).toBeGreaterThan(0);
    expect(retryAfterS).toBeLessThanOrEqual(60);

    const other = await postSession(server, { from: '198.51.100.11' });
    expect(other.statusCode).toBe(401);
    expect(other.json().error.code).toBe('auth.init_data_invalid');
    // Rotating through one IPv6 /64 is one address.
    for (let i = 0; i < limit; i++) expect((await postSession(server, { from: `2001:db8:7:7::${(i + 1).toString(16)}` })).statusCode).toBe(401);
    expectRateLimited(await postSession(server, { from: '2001:db8:7:7:ffff::1' }));
  });
});

describe('per-user limit on POST /api/session', () => {
  it('counts one Telegram account over all addresses', async () => {
    await withServer({ RATE_LIMIT_PER_USER: '3' }, async (server) => {
      const telegramId = 777_001;
      for (let i = 0; i < 3; i++) expect((await postSession(server, { from: `198.51.100.${20 + i}`, initData: initDataFor({ telegramId }) })).statusCode).toBe(200);
      expectRateLimited(await postSession(server, { from: '198.51.100.30', initData: initDataFor({ telegramId }) }));
      expect((await postSession(server, { from: '198.51.100.30', initData: initDataFor() })).statusCode).toBe(200);
    });
  });
});

describe('TRUST_PROXY', () => {
  it('off by default: X-Forwarded-For is ignored, so a client cannot pick its address', async () => {
    await withServer({ RATE_LIMIT_PER_IP: '2' }, async (server) => {
      expect(server.services().config.TRUST_PROXY).toBe(false);
      const from = (i: number) => postSession(server, { from: '198.51.100.50', forwardedFor: `203.0.113.${i}` });
      expect([(await from(1)).statusCode, (await from(2)).statusCode]).toEqual([401, 401]);
      for (let i = 3; i < 8; i++) expectRateLimited(await from(i));
    });
  });

  it('a hop count: the address the proxy forwarded for is the one counted', async () => {
    await withServer({ TRUST_PROXY: '1', RATE_LIMIT_PER_IP: '2' }, async (server) => {
      const via = (client: string) => postSession(server, { from: '10.0.0.1', forwardedFor: client });
      expect([(await via('203.0.113.1')).statusCode, (await via('203.0.113.1')).statusCode]).toEqual([401, 401]);
      expectRateLimited(await via('203.0.113.1'));
      // Another client behind the same proxy has its own count; a spoofed left-most entry changes nothing.
      expect((await via('203.0.113.2')).statusCode).toBe(401);
      expectRateLimited(await via('198.51.100.99, 203.0.113.1'));
    });
  });

  it('a CIDR list: X-Forwarded-For only from a listed proxy', async () => {
    await withServer({ TRUST_PROXY: '10.0.0.0/8', RATE_LIMIT_PER_IP: '1' }, async (server) => {
      expect((await postSession(server, { from: '10.1.2.3', forwardedFor: '203.0.113.5' })).statusCode).toBe(401);
      expect((await postSession(server, { from: '10.1.2.3', forwardedFor: '203.0.113.6' })).statusCode).toBe(401);
      // Not a listed proxy: its header is ignored and the peer itself is counted.
      expect((await postSession(server, { from: '192.0.2.1', forwardedFor: '203.0.113.7' })).statusCode).toBe(401);
      expectRateLimited(await postSession(server, { from: '192.0.2.1', forwardedFor: '203.0.113.8' }));
    });
  });
});

describe('per-address limits on the other limited routes', () => {
  it('the client socket upgrade is answered 429 past the limit', async () => {
    const { server } = buildTestServer({ RATE_LIMIT_PER_IP: '2' });
    const { url } = await server.start();
    try {
      const wsUrl = `${url.replace(/^http/, 'ws')}/api/ws`;
      for (let i = 0; i < 2; i++) (await TestSocket.open(wsUrl)).close();
      await expect(TestSocket.open(wsUrl)).rejects.toThrow(/429/);
    } finally {
      await server.close();
    }
  });

  it('the host bundle route, per address', async () => {
    await withServer({ RATE_LIMIT_PER_IP: '2' }, async (server) => {
      const get = () => server.app.inject({ url: '/api/hosts/no-such-host/bundle', remoteAddress: '198.51.100.40' });
      expect([(await get()).statusCode, (await get()).statusCode]).toEqual([404, 404]);
      expectRateLimited(await get());
      // Read-only routes are not limited.
      for (let i = 0; i < 5; i++) expect((await server.app.inject({ url: '/api/models', remoteAddress: '198.51.100.40' })).statusCode).toBe(200);
    });
  });
});
