import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCocoonError } from '@cocoon/shared/errors';
import { users } from '../db/schema';
import { openTestDatabase, postgresReachable, type TestDatabase } from '../tests/support/test-db';
import { Accounts } from './accounts';
import { rowsOf } from './balances';
import { Ledger } from './ledger';
import { TransferKinds } from './transfers';

const USERS = 24;
const JOBS = 1200;
const TOP_UPS = 600;
const DIRECT_SPENDS = 400;
const STARTER = 50_000n;
const inAnHour = () => new Date(Date.now() + 3_600_000);
const rand = (n: number) => Math.floor(Math.random() * n);

/** Runs `fn`; a refusal for want of credits counts as an outcome, anything else fails the test. */
async function orShort<T>(fn: () => Promise<T>): Promise<T | 'short'> {
  try {
    return await fn();
  } catch (e) {
    if (isCocoonError(e, 'ledger.insufficient_credits')) return 'short';
    throw e;
  }
}

describe.skipIf(!postgresReachable)('ledger invariants under concurrent load on PostgreSQL', () => {
  let database: TestDatabase;
  let ledger: Ledger;
  let userIds: string[];
  /** What the ledger should hold per user, from the outcomes the callers saw. */
  const expected = new Map<string, bigint>();
  const add = (u: string, d: bigint) => expected.set(u, (expected.get(u) ?? 0n) + d);

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    ledger = new Ledger(database.db, { commissionBps: 500 });
    const rows = await database.db
      .insert(users)
      .values(Array.from({ length: USERS }, (_, i) => ({ telegramId: BigInt(900_000_000 + i), firstName: `L${i}` })))
      .returning({ id: users.id });
    userIds = rows.map((r) => r.id);
    for (const u of userIds) {
      await ledger.grantStarterCredits(u, STARTER);
      add(u, STARTER);
    }
  });
  afterAll(async () => database?.close());

  async function job(i: number): Promise<void> {
    const userId = userIds[i % USERS]!;
    const jobId = randomUUID();
    const amount = BigInt(1_000 + rand(9_000));
    const held = await orShort(() => ledger.placeHold({ jobId, userId, amount, expiresAt: inAnHour() }));
    if (held === 'short') return;
    if (i % 10 === 0) return void (await ledger.release(jobId));
    const charged = BigInt(rand(Number(amount) + 1));
    // A receipt delivered twice (a retrying host, two broker instances): settled once.
    const runs = await Promise.all([ledger.settle(jobId, `host-${i % 5}`, charged), ...(i % 4 === 0 ? [ledger.settle(jobId, `host-${i % 5}`, charged)] : [])]);
    expect(new Set(runs.map((r) => r.charged))).toEqual(new Set([charged]));
    add(userId, -charged);
  }

  async function topUp(i: number): Promise<void> {
    const userId = userIds[rand(USERS)]!;
    const amount = BigInt(500 + rand(5_000));
    const t = { debit: Accounts.stars, credit: Accounts.user(userId), amount, kind: TransferKinds.starsTopUp, idempotencyKey: `load:topup:${i}` };
    // Every third top-up is delivered three times at once, as a retried webhook would.
    const results = await Promise.all(Array.from({ length: i % 3 === 0 ? 3 : 1 }, () => ledger.transfer(t)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    add(userId, amount);
  }

  async function directSpend(i: number): Promise<void> {
    const userId = userIds[rand(USERS)]!;
    const amount = BigInt(2_000 + rand(20_000));
    const t = { debit: Accounts.user(userId), credit: Accounts.networkFees, amount, kind: TransferKinds.jobCommission, idempotencyKey: `load:spend:${i}` };
    const r = await orShort(() => ledger.transfer(t));
    if (r !== 'short') add(userId, -amount);
  }

  it('transfers that create the same new accounts in opposite orders do not deadlock', async () => {
    const pairs = Array.from({ length: 200 }, () => [Accounts.hostEarnings(randomUUID()), Accounts.hostEarnings(randomUUID())] as const);
    const moves = pairs.flatMap(([a, b], i) => [
      ledger.transfer({ debit: a, credit: b, amount: 1n, kind: TransferKinds.jobEarning, idempotencyKey: `load:pair:${i}:ab` }),
      ledger.transfer({ debit: b, credit: a, amount: 1n, kind: TransferKinds.jobEarning, idempotencyKey: `load:pair:${i}:ba` }),
    ]);
    // Users paying each other both ways: each locks its own account while the other's transfer
    // row needs a foreign-key lock on it.
    const swaps = Array.from({ length: 400 }, (_, i) => {
      const [a, b] = [Accounts.user(userIds[i % 2]!), Accounts.user(userIds[(i % 2) + 2]!)];
      const [debit, credit] = Math.floor(i / 2) % 2 === 0 ? [a, b] : [b, a];
      return ledger.transfer({ debit, credit, amount: 1n, kind: TransferKinds.jobEarning, idempotencyKey: `load:swap:${i}` });
    });
    expect((await Promise.all([...moves, ...swaps])).every((r) => r.created)).toBe(true);
    expect(await ledger.sumOfBalances()).toBe(0n);
  });

  it('thousands of concurrent holds, settlements and top-ups keep every invariant', { timeout: 180_000 }, async () => {
    const work = [
      ...Array.from({ length: JOBS }, (_, i) => () => job(i)),
      ...Array.from({ length: TOP_UPS }, (_, i) => () => topUp(i)),
      ...Array.from({ length: DIRECT_SPENDS }, (_, i) => () => directSpend(i)),
    ].sort(() => Math.random() - 0.5);
    await Promise.all(work.map((w) => w()));
    const db = database.db;

    expect(await ledger.sumOfBalances()).toBe(0n);
    for (const u of userIds) {
      const funds = await ledger.userFunds(u);
      expect(funds.balance).toBe(expected.get(u));
      expect(funds.available).toBeGreaterThanOrEqual(0n);
    }
    const negative = rowsOf<{ id: string }>(await db.execute(sql`
      select a.id from accounts a join transfers t on t.credit_account = a.id or t.debit_account = a.id
      where a.kind = 'user' group by a.id
      having sum(case when t.credit_account = a.id then t.amount else -t.amount end) < 0`));
    expect(negative).toEqual([]);
    // Promotional credits are spent first, whatever the order the settlements landed in: what is
    // left of each user's starter credits is what their charges did not use up.
    const promoLeft = rowsOf<{ user_id: string; remaining: string }>(await db.execute(sql`select user_id, remaining from promo_balances`));
    const charges = rowsOf<{ user_id: string; total: string }>(await db.execute(sql`select user_id, coalesce(sum(charged), 0) as total from holds where status = 'settled' group by user_id`));
    for (const u of userIds) {
      const charged = BigInt(charges.find((c) => c.user_id === u)?.total ?? 0);
      expect(BigInt(promoLeft.find((p) => p.user_id === u)!.remaining)).toBe(charged >= STARTER ? 0n : STARTER - charged);
    }
    const reused = rowsOf(await db.execute(sql`select idempotency_key from transfers group by idempotency_key having count(*) > 1`));
    expect(reused).toEqual([]);
    const topUps = rowsOf<{ n: string }>(await db.execute(sql`select count(*) as n from transfers where idempotency_key like 'load:topup:%'`));
    expect(Number(topUps[0]!.n)).toBe(TOP_UPS);
    // Every settled hold moved exactly its charge; nothing moved for a released one.
    const mismatched = rowsOf(await db.execute(sql`
      select h.job_id from holds h left join transfers t on t.job_id = h.job_id
      group by h.job_id, h.status, h.charged
      having coalesce(sum(t.amount), 0) <> case when h.status = 'settled' then h.charged else 0 end`));
    expect(mismatched).toEqual([]);
  });
});
