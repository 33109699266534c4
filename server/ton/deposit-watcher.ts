import type { Address } from '@ton/core';
import { eq } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { chainCursors } from '../db/schema';
import { transactionKnown, transactionsAfter } from './account-scan';
import type { TonChain, TransactionId } from './chain';
import { applyTransaction, type CreditContext, type Outcome } from './deposit-credit';
import { Poller } from './poller';

export interface DepositWatcherOptions extends Omit<CreditContext, 'cursorName'> {
  chain: TonChain;
  serviceAddress: Address;
  log: FastifyBaseLogger;
  pollIntervalMs: number;
  /** When the saved cursor is not on the chain: true resets it (a fresh sandbox chain); false keeps it. */
  resetMissingCursor: boolean;
  pageSize?: number;
}

export interface PollResult {
  scanned: number;
  outcomes: Outcome[];
}

/**
 * Credits TON deposits to the service wallet. Each round reads the wallet's last transaction (the
 * API reads it at a masterchain block, so it and all before it are final), pages back to the
 * saved cursor, and applies the new transactions oldest first, each in its own database
 * transaction with the cursor. A crash or restart resumes from the cursor; a replay credits
 * nothing twice.
 */
export class DepositWatcher {
  readonly cursorName: string;
  private cursorChecked = false;
  private readonly poller: Poller<PollResult>;

  constructor(private readonly opts: DepositWatcherOptions) {
    this.cursorName = `ton:deposits:${opts.serviceAddress.toRawString()}`;
    this.poller = new Poller({ name: 'ton deposits', log: opts.log, intervalMs: opts.pollIntervalMs, round: () => this.round() });
  }

  start(): void {
    this.poller.start();
  }

  stop(): Promise<void> {
    return this.poller.stop();
  }

  /** Runs a round now (after the current one), e.g. after a send in development. */
  poke(): void {
    this.poller.poke();
  }

  /** One round; rounds never overlap. */
  pollOnce(): Promise<PollResult> {
    return this.poller.once();
  }

  private async round(): Promise<PollResult> {
    const cursor = await this.checkedCursor();
    const head = (await this.opts.chain.getAddressInformation(this.opts.serviceAddress)).lastTransaction;
    if (!head || (cursor && head.lt <= cursor.lt)) return { scanned: 0, outcomes: [] };
    const fresh = await transactionsAfter(this.opts.chain, this.opts.serviceAddress, head, cursor?.lt ?? 0n, this.opts.pageSize);
    const outcomes: Outcome[] = [];
    for (const tx of fresh) {
      const outcome = await applyTransaction({ ...this.opts, cursorName: this.cursorName }, tx);
      if (outcome.kind === 'credited') this.opts.log.info({ txHash: tx.hash, userId: outcome.userId, nanoton: String(outcome.nanoton), credits: String(outcome.credits) }, 'ton deposit credited');
      else this.opts.log.debug({ txHash: tx.hash, outcome: outcome.kind, reason: outcome.kind === 'ignored' ? outcome.reason : undefined }, 'ton transaction not credited');
      outcomes.push(outcome);
    }
    if (fresh.length > 0) this.opts.log.debug({ scanned: fresh.length }, 'ton deposits scanned');
    return { scanned: fresh.length, outcomes };
  }

  private async readCursor(): Promise<TransactionId | null> {
    const [row] = await this.opts.db.select().from(chainCursors).where(eq(chainCursors.name, this.cursorName));
    return row ? { lt: row.lt, hash: row.hash } : null;
  }

  /** Once per start: a cursor the chain does not know comes from another chain (a restarted sandbox). */
  private async checkedCursor(): Promise<TransactionId | null> {
    const cursor = await this.readCursor();
    if (!cursor || this.cursorChecked) return cursor;
    const known = await transactionKnown(this.opts.chain, this.opts.serviceAddress, cursor);
    this.cursorChecked = true;
    if (known) return cursor;
    if (!this.opts.resetMissingCursor) {
      this.opts.log.warn({ cursor: { lt: String(cursor.lt), hash: cursor.hash } }, 'ton deposit cursor not found on chain; keeping it');
      return cursor;
    }
    this.opts.log.warn('ton deposit cursor belongs to an earlier sandbox chain; scanning this chain from its start');
    await this.opts.db.delete(chainCursors).where(eq(chainCursors.name, this.cursorName));
    return null;
  }
}
