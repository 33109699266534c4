import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCocoonError } from '@cocoon/shared/errors';
import { openDatabase, type Database } from '../db/client';
import { holds, transfers, users } from '../db/schema';
import { backends, openTestDatabase, postgresReachable, type TestDatabase } from '../tests/support/test-db';
import { Accounts } from './accounts';
import { Ledger } from './ledger';
import { TransferKinds } from './transfers';

const STARTER = 1_000_000n;
const inAnHour = () => new Date(Date.now() + 3_600_000);
class Crash extends Error {}

describe.each(backends)('settlements retried after a crash, on %s', (backend) => {
  const skip = backend === 'postgres' && !postgresReachable;
  let database: TestDatabase;
  let ledger: Ledger;

  beforeAll(async () => {
    if (skip) return;
    database = await openTestDatabase(backend);
    ledger = new Ledger(database.db, { commissionBps: 500 });
  });
  afterAll(async () => database?.close());

  async function heldJob(amount = 10_000n) {
    const [u] = await database.db.insert(users).values({ telegramId: BigInt(Math.floor(Math.random() * 1e12)), firstName: 'R' }).returning();
    // Bought credits: these retries are about the paid path (promo.test.ts retries the promotional one).
    await ledger.transfer({ debit: Accounts.ton, credit: Accounts.user(u!.id), amount: STARTER, kind: TransferKinds.tonTopUp, idempotencyKey: `retry:${u!.id}` });
    const jobId = randomUUID();
    await ledger.placeHold({ jobId, userId: u!.id, amount, expiresAt: inAnHour() });
    return { userId: u!.id, jobId };
  }
  const jobTransfers = (jobId: string) => database.db.select().from(transfers).where(eq(transfers.jobId, jobId));

  it.skipIf(skip)('a crash before commit moves nothing; the retry settles once', async () => {
    const { userId, jobId } = await heldJob();
    const crashed = database.db.transaction(async (tx) => {
      await ledger.settle(jobId, 'host-r', 4_000n, tx);
      throw new Crash('process died before commit');
    });
    await expect(crashed).rejects.toBeInstanceOf(Crash);
    expect(await jobTransfers(jobId)).toEqual([]);
    expect(await ledger.userFunds(userId)).toEqual({ balance: STARTER, held: 10_000n, available: STARTER - 10_000n });

    await ledger.settle(jobId, 'host-r', 4_000n);
    await ledger.settle(jobId, 'host-r', 4_000n);
    expect(await jobTransfers(jobId)).toHaveLength(2);
    expect(await ledger.userFunds(userId)).toEqual({ balance: STARTER - 4_000n, held: 0n, available: STARTER - 4_000n });
    expect(await ledger.sumOfBalances()).toBe(0n);
  });

  it.skipIf(skip)('a crash after commit: the retry (same job, same keys) from a fresh connection returns the first settlement', async () => {
    const { userId, jobId } = await heldJob();
    const first = await ledger.settle(jobId, 'host-r', 6_000n);
    // The broker died before recording the outcome; a restarted one (new pool, new Ledger) retries
    // with what the receipt says, which a buggy or lying caller may even have changed.
    const again: Database = backend === 'postgres' ? await openDatabase({ url: database.url, dataDir: '' }) : database;
    try {
      const restarted = new Ledger(again.db, { commissionBps: 500 });
      expect(await restarted.settle(jobId, 'host-r', 6_000n)).toEqual(first);
      expect(await restarted.settle(jobId, 'host-r', 9_999n)).toEqual(first);
      const rows = await jobTransfers(jobId);
      expect(rows.map((t) => t.idempotencyKey).sort()).toEqual([`job:${jobId}:commission`, `job:${jobId}:earning`]);
      expect(rows.reduce((n, t) => n + t.amount, 0n)).toBe(6_000n);
      expect((await restarted.userFunds(userId)).balance).toBe(STARTER - 6_000n);
      expect(await restarted.balance(Accounts.hostEarnings('host-r'))).toBeGreaterThanOrEqual(first.hostEarning);
    } finally {
      if (again !== database) await again.close();
    }
    const [hold] = await database.db.select().from(holds).where(eq(holds.jobId, jobId));
    expect(hold).toMatchObject({ status: 'settled', charged: 6_000n });
  });

  it.skipIf(skip)('a settlement that fails half-way (a key taken by another movement) rolls back whole', async () => {
    const { userId, jobId } = await heldJob();
    await ledger.transfer({ debit: Accounts.promo, credit: Accounts.networkFees, amount: 1n, kind: TransferKinds.starterCredits, idempotencyKey: `job:${jobId}:commission` });
    const err = await ledger.settle(jobId, 'host-r', 5_000n).catch((e: unknown) => e);
    expect(isCocoonError(err, 'ledger.invariant_violated')).toBe(true);
    // The earning transfer and the closed hold went with it: the job can still be settled or released.
    expect(await jobTransfers(jobId)).toEqual([]);
    expect(await ledger.userFunds(userId)).toEqual({ balance: STARTER, held: 10_000n, available: STARTER - 10_000n });
    expect(await ledger.release(jobId)).toBe(true);
    expect(await ledger.sumOfBalances()).toBe(0n);
  });
});
