import type { Db, Tx } from '../db/client';
import type { SettlementRequest } from './settle-batch';
import type { Settlement } from './settlement';

export interface GroupCommitOptions<I extends SettlementRequest, R> {
  db: Db;
  /** The batch's settlement statement (Ledger.settleBatch). */
  settleBatch(tx: Tx, requests: readonly SettlementRequest[]): Promise<Map<string, Settlement>>;
  /**
   * In the batch's transaction, after its settlement statement: the caller's own writes for the
   * jobs it settled (e.g. marking them settled), and each one's result.
   */
  after(tx: Tx, settled: readonly { item: I; settlement: Settlement }[]): Promise<Map<string, R>>;
  /**
   * One job alone, in its own transaction (with the caller's retries): for a batch of one, a job
   * the batch did not settle (its hold was not active: the single path says why, or returns the
   * first settlement), and every job of a batch that failed.
   */
  alone(item: I): Promise<R>;
  /** A batch failed as a whole (its jobs then go alone). */
  onBatchError?(error: unknown, size: number): void;
  /** Most jobs per batch (default 64). */
  maxBatch?: number;
  /** Batches in flight at once (default 2). */
  maxInFlight?: number;
}

interface Pending<I, R> {
  item: I;
  resolve(r: R): void;
  reject(e: unknown): void;
}

/**
 * Group commit for settlements: a job ending while batches are in flight waits for the next one,
 * which settles everything waiting in one statement and one commit (settle-batch.ts). With no
 * queue a job goes at once, alone: batching adds no latency, it only removes round trips and
 * commits under load. Exactly-once is the ledger's (keys and hold states), not this queue's.
 */
export class SettlementGroupCommit<I extends SettlementRequest, R> {
  private queue: Pending<I, R>[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(private readonly o: GroupCommitOptions<I, R>) {
    this.maxBatch = o.maxBatch ?? 64;
    this.maxInFlight = o.maxInFlight ?? 2;
  }

  settle(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** Up to maxBatch waiting jobs, each job id once (a repeat waits for a later batch). */
  private takeBatch(): Pending<I, R>[] {
    const batch: Pending<I, R>[] = [];
    const ids = new Set<string>();
    const rest: Pending<I, R>[] = [];
    for (const p of this.queue) {
      if (batch.length < this.maxBatch && !ids.has(p.item.jobId)) {
        ids.add(p.item.jobId);
        batch.push(p);
      } else rest.push(p);
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: Pending<I, R>[]): Promise<void> {
    let results: Map<string, R> | undefined;
    if (batch.length > 1) {
      try {
        results = await this.o.db.transaction(async (tx) => {
          const settled = await this.o.settleBatch(tx, batch.map((p) => p.item));
          const done = batch.flatMap((p) => {
            const settlement = settled.get(p.item.jobId);
            return settlement ? [{ item: p.item, settlement }] : [];
          });
          return this.o.after(tx, done);
        });
      } catch (e) {
        this.o.onBatchError?.(e, batch.length);
      }
    }
    await Promise.all(
      batch.map(async (p) => {
        const r = results?.get(p.item.jobId);
        if (r !== undefined) return p.resolve(r);
        try {
          p.resolve(await this.o.alone(p.item));
        } catch (e) {
          p.reject(e);
        }
      }),
    );
  }
}
