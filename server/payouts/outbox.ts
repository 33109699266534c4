import { createHash, randomBytes } from 'node:crypto';
import { and, asc, desc, eq, inArray, like } from 'drizzle-orm';
import type { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import type { PayoutSchema } from '@cocoon/shared/protocol/owner';
import type { Executor, Tx } from '../db/client';
import { owners, payouts, PayoutStatuses, transfers, type PayoutStatus } from '../db/schema';
import { Accounts } from '../ledger/accounts';
import { transferIn, TransferKinds } from '../ledger/transfers';
import { ownerHostIds, paidAccounts, type EarningsClock } from './earnings';

/**
 * The payout outbox (issue 11): a withdrawal is a `payouts` row plus the ledger transfers that take
 * it out of the owner's machines' earnings, written in one transaction before anything goes on
 * chain. The sender then signs and sends it; the confirmer settles it from finalized chain data.
 * A payout that bounces or can never apply is returned: its transfers are reversed.
 */

export type PayoutRow = typeof payouts.$inferSelect;

export interface PayoutRules {
  /** The smallest withdrawal, micro-credits. */
  min: bigint;
  /** Taken from each payout's value for the chain's fees, nanoTON. */
  feeNano: bigint;
  microCreditsPerTon: bigint;
}

const NANO_PER_TON = 1_000_000_000n;

/** What a withdrawal of `amount` micro-credits sends: its value in nanoTON (rounded down) less the fee. */
export function quote(amount: bigint, rules: PayoutRules): { amount: bigint; valueNano: bigint; feeNano: bigint } {
  const gross = (amount * NANO_PER_TON) / rules.microCreditsPerTon;
  return { amount, valueNano: gross - rules.feeNano, feeNano: rules.feeNano };
}

/**
 * The transfer's text comment, which carries the query id. Short on purpose: a bounce returns only
 * the first 256 bits of the body (op 0 and 28 bytes of text), and "Cocoon #" with the up to 19
 * digits of a 63-bit id fits, so a bounced payout is matched by its whole id.
 */
export const payoutComment = (queryId: bigint): string => `Cocoon #${queryId}`;

/** A random positive 63-bit id (it is stored as a signed bigint). */
function newQueryId(): bigint {
  const id = randomBytes(8).readBigUInt64BE() >> 1n;
  return id === 0n ? 1n : id;
}

/**
 * The payout id for an owner's idempotency key: a double tap (or a retried request) with the same
 * key finds the same row instead of making a second payout.
 */
export function payoutIdFor(ownerId: string, idempotencyKey: string): string {
  const h = createHash('sha256').update(`payout:${ownerId}:${idempotencyKey}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface PayoutRequest {
  ownerId: string;
  /** Omitted: everything withdrawable. */
  amount?: bigint | undefined;
  idempotencyKey: string;
}

/**
 * Records a withdrawal, in one transaction that holds the owner's row locked, so two withdrawals
 * at once cannot both spend the same earnings.
 * @throws CocoonError owner.no_payout_wallet, payout.below_minimum, payout.insufficient
 */
export async function recordPayout(db: Executor, req: PayoutRequest, rules: PayoutRules, clock: EarningsClock): Promise<{ payout: PayoutRow; created: boolean }> {
  return db.transaction(async (tx) => {
    const [owner] = await tx.select().from(owners).where(eq(owners.userId, req.ownerId)).for('update');
    if (!owner) throw new CocoonError('owner.no_payout_wallet', 'connect a payout wallet first');
    const id = payoutIdFor(req.ownerId, req.idempotencyKey);
    const [existing] = await tx.select().from(payouts).where(eq(payouts.id, id));
    if (existing) return { payout: existing, created: false };
    const accounts = await paidAccounts(tx, await ownerHostIds(tx, req.ownerId), clock);
    const withdrawable = accounts.reduce((a, x) => a + x.withdrawable, 0n);
    const amount = req.amount ?? withdrawable;
    if (req.amount === undefined && withdrawable === 0n) throw new CocoonError('payout.insufficient', 'nothing is withdrawable yet');
    if (amount < rules.min) throw new CocoonError('payout.below_minimum', `the smallest withdrawal is ${rules.min}`);
    if (amount > withdrawable) throw new CocoonError('payout.insufficient', `withdrawable ${withdrawable} < requested ${amount}`);
    const q = quote(amount, rules);
    const [payout] = await tx
      .insert(payouts)
      .values({ id, ownerId: req.ownerId, address: owner.payoutAddress, amount, valueNano: q.valueNano, feeNano: q.feeNano, queryId: newQueryId(), status: PayoutStatuses.recorded })
      .returning();
    let left = amount;
    for (const a of accounts) {
      const take = a.withdrawable < left ? a.withdrawable : left;
      if (take <= 0n) continue;
      await transferIn(tx, { debit: Accounts.hostEarnings(a.hostId), credit: Accounts.tonPayouts, amount: take, kind: TransferKinds.tonPayout, idempotencyKey: `payout:${id}:${a.hostId}` });
      left -= take;
    }
    if (left !== 0n) throw new CocoonError('ledger.invariant_violated', 'payout allocation does not add up');
    return { payout: payout!, created: true };
  });
}

/** Marks a sent or recorded payout confirmed; false when it was already settled. */
export async function confirmPayoutIn(tx: Tx, payoutId: string, txHash: string, at: Date): Promise<PayoutRow | null> {
  const [row] = await tx
    .update(payouts)
    .set({ status: PayoutStatuses.confirmed, txHash, settledAt: at, failure: null })
    .where(and(eq(payouts.id, payoutId), inArray(payouts.status, [PayoutStatuses.recorded, PayoutStatuses.sent])))
    .returning();
  return row ?? null;
}

/**
 * Returns a payout that bounced or can never apply: the amount is withdrawable again. Exactly once:
 * the status changes once, and the reversing transfers have keys derived from the originals.
 * A confirmed payout can still be returned when its bounce arrives after the transfer was seen.
 */
export async function returnPayoutIn(tx: Tx, payoutId: string, failure: string, at: Date, from: PayoutStatus[] = [PayoutStatuses.recorded, PayoutStatuses.sent, PayoutStatuses.confirmed]): Promise<PayoutRow | null> {
  const [row] = await tx
    .update(payouts)
    .set({ status: PayoutStatuses.returned, failure, settledAt: at })
    .where(and(eq(payouts.id, payoutId), inArray(payouts.status, from)))
    .returning();
  if (!row) return null;
  const taken = await tx
    .select()
    .from(transfers)
    .where(and(eq(transfers.kind, TransferKinds.tonPayout), like(transfers.idempotencyKey, `payout:${payoutId}:%`)));
  for (const t of taken) {
    const hostId = t.debitAccount.slice('host:'.length);
    await transferIn(tx, { debit: Accounts.tonPayouts, credit: Accounts.hostEarnings(hostId), amount: t.amount, kind: TransferKinds.tonPayoutReturn, idempotencyKey: `${t.idempotencyKey}:return` });
  }
  return row;
}

/** Payouts not settled yet, oldest first: what the sender and the confirmer work on. */
export function unsettledPayouts(exec: Executor): Promise<PayoutRow[]> {
  return exec
    .select()
    .from(payouts)
    .where(inArray(payouts.status, [PayoutStatuses.recorded, PayoutStatuses.sent]))
    .orderBy(asc(payouts.createdAt), asc(payouts.id));
}

export function ownerPayouts(exec: Executor, ownerId: string, limit = 100): Promise<PayoutRow[]> {
  return exec.select().from(payouts).where(eq(payouts.ownerId, ownerId)).orderBy(desc(payouts.createdAt), desc(payouts.id)).limit(limit);
}

export function payoutToWire(p: PayoutRow): z.input<typeof PayoutSchema> {
  return {
    id: p.id,
    amount: String(p.amount),
    valueNano: String(p.valueNano),
    feeNano: String(p.feeNano),
    address: p.address,
    status: p.status,
    txHash: p.txHash,
    failure: p.failure,
    createdAt: p.createdAt.toISOString(),
    settledAt: p.settledAt?.toISOString() ?? null,
  };
}
