import { Address } from '@ton/core';
import { and, eq, isNull } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/client';
import { payouts, PayoutStatuses } from '../db/schema';
import type { TonChain } from '../ton/chain';
import { payoutComment, unsettledPayouts, type PayoutRow } from './outbox';
import type { PayoutWallet } from './payout-wallet';
import { Poller } from '../ton/poller';

export interface PayoutSenderOptions {
  db: Db;
  chain: TonChain;
  wallet: PayoutWallet;
  log: FastifyBaseLogger;
  /** How long a signed message stays valid (PAYOUT_VALID_FOR_S). */
  validForS: number;
  pollIntervalMs: number;
  now?: () => Date;
}

export type SendOutcome =
  | { kind: 'idle' }
  /** A message of an earlier payout may still apply: nothing is signed until the wallet's seqno moves past it or it expires. */
  | { kind: 'waiting'; payoutId: string }
  | { kind: 'sent'; payoutId: string; resent: boolean }
  /** The chain did not take it now; it stays recorded and is tried again. */
  | { kind: 'retry'; payoutId: string; error: string };

/** A signed message whose validity ended this long ago (by our clock) no longer blocks the next one. */
const EXPIRY_GRACE_S = 30;

/**
 * Sends recorded payouts, one at a time, from the payout wallet. A payout's signed message, with
 * its seqno and expiry, is stored on its row *before* it is handed to the chain; after a crash
 * the same message is sent again, never a new one: the wallet applies a seqno at most once, so
 * a payout is paid at most once whatever is resent. A new message is signed only when no earlier
 * one can still apply. Whether a payout landed is the confirmer's call, from finalized data.
 */
export class PayoutSender {
  private readonly poller: Poller<SendOutcome>;
  private readonly now: () => Date;

  constructor(private readonly opts: PayoutSenderOptions) {
    this.now = opts.now ?? (() => new Date());
    this.poller = new Poller({ name: 'payout sender', log: opts.log, intervalMs: opts.pollIntervalMs, round: () => this.round(), again: (o) => o.kind === 'sent' });
  }

  start(): void {
    this.poller.start();
  }
  stop(): Promise<void> {
    return this.poller.stop();
  }
  poke(): void {
    this.poller.poke();
  }
  /** One step: sends at most one payout. */
  sendOnce(): Promise<SendOutcome> {
    return this.poller.once();
  }

  private async round(): Promise<SendOutcome> {
    const nowS = Math.floor(this.now().getTime() / 1000);
    const open = await unsettledPayouts(this.opts.db);
    const validNow = (p: PayoutRow) => p.validUntil !== null && p.validUntil.getTime() / 1000 > nowS;
    // First a signed message that is still valid (a restart resends it as is), then a new one.
    const resend = open.find((p) => p.status === PayoutStatuses.recorded && p.boc !== null && validNow(p));
    if (resend) return this.deliver(resend, true);
    const next = open.find((p) => p.status === PayoutStatuses.recorded && p.boc === null);
    if (!next) return { kind: 'idle' };
    const state = await this.opts.wallet.state();
    const blocking = open.find((p) => p.seqno !== null && p.seqno >= state.seqno && p.validUntil !== null && p.validUntil.getTime() / 1000 + EXPIRY_GRACE_S > nowS);
    if (blocking) return { kind: 'waiting', payoutId: blocking.id };
    const validUntil = nowS + this.opts.validForS;
    const boc = this.opts.wallet.sign({ seqno: state.seqno, validUntil, to: Address.parse(next.address), value: next.valueNano, comment: payoutComment(next.queryId) }, state.active);
    const [signed] = await this.opts.db
      .update(payouts)
      .set({ boc: boc.toString('base64'), seqno: state.seqno, validUntil: new Date(validUntil * 1000) })
      .where(and(eq(payouts.id, next.id), eq(payouts.status, PayoutStatuses.recorded), isNull(payouts.boc)))
      .returning();
    // Another sender signed it first: its message is the one that counts.
    if (!signed) return { kind: 'waiting', payoutId: next.id };
    this.opts.log.info({ payoutId: signed.id, seqno: signed.seqno, validUntil }, 'payout signed');
    return this.deliver(signed, false);
  }

  private async deliver(p: PayoutRow, resent: boolean): Promise<SendOutcome> {
    try {
      await this.opts.chain.sendBoc(Buffer.from(p.boc!, 'base64'));
    } catch (e) {
      // A resent message the wallet already applied is refused ("seqno mismatch"): that is not a
      // failure. Once the wallet's seqno has moved past it, it is marked sent for the confirmer.
      const moved = await this.opts.wallet.state().then((s) => s.seqno > p.seqno!, () => false);
      if (!moved) return { kind: 'retry', payoutId: p.id, error: e instanceof Error ? e.message : String(e) };
    }
    await this.opts.db
      .update(payouts)
      .set({ status: PayoutStatuses.sent, sentAt: this.now() })
      .where(and(eq(payouts.id, p.id), eq(payouts.status, PayoutStatuses.recorded)));
    this.opts.log.info({ payoutId: p.id, resent }, 'payout sent');
    return { kind: 'sent', payoutId: p.id, resent };
  }
}
