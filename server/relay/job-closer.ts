import type { FastifyBaseLogger } from 'fastify';
import { CocoonError, isCocoonError, type ErrorCode } from '@cocoon/shared/errors';
import type { SignedReceipt } from '@cocoon/shared/protocol/receipt';
import type { Db } from '../db/client';
import { retryDatabase } from '../db/retry';
import { SettlementGroupCommit } from '../ledger/group-commit';
import type { Ledger } from '../ledger/ledger';
import type { SettlementRequest } from '../ledger/settle-batch';
import type { BrokerMetrics } from '../metrics/broker-metrics';
import type { PriceBook } from '../pricing/price-book';
import type { FirstTokenMarks } from './first-token-marks';
import { markFailed, markSettled } from './jobs-repo';
import type { LiveJob } from './live-job';
import { checkReceipt } from './receipt-check';

export interface JobCloserDeps {
  db: Db;
  ledger: Ledger;
  prices: PriceBook;
  log: FastifyBaseLogger;
  metrics?: BrokerMetrics;
}

/**
 * Ends jobs: settles a good receipt, or releases the hold and tells the client why. The billing
 * rules: a finished answer pays its receipt; a cancelled one pays its prompt and the tokens
 * streamed, per its receipt, unless nothing was streamed; every other ending pays nothing. Nothing
 * is ever charged above the hold, which is within the user's `maxCharge`.
 */
/** A job to settle from its receipt, for the group commit. */
interface ToSettle extends SettlementRequest {
  job: LiveJob;
  signed: SignedReceipt;
  /** Its first token's time, not written yet: written with the settlement. */
  firstTokenAt?: Date;
}

export class JobCloser {
  /**
   * Settlements under load share one statement and one commit (server/ledger/group-commit.ts):
   * the hold closed and the transfers made, the job marked settled and the user's new balance
   * read, in one transaction per batch. Alone (no queue, or a batch that failed), a job closes in
   * its own transaction with the database retries.
   */
  private readonly group: SettlementGroupCommit<ToSettle, { charged: bigint; balance: bigint }>;

  constructor(private readonly d: JobCloserDeps, private readonly firstTokens: FirstTokenMarks) {
    this.group = new SettlementGroupCommit({
      db: d.db,
      settleBatch: (tx, requests) => d.ledger.settleBatch(requests, tx),
      after: async (tx, settled) => {
        const balances = new Map<string, bigint>();
        for (const { item, settlement } of settled) {
          await markSettled(tx, item.jobId, item.signed, settlement.charged, item.firstTokenAt);
          if (!balances.has(settlement.userId)) balances.set(settlement.userId, (await d.ledger.userFunds(settlement.userId, tx)).balance);
        }
        return new Map(settled.map(({ item, settlement }) => [item.jobId, { charged: settlement.charged, balance: balances.get(settlement.userId)! }]));
      },
      alone: ({ job, signed, charged, firstTokenAt }) =>
        // Retried through a lost connection: a retry after a commit whose answer was lost returns the first settlement.
        this.retry(job, () => d.db.transaction(async (tx) => {
          const s = await d.ledger.settle(job.jobId, job.meta.hostId, charged, tx);
          await markSettled(tx, job.jobId, signed, s.charged, firstTokenAt);
          return { charged: s.charged, balance: (await d.ledger.userFunds(job.client.userId, tx)).balance };
        })),
      onBatchError: (err, size) => d.log.warn({ err, size }, 'settlement batch failed; its jobs settle one by one'),
    });
  }

  /** Bills exactly the receipt's usage; a receipt that fails any check charges nothing. */
  async settle(job: LiveJob, signed: SignedReceipt): Promise<void> {
    // Stopped before the first answer chunk: the user got nothing, so whatever the receipt says,
    // the hold is released with no transfer.
    if (signed.receipt.finishReason === 'cancelled' && job.answerPieces === 0) {
      return this.fail(job, 'job.cancelled', 'stopped before the first token: nothing was charged');
    }
    let charged: bigint;
    try {
      await checkReceipt(job, signed);
      charged = this.d.prices.chargeFor(job.meta.model, signed.receipt, job.priceCoefficientMilli, job.hold);
    } catch (e) {
      if (!isCocoonError(e)) throw e;
      this.d.log.warn({ jobId: job.jobId, hostId: job.meta.hostId, code: e.code }, 'receipt rejected');
      return this.fail(job, e.code, e.message);
    }
    let settled: { charged: bigint; balance: bigint };
    const firstTokenAt = this.firstTokens.take(job.jobId);
    try {
      settled = await this.group.settle({ jobId: job.jobId, hostId: job.meta.hostId, charged, job, signed, firstTokenAt });
    } catch (e) {
      if (firstTokenAt) this.firstTokens.mark(job.jobId, firstTokenAt);
      return this.notRecorded(job, e);
    }
    this.d.log.info({ jobId: job.jobId, charged: String(settled.charged), finishReason: signed.receipt.finishReason }, 'job settled');
    this.d.metrics?.jobSettled();
    job.client.send({ type: 'job.settled', jobId: job.jobId, receipt: signed, charged: String(settled.charged), balance: String(settled.balance) });
  }

  /** Releases the hold (nothing is charged), records the failure and sends the client the code, saying so. */
  async fail(job: LiveJob, code: ErrorCode, message: string): Promise<void> {
    this.d.metrics?.jobFailed(code);
    try {
      await this.retry(job, () => this.d.db.transaction(async (tx) => {
        await this.d.ledger.release(job.jobId, tx);
        await markFailed(tx, [job.jobId], code);
      }));
    } catch (e) {
      // The job has ended all the same; only "nothing was charged" cannot be said yet.
      this.d.log.error({ err: e, jobId: job.jobId, code }, 'job failure not recorded: the hold is released when it expires');
      job.client.send({ type: 'error', jobId: job.jobId, error: new CocoonError(code, message).toWire() });
      return;
    }
    this.d.log.info({ jobId: job.jobId, code }, 'job failed');
    job.client.send({ type: 'error', jobId: job.jobId, error: new CocoonError(code, message).toWire(), charged: '0' });
  }

  /** A job's closing transaction, tried again while the database is unreachable (server/db/retry.ts). */
  private retry<T>(job: LiveJob, fn: () => Promise<T>): Promise<T> {
    return retryDatabase(fn, {
      // The driver's reason (drizzle wraps it with the whole query as its message).
      onRetry: (err, attempt) => this.d.log.warn({ jobId: job.jobId, attempt, reason: err instanceof Error ? String(err.cause instanceof Error ? err.cause.message : err.message) : String(err) }, 'closing the job failed; trying again'),
    });
  }

  /**
   * The settlement could not be confirmed (the database stayed away past the retries, or refused
   * it). Either it landed once, or nothing moved and the hold stays until the sweeper releases it
   * at its expiry; the client is told, without a `charged` that could not be promised.
   */
  private notRecorded(job: LiveJob, e: unknown): void {
    this.d.log.error({ err: e, jobId: job.jobId }, 'settlement not confirmed: unless it landed, the hold is released when it expires');
    const error = isCocoonError(e) ? e.toWire() : new CocoonError('internal', 'the charge for this answer could not be confirmed; unless it was recorded, the held credits return when the hold expires').toWire();
    job.client.send({ type: 'error', jobId: job.jobId, error });
  }
}
