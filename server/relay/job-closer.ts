import type { FastifyBaseLogger } from 'fastify';
import { CocoonError, isCocoonError, type ErrorCode } from '@cocoon/shared/errors';
import type { SignedReceipt } from '@cocoon/shared/protocol/receipt';
import type { Db } from '../db/client';
import type { Ledger } from '../ledger/ledger';
import type { PriceBook } from '../pricing/price-book';
import { markFailed, markSettled } from './jobs-repo';
import type { LiveJob } from './live-job';
import { checkReceipt } from './receipt-check';

export interface JobCloserDeps {
  db: Db;
  ledger: Ledger;
  prices: PriceBook;
  log: FastifyBaseLogger;
}

/**
 * Ends jobs: settles a good receipt, or releases the hold and tells the client why. The billing
 * rules: a finished answer pays its receipt; a cancelled one pays its prompt and the tokens
 * streamed, per its receipt, unless nothing was streamed; every other ending pays nothing. Nothing
 * is ever charged above the hold, which is within the user's `maxCharge`.
 */
export class JobCloser {
  constructor(private readonly d: JobCloserDeps) {}

  /** Bills exactly the receipt's usage; a receipt that fails any check charges nothing. */
  async settle(job: LiveJob, signed: SignedReceipt): Promise<void> {
    // Stopped before the first answer chunk: the user got nothing, so whatever the receipt says,
    // the hold is released with no transfer.
    if (signed.receipt.finishReason === 'cancelled' && job.answerChunks === 0) {
      return this.fail(job, 'job.cancelled', 'stopped before the first token: nothing was charged');
    }
    let charged: bigint;
    try {
      await checkReceipt(job, signed);
      charged = this.d.prices.chargeFor(job.meta.model, signed.receipt, job.host.priceCoefficientMilli, job.hold);
    } catch (e) {
      if (!isCocoonError(e)) throw e;
      this.d.log.warn({ jobId: job.jobId, hostId: job.meta.hostId, code: e.code }, 'receipt rejected');
      return this.fail(job, e.code, e.message);
    }
    await this.d.db.transaction(async (tx) => {
      await this.d.ledger.settle(job.jobId, job.meta.hostId, charged, tx);
      await markSettled(tx, job.jobId, signed, charged);
    });
    const { balance } = await this.d.ledger.userFunds(job.client.userId);
    this.d.log.info({ jobId: job.jobId, charged: String(charged), finishReason: signed.receipt.finishReason }, 'job settled');
    job.client.send({ type: 'job.settled', jobId: job.jobId, receipt: signed, charged: String(charged), balance: String(balance) });
  }

  /** Releases the hold (nothing is charged), records the failure and sends the client the code, saying so. */
  async fail(job: LiveJob, code: ErrorCode, message: string): Promise<void> {
    await this.d.db.transaction(async (tx) => {
      await this.d.ledger.release(job.jobId, tx);
      await markFailed(tx, [job.jobId], code);
    });
    this.d.log.info({ jobId: job.jobId, code }, 'job failed');
    job.client.send({ type: 'error', jobId: job.jobId, error: new CocoonError(code, message).toWire(), charged: '0' });
  }
}
