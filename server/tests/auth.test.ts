import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '@telegram-apps/init-data-node';
import { sessions } from '../db/schema';
import { maintain } from '../maintenance';
import { buildTestServer, initDataFor, signIn, TEST_BOT_TOKEN } from './support/test-server';
import type { CocoonServer } from '../app';

describe('Telegram sign-in and sessions over HTTP', () => {
  let server: CocoonServer;
  let logs: string[];

  beforeAll(async () => {
    ({ server, logs } = buildTestServer({ DEV_MODE: 'true', STARTER_CREDITS: '5000000' }));
    await server.app.ready();
  });
  afterAll(async () => server?.close());

  const session = (initData: string) => server.app.inject({ method: 'POST', url: '/api/session', payload: { initData } });
  const me = (token?: string) => server.app.inject({ url: '/api/me', headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('creates the user once with starter credits and returns a session', async () => {
    const first = await session(initDataFor({ telegramId: 4242, firstName: 'Ada' }));
    expect(first.statusCode).toBe(200);
    const body = first.json();
    expect(body).toMatchObject({ user: { firstName: 'Ada', username: 'tester' }, balance: '5000000', token: expect.stringMatching(/^[\w-]{43}$/) });
    expect(body.expiresAt).toBeGreaterThan(Date.now() / 1000 + 86_000);

    const again = await session(initDataFor({ telegramId: 4242, firstName: 'Ada L.' }));
    expect(again.json()).toMatchObject({ user: { id: body.user.id, firstName: 'Ada L.' }, balance: '5000000' });
    expect(again.json().token).not.toBe(body.token);

    const mine = await me(body.token);
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toEqual({ user: { id: body.user.id, firstName: 'Ada L.', username: 'tester' }, balance: '5000000', held: '0' });
  });

  it('stores only a hash of the session token', async () => {
    const { token } = await signIn(server);
    const rows = await server.services().database.db.select().from(sessions);
    expect(rows.some((r) => r.tokenHash === token)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.tokenHash))).toBe(true);
  });

  it.each([
    ['a forged hash', () => initDataFor().replace(/hash=[0-9a-f]{6}/, 'hash=ffffff'), 'auth.init_data_invalid'],
    ['another bot token', () => initDataFor({ botToken: '7000000002:AAanother-bot-token-entirely-xx' }), 'auth.init_data_invalid'],
    ['an expired auth_date', () => initDataFor({ authDate: new Date(Date.now() - 601_000) }), 'auth.init_data_expired'],
    ['a future auth_date', () => initDataFor({ authDate: new Date(Date.now() + 120_000) }), 'auth.init_data_invalid'],
  ])('rejects initData with %s', async (_name, make, code) => {
    const res = await session(make());
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
  });

  it('answers malformed bodies with protocol.malformed_message', async () => {
    for (const payload of [{}, { initData: 7 }, { initData: '' }]) {
      const res = await server.app.inject({ method: 'POST', url: '/api/session', payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('protocol.malformed_message');
    }
    const notJson = await server.app.inject({ method: 'POST', url: '/api/session', headers: { 'content-type': 'application/json' }, payload: '{nope' });
    expect(notJson.json()).toEqual({ error: { code: 'protocol.malformed_message', message: 'malformed request' } });
  });

  it('rejects missing, unknown and expired session tokens', async () => {
    expect((await me()).json().error.code).toBe('auth.session_invalid');
    expect((await me('x'.repeat(43))).json().error.code).toBe('auth.session_invalid');
    const { token } = await signIn(server);
    await server.services().database.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) });
    const expired = await me(token);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('auth.session_expired');
    // A day later upkeep purges it; from then on the token is simply unknown.
    await maintain(server.services(), new Date(Date.now() + 25 * 3600_000), { purge: true });
    expect((await me(token)).json().error.code).toBe('auth.session_invalid');
  });

  it('serves signed demo initData in dev mode', async () => {
    const res = await server.app.inject('/api/dev/init-data');
    const { initData } = res.json<{ initData: string }>();
    expect(() => validate(initData, TEST_BOT_TOKEN)).not.toThrow();
    expect((await session(initData)).json().user.firstName).toBe('Demo');
  });

  it('reports health and answers unknown API routes with a JSON 404', async () => {
    expect((await server.app.inject('/healthz')).json()).toEqual({ ok: true });
    const missing = await server.app.inject('/api/nothing-here');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'http.not_found', message: 'no such route' } });
  });

  it('never logs tokens or initData', async () => {
    const initData = initDataFor();
    const res = await session(initData);
    await me(res.json().token);
    await server.app.inject('/api/hosts?model=secret-model-query');
    server.app.log.info({ auth: { token: res.json().token, initData } }, 'a careless log line');
    const text = logs.join('');
    expect(text).not.toContain('secret-model-query');
    expect(text).toContain('/api/session');
    expect(text).not.toContain(res.json().token);
    expect(text).not.toContain(new URLSearchParams(initData).get('hash'));
    expect(text).not.toContain(TEST_BOT_TOKEN);
  });
});

describe('dev routes are off by default', () => {
  it('has no /api/dev/init-data without DEV_MODE', async () => {
    const { server } = buildTestServer();
    try {
      expect((await server.app.inject('/api/dev/init-data')).statusCode).toBe(404);
    } finally {
      await server.close();
    }
  });
});
