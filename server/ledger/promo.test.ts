import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { promoBalances, users } from '../db/schema';
import { backends, openTestDatabase, postgresReachable, type TestDatabase } from '../tests/support/test-db';
import { Accounts } from './accounts';
import { Ledger } from './ledger';
import { splitCharge } from './promo';
import { TransferKinds } from './transfers';

const inAnHour = () => new Date(Date.now() + 3_600_000);

describe('splitCharge', () => {
  it('adds up to the charge, with the commission on the whole charge', () => {
    for (const [charged, bps, promo] of [[200_001n, 500, 0n], [200_001n, 500, 200_001n], [200_001n, 500, 77_777n], [1n, 500, 1n], [3n, 3_333, 1n], [10_000n, 0, 5_000n], [10_000n, 10_000, 5_000n]] as const) {
      const s = splitCharge(charged, bps, promo);
      expect(s.hostEarning + s.hostPromoEarning + s.commission).toBe(charged);
      expect(s.commission).toBe((charged * BigInt(bps)) / 10_000n);
      expect(s.hostEarning).toBeGreaterThanOrEqual(0n);
      expect(s.hostPromoEarning).toBeGreaterThanOrEqual(0n);
    }
  });
  it('splits the commission in proportion, the promotional share rounded down', () => {
    // commission 10_000; promotional share 10_000 × 100_000 / 200_001 = 4999.97… -> 4_999.
    expect(splitCharge(200_001n, 500, 100_000n)).toEqual({ commission: 10_000n, hostPromoEarning: 95_001n, hostEarning: 95_000n });
    expect(splitCharge(200_001n, 500, 0n)).toEqual({ commission: 10_000n, hostPromoEarning: 0n, hostEarning: 190_001n });
    expect(splitCharge(200_001n, 500, 200_001n)).toEqual({ commission: 10_000n, hostPromoEarning: 190_001n, hostEarning: 0n });
    expect(splitCharge(0n, 500, 0n)).toEqual({ commission: 0n, hostPromoEarning: 0n, hostEarning: 0n });
  });
});

