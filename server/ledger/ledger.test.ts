import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { holds, transfers, users } from '../db/schema';
import { isCocoonError } from '@cocoon/shared/errors';
import { backends, expectCode, openTestDatabase, postgresReachable, type TestDatabase } from '../tests/support/test-db';
import { Accounts } from './accounts';
import { Ledger } from './ledger';
import { TransferKinds } from './transfers';

const STARTER = 1_000_000n;
const inAnHour = () => new Date(Date.now() + 3_600_000);


describe.each(backends)('ledger on %s', (backend) => {
  const skip = backend === 'postgres' && !postgresReachable;
  let database: TestDatabase;
  let ledger: Ledger;

  beforeAll(async () => {
    if (skip) return;
    database = await openTestDatabase(backend);
    ledger = new Ledger(database.db, { commissionBps: 500 });
  });
  afterAll(async () => database?.close());
  afterEach(async () => {
    if (!skip) expect(await ledger.sumOfBalances()).toBe(0n);
  });

  async function newUser(credits = STARTER): Promise<string> {
    const [u] = await database.db
      .insert(users)
      .values({ telegramId: BigInt(Math.floor(Math.random() * 1e12)), firstName: 'T' })
      .returning();
    await ledger.grantStarterCredits(u!.id, credits);
    return u!.id;
  }

  it.skipIf(skip)('grants starter credits exactly once', async () => {
    const userId = await newUser();
    const again = await ledger.grantStarterCredits(userId, STARTER);
    expect(again?.created).toBe(false);
    expect(await ledger.balance(Accounts.user(userId))).toBe(STARTER);
    expect(await ledger.balance(Accounts.promo)).toBeLessThanOrEqual(-STARTER);
  });

  it.skipIf(skip)('a retried idempotency key returns the first transfer and moves nothing', async () => {
    const a = await newUser();
    const b = await newUser();
    const t = { debit: Accounts.user(a), credit: Accounts.user(b), amount: 100n, kind: TransferKinds.jobEarning, idempotencyKey: `k:${randomUUID()}` };
    const first = await ledger.transfer(t);
    const retry = await ledger.transfer({ ...t, amount: 999n });
    expect(first.created).toBe(true);
    expect(retry).toEqual({ transfer: first.transfer, created: false });
    expect(retry.transfer.amount).toBe(100n);
    expect(await ledger.balance(Accounts.user(a))).toBe(STARTER - 100n);
    expect(await ledger.balance(Accounts.user(b))).toBe(STARTER + 100n);
  });

  it.skipIf(skip)('rejects non-positive amounts and overdrafts of a user account', async () => {
    const a = await newUser();
    const t = { debit: Accounts.user(a), credit: Accounts.networkFees, kind: TransferKinds.jobCommission };
    await expectCode(ledger.transfer({ ...t, amount: 0n, idempotencyKey: randomUUID() }), 'ledger.invariant_violated');
    await expectCode(ledger.transfer({ ...t, amount: STARTER + 1n, idempotencyKey: randomUUID() }), 'ledger.insufficient_credits');
    expect(await ledger.balance(Accounts.user(a))).toBe(STARTER);
  });

  it.skipIf(skip)('a hold reserves credits; a hold that does not fit fails and changes nothing', async () => {
    const userId = await newUser();
    const jobId = randomUUID();
    await ledger.placeHold({ jobId, userId, amount: 600_000n, expiresAt: inAnHour() });
    expect(await ledger.userFunds(userId)).toEqual({ balance: STARTER, held: 600_000n, available: 400_000n });
    const second = randomUUID();
    await expectCode(ledger.placeHold({ jobId: second, userId, amount: 400_001n, expiresAt: inAnHour() }), 'ledger.insufficient_credits');
    expect(await database.db.select().from(holds).where(eq(holds.jobId, second))).toEqual([]);
    expect(await ledger.userFunds(userId)).toEqual({ balance: STARTER, held: 600_000n, available: 400_000n });
  });

  it.skipIf(skip)('a job id holds once', async () => {
    const userId = await newUser();
    const jobId = randomUUID();
    await ledger.placeHold({ jobId, userId, amount: 1n, expiresAt: inAnHour() });
    await expectCode(ledger.placeHold({ jobId, userId, amount: 1n, expiresAt: inAnHour() }), 'job.invalid_state');
  });

  it.skipIf(skip)('settle charges the user, pays the host less commission, exactly once', async () => {
    const userId = await newUser(0n);
    await ledger.transfer({ debit: Accounts.ton, credit: Accounts.user(userId), amount: STARTER, kind: TransferKinds.tonTopUp, idempotencyKey: `bought:${userId}` });
    const jobId = randomUUID();
    await ledger.placeHold({ jobId, userId, amount: 500_000n, expiresAt: inAnHour() });
    const fees0 = await ledger.balance(Accounts.networkFees);
    const s = await ledger.settle(jobId, 'host-a', 200_001n);
    expect(s).toMatchObject({ charged: 200_001n, commission: 10_000n, hostEarning: 190_001n });
    const again = await ledger.settle(jobId, 'host-a', 400_000n);
    expect(again).toEqual(s);
    expect(await ledger.userFunds(userId)).toEqual({ balance: STARTER - 200_001n, held: 0n, available: STARTER - 200_001n });
    expect(await ledger.balance(Accounts.hostEarnings('host-a'))).toBe(190_001n);
    expect(await ledger.balance(Accounts.networkFees)).toBe(fees0 + 10_000n);
    expect(await database.db.select().from(transfers).where(eq(transfers.jobId, jobId))).toHaveLength(2);
  });

  it.skipIf(skip)('settle never charges more than the hold; zero charge moves nothing', async () => {
    const userId = await newUser();
    const over = randomUUID();
    await ledger.placeHold({ jobId: over, userId, amount: 10n, expiresAt: inAnHour() });
    await expectCode(ledger.settle(over, 'host-a', 11n), 'ledger.invariant_violated');
    expect((await ledger.userFunds(userId)).held).toBe(10n);
    const zero = randomUUID();
    await ledger.placeHold({ jobId: zero, userId, amount: 10n, expiresAt: inAnHour() });
    await ledger.settle(zero, 'host-a', 0n);
    expect(await database.db.select().from(transfers).where(eq(transfers.jobId, zero))).toEqual([]);
  });

  it.skipIf(skip)('release frees the hold once; a released hold cannot be settled', async () => {
    const userId = await newUser();
    const jobId = randomUUID();
    await ledger.placeHold({ jobId, userId, amount: 700n, expiresAt: inAnHour() });
    expect(await ledger.release(jobId)).toBe(true);
    expect(await ledger.release(jobId)).toBe(false);
    await expectCode(ledger.settle(jobId, 'host-a', 1n), 'job.invalid_state');
    expect(await ledger.userFunds(userId)).toEqual({ balance: STARTER, held: 0n, available: STARTER });
  });

  it.skipIf(skip)('the sweeper releases only expired active holds', async () => {
    const userId = await newUser();
    const expired = randomUUID();
    const live = randomUUID();
    await ledger.placeHold({ jobId: expired, userId, amount: 5n, expiresAt: new Date(Date.now() - 1000) });
    await ledger.placeHold({ jobId: live, userId, amount: 7n, expiresAt: inAnHour() });
    expect(await ledger.releaseExpired()).toContain(expired);
    expect((await ledger.userFunds(userId)).held).toBe(7n);
  });

  it.skipIf(skip)('concurrent holds never reserve more than the balance', async () => {
    const userId = await newUser();
    const attempts = Array.from({ length: 8 }, () =>
      ledger.placeHold({ jobId: randomUUID(), userId, amount: 300_000n, expiresAt: inAnHour() }).then(
        () => 'ok',
        (e: unknown) => (isCocoonError(e, 'ledger.insufficient_credits') ? 'short' : Promise.reject(e)),
      ),
    );
    const outcomes = await Promise.all(attempts);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(3);
    expect((await ledger.userFunds(userId)).available).toBe(100_000n);
  });

  it.skipIf(skip)('concurrent settles of one job move the money once', async () => {
    const userId = await newUser();
    const jobId = randomUUID();
    await ledger.placeHold({ jobId, userId, amount: 1000n, expiresAt: inAnHour() });
    const results = await Promise.all([1, 2, 3].map(() => ledger.settle(jobId, 'host-b', 1000n)));
    expect(new Set(results.map((r) => r.charged))).toEqual(new Set([1000n]));
    expect(await ledger.balance(Accounts.user(userId))).toBe(STARTER - 1000n);
  });
});
