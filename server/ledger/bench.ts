import { randomUUID } from 'node:crypto';
import { openDatabase, type Database } from '../db/client';
import { createScratchDatabase, dropScratchDatabase } from '../db/scratch';
import { users } from '../db/schema';
import { SettlementGroupCommit } from './group-commit';
import { Ledger } from './ledger';
import type { SettlementRequest } from './settle-batch';
import type { Settlement } from './settlement';

/** The CI PostgreSQL (trust auth); a throwaway database is created beside `test` and dropped. */
export const DEFAULT_BENCH_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface SettlementBenchOptions {
  driver: 'pglite' | 'postgres';
  /** How many jobs to settle. */
  n: number;
  /** PostgreSQL server to create the scratch database on (driver 'postgres'). */
  url?: string;
  /** Settlements in flight at once (default 16; PGlite runs them one at a time anyway). */
  concurrency?: number;
  /** Users the jobs are spread over (default 32): settlements of one user serialize on its account. */
  users?: number;
  /** Settle through the group commit, as the relay does (default), or each job on its own: the baseline. */
  groupCommit?: boolean;
}

export interface SettlementBenchResult {
  driver: 'pglite' | 'postgres';
  n: number;
  concurrency: number;
  elapsedMs: number;
  settlementsPerSecond: number;
}

/** What `npm run bench` holds the ledger to on PostgreSQL (issue 13). */
export const SETTLEMENTS_TARGET_PER_S = 2_000;

/**
 * Ledger settlement throughput: `n` jobs are held first (not timed), then settled from their
 * receipts as the relay does (hold closed, promotional credits spent, host earning and commission
 * transferred; through the group commit), `concurrency` at a time. Checks the ledger still sums to zero.
 * @example const { settlementsPerSecond } = await benchSettlements({ driver: 'pglite', n: 2000 })
 */
export async function benchSettlements(opts: SettlementBenchOptions): Promise<SettlementBenchResult> {
  const concurrency = opts.concurrency ?? 16;
  const adminUrl = opts.url ?? DEFAULT_BENCH_PG_URL;
  const url = opts.driver === 'postgres' ? await createScratchDatabase(adminUrl) : undefined;
  let database: Database | undefined;
  try {
    // One connection per settlement in flight: fewer would queue them in the pool, not in the database.
    database = await openDatabase({ url, dataDir: 'memory://', poolMax: concurrency });
    const ledger = new Ledger(database.db, { commissionBps: 500 });
    const userIds = await seedUsers(database, ledger, opts.users ?? 32);
    const expiresAt = new Date(Date.now() + 3_600_000);
    const jobs = Array.from({ length: opts.n }, (_, i) => ({ jobId: randomUUID(), userId: userIds[i % userIds.length]!, amount: 10_000n + BigInt(i % 1000) }));
    await inParallel(jobs, concurrency, (j) => ledger.placeHold({ ...j, expiresAt }).then(() => undefined));

    // As the relay settles (server/relay/job-closer.ts): through the group commit, which settles
    // the jobs that end while others are being settled in one statement and one commit.
    const db = database.db;
    const group = new SettlementGroupCommit<SettlementRequest, Settlement>({
      db,
      settleBatch: (tx, requests) => ledger.settleBatch(requests, tx),
      after: async (_tx, settled) => new Map(settled.map(({ item, settlement }) => [item.jobId, settlement])),
      alone: (item) => ledger.settle(item.jobId, item.hostId, item.charged),
    });
    const t0 = performance.now();
    const settle = opts.groupCommit === false ? (r: SettlementRequest) => ledger.settle(r.jobId, r.hostId, r.charged) : (r: SettlementRequest) => group.settle(r);
    await inParallel(jobs, concurrency, (j, i) => settle({ jobId: j.jobId, hostId: `bench-host-${i % 8}`, charged: j.amount - BigInt(i % 5000) }).then(() => undefined));
    const elapsedMs = performance.now() - t0;

    if ((await ledger.sumOfBalances()) !== 0n) throw new Error('ledger does not sum to zero after the benchmark');
    return { driver: opts.driver, n: opts.n, concurrency, elapsedMs, settlementsPerSecond: (opts.n / elapsedMs) * 1000 };
  } finally {
    await database?.close();
    if (url) await dropScratchDatabase(adminUrl, url);
  }
}

async function seedUsers(database: Database, ledger: Ledger, count: number): Promise<string[]> {
  const rows = await database.db
    .insert(users)
    .values(Array.from({ length: count }, (_, i) => ({ telegramId: BigInt(800_000_000 + i), firstName: `Bench ${i}` })))
    .returning({ id: users.id });
  for (const r of rows) await ledger.grantStarterCredits(r.id, 1_000_000_000_000n);
  return rows.map((r) => r.id);
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function inParallel<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