describe.each(backends)('promotional credits on %s', (backend) => {
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

  /** A user with `promo` starter credits and `bought` credits bought with TON. */
  async function newUser(promo: bigint, bought: bigint): Promise<string> {
    const [u] = await database.db.insert(users).values({ telegramId: BigInt(Math.floor(Math.random() * 1e12)), firstName: 'P' }).returning();
    await ledger.grantStarterCredits(u!.id, promo);
    if (bought > 0n) await ledger.transfer({ debit: Accounts.ton, credit: Accounts.user(u!.id), amount: bought, kind: TransferKinds.tonTopUp, idempotencyKey: `bought:${u!.id}` });
    return u!.id;
  }
  const remaining = async (userId: string) => (await database.db.select().from(promoBalances).where(eq(promoBalances.userId, userId)))[0]?.remaining;
  async function heldJob(userId: string, amount: bigint): Promise<string> {
    const jobId = randomUUID();
    await ledger.placeHold({ jobId, userId, amount, expiresAt: inAnHour() });
    return jobId;
  }

  it.skipIf(skip)('a starter grant counts once as promotional credits, whatever the retries', async () => {
    const userId = await newUser(1_000n, 0n);
    await ledger.grantStarterCredits(userId, 1_000n);
    await database.db.transaction((tx) => ledger.grantStarterCredits(userId, 1_000n, tx));
    expect(await remaining(userId)).toBe(1_000n);
  });

  it.skipIf(skip)('promotional credits are spent first; the part they cover pays host_promo, the rest host', async () => {
    const userId = await newUser(100_000n, 1_000_000n);
    const host = `promo-host-${randomUUID()}`;
    const first = await ledger.settle(await heldJob(userId, 300_000n), host, 60_000n);
    expect(first).toMatchObject({ charged: 60_000n, commission: 3_000n, hostPromoEarning: 57_000n, hostEarning: 0n });
    expect(await remaining(userId)).toBe(40_000n);
    // 40_000 of 200_001 is promotional: commission 10_000, its promotional share 10_000 × 40_000 / 200_001 -> 1_999.
    const second = await ledger.settle(await heldJob(userId, 300_000n), host, 200_001n);
    expect(second).toMatchObject({ charged: 200_001n, commission: 10_000n, hostPromoEarning: 38_001n, hostEarning: 152_000n });
    expect(await remaining(userId)).toBe(0n);
    const third = await ledger.settle(await heldJob(userId, 300_000n), host, 1_000n);
    expect(third).toMatchObject({ hostPromoEarning: 0n, hostEarning: 950n, commission: 50n });
    expect(await ledger.balance(Accounts.hostPromoEarnings(host))).toBe(57_000n + 38_001n);
    expect(await ledger.balance(Accounts.hostEarnings(host))).toBe(152_000n + 950n);
    expect(await ledger.balance(Accounts.user(userId))).toBe(1_100_000n - 261_001n);
  });

  it.skipIf(skip)('the settlement statement splits a charge as splitCharge does, exactly at any size', async () => {
    // [charged, promotional, bought, commission bps]: rounding, all or none promotional, and amounts whose products overflow bigint.
    const vectors = [[200_001n, 77_777n, 1_000_000n, 500], [3n, 1n, 10n, 3_333], [10_000n, 5_000n, 10_000n, 10_000], [7n, 0n, 7n, 0], [4_000_000_000_000_000_000n, 3_000_000_000_000_000_001n, 1_000_000_000_000_000_000n, 3_333]] as const;
    for (const [charged, promo, bought, bps] of vectors) {
      const userId = await newUser(promo, bought);
      const host = `split-host-${randomUUID()}`;
      const settled = await new Ledger(database.db, { commissionBps: bps }).settle(await heldJob(userId, charged), host, charged);
      expect(settled).toMatchObject({ charged, ...splitCharge(charged, bps, promo < charged ? promo : charged) });
      expect(await ledger.balance(Accounts.hostPromoEarnings(host))).toBe(settled.hostPromoEarning);
      expect(await ledger.balance(Accounts.hostEarnings(host))).toBe(settled.hostEarning);
    }
  });

  it.skipIf(skip)('a retried or concurrent settlement spends the promotional credits once', async () => {
    const userId = await newUser(50_000n, 0n);
    const host = `promo-host-${randomUUID()}`;
    const jobId = await heldJob(userId, 30_000n);
    const results = await Promise.all([1, 2, 3].map(() => ledger.settle(jobId, host, 20_000n)));
    expect(new Set(results.map((r) => r.hostPromoEarning))).toEqual(new Set([19_000n]));
    expect(await ledger.settle(jobId, host, 25_000n)).toEqual(results[0]);
    expect(await remaining(userId)).toBe(30_000n);
    expect(await ledger.balance(Accounts.hostPromoEarnings(host))).toBe(19_000n);
  });

  it.skipIf(skip)('a settlement rolled back leaves the promotional credits unspent', async () => {
    const userId = await newUser(50_000n, 0n);
    const jobId = await heldJob(userId, 30_000n);
    const crashed = database.db.transaction(async (tx) => {
      await ledger.settle(jobId, 'promo-host-crash', 20_000n, tx);
      throw new Error('process died before commit');
    });
    await expect(crashed).rejects.toThrow('process died');
    expect(await remaining(userId)).toBe(50_000n);
    await ledger.settle(jobId, 'promo-host-crash', 20_000n);
    expect(await remaining(userId)).toBe(30_000n);
  });

  it.skipIf(skip)('two jobs of one user settled at once never spend more than the promotional balance', async () => {
    const userId = await newUser(10_000n, 100_000n);
    const host = `promo-host-${randomUUID()}`;
    const jobs = await Promise.all([1, 2, 3, 4].map(() => heldJob(userId, 10_000n)));
    await Promise.all(jobs.map((j) => ledger.settle(j, host, 6_000n)));
    expect(await remaining(userId)).toBe(0n);
    // 10_000 promotional of 24_000 charged: the host's promotional earning is 95% of it.
    expect(await ledger.balance(Accounts.hostPromoEarnings(host))).toBe(9_500n);
    expect(await ledger.balance(Accounts.hostEarnings(host)) + (await ledger.balance(Accounts.hostPromoEarnings(host)))).toBe(24_000n - 4n * 300n);
  });
});
