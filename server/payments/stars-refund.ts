import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { CocoonError, isCocoonError } from '@cocoon/shared/errors';
import type { Db } from '../db/client';
import { payments, PaymentProviders, PaymentStatuses, users } from '../db/schema';
import { Accounts } from '../ledger/accounts';
import { releaseIn } from '../ledger/holds';
import type { Ledger } from '../ledger/ledger';
import { transferIn, TransferKinds } from '../ledger/transfers';
import { BotApiError, type BotApi } from '../telegram/bot-api';

/** Long enough for a Bot API call; a crash leaves the hold to the sweeper. */
const REFUND_HOLD_MS = 5 * 60_000;

export interface RefundDeps {
  db: Db;
  ledger: Ledger;
  api: BotApi;
}

export type RefundOutcome = { status: 'refunded' | 'already_refunded'; userId: string; credits: bigint };

/**
 * Refunds a Stars payment (an operator's action): Telegram returns the Stars, and the credits go
 * back user -> external:stars (key `stars-refund:<charge id>`). The credits are first reserved
 * with a ledger hold, so the user cannot spend them while Telegram is asked; a user who already
 * spent them is refused and nothing happens, so no balance goes negative. Safe to retry: a charge
 * Telegram already refunded is reversed once.
 * @throws CocoonError('payments.not_found' | 'payments.refund_exceeds_balance' | 'telegram.*')
 */
export async function refundStarsPayment(deps: RefundDeps, chargeId: string): Promise<RefundOutcome> {
  const [row] = await deps.db
    .select({ payment: payments, telegramId: users.telegramId })
    .from(payments)
    .innerJoin(users, eq(users.id, payments.userId))
    .where(and(eq(payments.provider, PaymentProviders.stars), eq(payments.externalId, chargeId)));
  if (!row) throw new CocoonError('payments.not_found', 'no Stars payment with this charge id');
  const { payment } = row;
  if (payment.status === PaymentStatuses.refunded) return { status: 'already_refunded', userId: payment.userId, credits: payment.credits };

  const holdId = randomUUID();
  try {
    await deps.ledger.placeHold({ jobId: holdId, userId: payment.userId, amount: payment.credits, expiresAt: new Date(Date.now() + REFUND_HOLD_MS) });
  } catch (e) {
    if (isCocoonError(e, 'ledger.insufficient_credits')) {
      throw new CocoonError('payments.refund_exceeds_balance', 'the credits of this payment have been spent', { cause: e });
    }
    throw e;
  }

  try {
    await deps.api.refundStarPayment({ user_id: Number(row.telegramId), telegram_payment_charge_id: chargeId });
  } catch (e) {
    // Refunded on an earlier attempt that failed before reversing the credit: reverse it now.
    const refundedBefore = e instanceof BotApiError && e.description.includes('CHARGE_ALREADY_REFUNDED');
    if (!refundedBefore) {
      await deps.ledger.release(holdId);
      throw e;
    }
  }

  await deps.db.transaction(async (tx) => {
    await releaseIn(tx, holdId);
    await transferIn(tx, {
      debit: Accounts.user(payment.userId), credit: Accounts.stars, amount: payment.credits, kind: TransferKinds.starsRefund, idempotencyKey: `stars-refund:${chargeId}`,
    });
    await tx
      .update(payments)
      .set({ status: PaymentStatuses.refunded, refundedAt: new Date() })
      .where(and(eq(payments.id, payment.id), eq(payments.status, PaymentStatuses.credited)));
  });
  return { status: 'refunded', userId: payment.userId, credits: payment.credits };
}
