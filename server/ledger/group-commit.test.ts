import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { promoBalances, users } from '../db/schema';
import { backends, openTestDatabase, postgresReachable, type TestDatabase } from '../tests/support/test-db';
import { Accounts } from './accounts';
import { SettlementGroupCommit } from './group-commit';
import { Ledger } from './ledger';
import { settleBatchIn, type SettlementRequest } from './settle-batch';
import type { Settlement } from './settlement';

const BPS = 500;
const inAnHour = () => new Date(Date.now() + 3_600_000);

describe.each(backends)('batched settlements on %s', (backend) => {
  const skip = backend === 'postgres' && !postgresReachable;
  let database: TestDatabase;
  let ledger: Ledger;

  beforeAll(async () => {
    if (skip) return;
    database = await openTestDatabase(backend);
    ledger = new Ledger(database.db, { commissionBps: BPS });
  });
  afterAll(async () => database?.close());
  afterEach(async () => {
    if (!skip) expect(await ledger.sumOfBalances()).toBe(0n);
  });

  async function newUser(starter: bigint, bought = 0n): Promise<string> {
    const [u] = await database.db.insert(users).values({ telegramId: BigInt(Math.floor(Math.random() * 1e12)), firstName: 'B' }).returning();
    await ledger.grantStarterCredits(u!.id, starter);
    if (bought > 0n) await ledger.transfer({ debit: Accounts.stars, credit: Accounts.user(u!.id), amount: bought, kind: 'stars_top_up', idempotencyKey: `buy:${u!.id}` });
    return u!.id;
  }

  async function hold(userId: string, amount: bigint): Promise<string> {
    const jobId = randomUUID();
    await ledger.placeHold({ jobId, userId, amount, expiresAt: inAnHour() });
    return jobId;
  }

  const promoLeft = async (userId: string) => (await database.db.select().from(promoBalances).where(eq(promoBalances.userId, userId)))[0]?.remaining ?? 0n;

  it.skipIf(skip)('settles like one at a time: the same split, a user\'s promotional credits spent once across the batch', async () => {
    // Twin users: one settled by the batch, the other job by job; the results must agree exactly.
    const [a, b] = [await newUser(150_000n, 1_000_000n), await newUser(150_000n, 1_000_000n)];
    const charges = [100_001n, 80_000n, 0n, 33_333n];
    const jobsA = await Promise.all(charges.map(() => hold(a, 200_000n)));
    const jobsB = await Promise.all(charges.map(() => hold(b, 200_000n)));
    // Both in job-id order (the batch's order for one user's promotional credits), the same charge at the same rank.
    const order = (ids: string[]) => [...ids].sort().map((id, i) => ({ id, charged: charges[i]! }));

    const batched = await settleBatchIn(database.db, order(jobsA).map((j) => ({ jobId: j.id, hostId: 'h-batch', charged: j.charged })), BPS);
    const single: Settlement[] = [];
    for (const j of order(jobsB)) single.push(await ledger.settle(j.id, 'h-single', j.charged));

    expect(batched.size).toBe(charges.length);
    const strip = ({ charged, hostEarning, hostPromoEarning, commission }: Settlement) => ({ charged, hostEarning, hostPromoEarning, commission });
    expect(order(jobsA).map((j) => strip(batched.get(j.id)!))).toEqual(single.map(strip));
    expect(await promoLeft(a)).toBe(await promoLeft(b));
    expect(await promoLeft(a)).toBe(0n);
    expect(await ledger.balance(Accounts.user(a))).toBe(await ledger.balance(Accounts.user(b)));
    expect(await ledger.balance(Accounts.hostPromoEarnings('h-batch'))).toBe(await ledger.balance(Accounts.hostPromoEarnings('h-single')));
    expect(await ledger.balance(Accounts.hostEarnings('h-batch'))).toBe(await ledger.balance(Accounts.hostEarnings('h-single')));
  });

  it.skipIf(skip)('leaves out what it cannot settle and changes nothing of it; a retried batch moves nothing', async () => {
    const user = await newUser(0n, 1_000_000n);
    const good = await hold(user, 50_000n);
    const over = await hold(user, 10_000n);
    const released = await hold(user, 10_000n);
    await ledger.release(released);
    const unknown = randomUUID();
    const requests: SettlementRequest[] = [good, over, released, unknown].map((jobId) => ({ jobId, hostId: 'h', charged: jobId === over ? 10_001n : 20_000n }));

    const first = await settleBatchIn(database.db, requests, BPS);
    expect([...first.keys()]).toEqual([good]);
    const again = await settleBatchIn(database.db, requests, BPS);
    expect(again.size).toBe(0);
    // The one that was over its hold is still active and settles alone within it.
    expect((await ledger.settle(over, 'h', 9_000n)).charged).toBe(9_000n);
    expect(await ledger.balance(Accounts.user(user))).toBe(1_000_000n - 20_000n - 9_000n);
  });

  it.skipIf(skip)('group commit: concurrent settlements share batches, each answered once, the rest alone', async () => {
    const user = await newUser(0n, 10_000_000n);
    const jobIds = await Promise.all(Array.from({ length: 40 }, () => hold(user, 10_000n)));
    const sizes: number[] = [];
    let alone = 0;
    const group = new SettlementGroupCommit<SettlementRequest, bigint>({
      db: database.db,
      settleBatch: (tx, requests) => ledger.settleBatch(requests, tx),
      after: async (_tx, settled: readonly { item: SettlementRequest; settlement: Settlement }[]) => {
        sizes.push(settled.length);
        return new Map(settled.map((s) => [s.item.jobId, s.settlement.charged]));
      },
      alone: async (item: SettlementRequest) => {
        alone++;
        return (await ledger.settle(item.jobId, item.hostId, item.charged)).charged;
      },
    });
    // Each job twice at once: the repeat waits for a later batch, finds the hold settled and goes alone.
    const results = await Promise.all([...jobIds, ...jobIds].map((jobId) => group.settle({ jobId, hostId: 'h-group', charged: 7_000n })));
    expect(results.every((c) => c === 7_000n)).toBe(true);
    expect(sizes.some((n) => n > 1)).toBe(true);
    expect(await ledger.balance(Accounts.user(user))).toBe(10_000_000n - 40n * 7_000n);
    expect(alone).toBeGreaterThanOrEqual(40);
  });
});
