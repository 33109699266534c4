import { randomBytes } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ErrorResponseSchema, SessionResponseSchema } from '@cocoon/shared/protocol/api';
import { TonProofPayloadResponseSchema } from '@cocoon/shared/protocol/payments';
import { sessions, starsInvoices, tonProofPayloads } from '../db/schema';
import { maintain } from '../maintenance';
import { buyPack, startStarsRig, type StarsRig } from './support/stars';
import { createScratchDatabase, dropScratchDatabase, postgresReachable } from './support/test-db';
import { initDataFor, signIn, startTestServer, type TestServer } from './support/test-server';

const HOUR_MS = 3600_000;
let nextTelegramId = 720_000_000;

type Reply = { statusCode: number; headers: Record<string, unknown>; json(): unknown };
function expectQuotaRefusal(res: Reply): number {
  expect(res.statusCode).toBe(429);
  const { error } = ErrorResponseSchema.parse(res.json());
  expect(error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('in the last hour') });
  expect(res.headers['retry-after']).toBe(String(error.retryAfterS));
  return error.retryAfterS!;
}

describe.each(['pglite', 'postgres'] as const)('rows a user may create per hour (%s)', (backend) => {
  const skip = backend === 'postgres' && !postgresReachable;
  let rig: StarsRig;
  let url: string | undefined;
  const env = { SESSIONS_PER_USER_PER_HOUR: '3', TON_PROOF_PAYLOADS_PER_USER_PER_HOUR: '2', STARS_INVOICES_PER_USER_PER_HOUR: '2', TON_NETWORK: 'sandbox' };

  beforeAll(async () => {
    if (skip) return;
    url = backend === 'postgres' ? await createScratchDatabase() : undefined;
    rig = await startStarsRig({ ...env, DATABASE_URL: url });
  });
  afterAll(async () => {
    await rig?.close();
    if (url) await dropScratchDatabase(url);
  });
  afterEach(async () => {
    if (!skip) expect(await rig.t.server.services().ledger.sumOfBalances()).toBe(0n);
  });
  const s = () => rig.t.server.services();
  const session = (telegramId: number) => rig.t.server.app.inject({ method: 'POST', url: '/api/session', payload: { initData: initDataFor({ telegramId }) } });

  it.skipIf(skip)('sessions: the fourth in an hour is refused until the oldest counted one is an hour old', async () => {
    const telegramId = nextTelegramId++;
    const first = await session(telegramId);
    const { user } = SessionResponseSchema.parse(first.json());
    for (let i = 0; i < 2; i++) expect((await session(telegramId)).statusCode).toBe(200);
    const retryAfterS = expectQuotaRefusal(await session(telegramId));
    expect(retryAfterS).toBeGreaterThan(HOUR_MS / 1000 - 60);
    expect(retryAfterS).toBeLessThanOrEqual(HOUR_MS / 1000);
    expect(await s().database.db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(3);
    // Another user is not affected.
    expect((await session(nextTelegramId++)).statusCode).toBe(200);
    // An hour on, the sessions no longer count.
    await s().database.db.update(sessions).set({ createdAt: new Date(Date.now() - HOUR_MS - 1000) }).where(eq(sessions.userId, user.id));
    expect((await session(telegramId)).statusCode).toBe(200);
  });

  it.skipIf(skip)('ton_proof payloads: the third in an hour is refused; the rows name their user', async () => {
    const { token, userId } = await signIn(rig.t.server, { telegramId: nextTelegramId++ });
    const issue = () => rig.t.server.app.inject({ url: '/api/ton/proof-payload', headers: { authorization: `Bearer ${token}` } });
    const issued = [];
    for (let i = 0; i < 2; i++) issued.push(TonProofPayloadResponseSchema.parse((await issue()).json()).payload);
    expectQuotaRefusal(await issue());
    const rows = await s().database.db.select().from(tonProofPayloads).where(inArray(tonProofPayloads.payload, issued));
    expect(rows.map((r) => r.userId)).toEqual([userId, userId]);
  });

  it.skipIf(skip)('Stars invoices: the third in an hour is refused before Telegram is asked', async () => {
    const { token, userId } = await signIn(rig.t.server, { telegramId: nextTelegramId++ });
    await buyPack(rig, token);
    await buyPack(rig, token);
    const asked = vi.spyOn(s().stars.api, 'createInvoiceLink');
    const res = await rig.t.server.app.inject({ method: 'POST', url: '/api/payments/stars/invoice', headers: { authorization: `Bearer ${token}` }, payload: { packId: 'pack-10' } });
    expectQuotaRefusal(res);
    expect(asked).not.toHaveBeenCalled();
    asked.mockRestore();
    expect(await s().database.db.select().from(starsInvoices).where(eq(starsInvoices.userId, userId))).toHaveLength(2);
  });
});

describe('upkeep purges old rows', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ TON_NETWORK: 'sandbox' });
  });
  afterAll(async () => t?.close());

  it('expired sessions, used or expired ton_proof payloads and unpaid invoices, a day on; nothing else', async () => {
    const s = t.server.services();
    const db = s.database.db;
    const ago = (ms: number) => new Date(Date.now() - ms);
    const { userId } = await signIn(t.server);
    await db.insert(sessions).values([
      { tokenHash: 'a'.repeat(64), userId, expiresAt: ago(25 * HOUR_MS) },
      { tokenHash: 'b'.repeat(64), userId, expiresAt: ago(23 * HOUR_MS) },
    ]);
    const payload = () => randomBytes(32).toString('hex');
    const payloads = { used: payload(), expired: payload(), recentlyUsed: payload(), fresh: payload() };
    await db.insert(tonProofPayloads).values([
      { payload: payloads.used, userId, expiresAt: ago(24 * HOUR_MS), usedAt: ago(25 * HOUR_MS) },
      { payload: payloads.expired, userId, expiresAt: ago(25 * HOUR_MS) },
      { payload: payloads.recentlyUsed, userId, expiresAt: ago(-HOUR_MS), usedAt: ago(HOUR_MS) },
      { payload: payloads.fresh, userId, expiresAt: ago(-HOUR_MS) },
    ]);
    const invoice = (name: string, status: 'open' | 'paid', age: number) => ({ payload: `cc1.${name}`, userId, packId: 'pack-10', stars: 50, credits: 10_000_000n, status, createdAt: ago(age) });
    await db.insert(starsInvoices).values([invoice('stale', 'open', 49 * HOUR_MS), invoice('expired', 'open', 47 * HOUR_MS), invoice('paid', 'paid', 72 * HOUR_MS)]);

    const remaining = async () => ({
      sessions: (await db.select().from(sessions).where(eq(sessions.userId, userId))).map((r) => r.tokenHash).sort(),
      payloads: (await db.select().from(tonProofPayloads).where(eq(tonProofPayloads.userId, userId))).map((r) => r.payload).sort(),
      invoices: (await db.select().from(starsInvoices).where(eq(starsInvoices.userId, userId))).map((r) => r.payload).sort(),
    });
    const before = await remaining();
    await maintain(s, new Date(), { purge: false });
    expect(await remaining()).toEqual(before);

    await maintain(s, new Date(), { purge: true });
    const after = await remaining();
    expect(after.sessions).toEqual(before.sessions.filter((h) => h !== 'a'.repeat(64)));
    expect(after.sessions).toContain('b'.repeat(64));
    expect(after.sessions).toHaveLength(2); // the fresh session of signIn stays too
    expect(after.payloads).toEqual([payloads.recentlyUsed, payloads.fresh].sort());
    expect(after.invoices).toEqual(['cc1.expired', 'cc1.paid']);
  });
});
