import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { payments, PaymentProviders, starsInvoices, users } from '../db/schema';
import { Accounts } from '../ledger/accounts';
import type { Ledger } from '../ledger/ledger';
import { TransferKinds } from '../ledger/transfers';
import { STARS_CURRENCY, type PreCheckoutQuery, type SuccessfulPayment } from '../telegram/types';

/** An invoice is payable for a day; the app makes a fresh one for every purchase. */
export const INVOICE_TTL_MS = 24 * 3600_000;

export type Verdict = { ok: true } | { ok: false; error_message: string };

/**
 * Telegram's question before it takes the Stars: is this invoice ours, still open, for this
 * price and this user? The error message is shown to the user by Telegram.
 */
export async function preCheckoutVerdict(db: Db, q: PreCheckoutQuery, now = new Date()): Promise<Verdict> {
  const [row] = await db
    .select({ invoice: starsInvoices, telegramId: users.telegramId })
    .from(starsInvoices)
    .innerJoin(users, eq(users.id, starsInvoices.userId))
    .where(eq(starsInvoices.payload, q.invoice_payload));
  if (!row) return { ok: false, error_message: 'This invoice is unknown. Please start the purchase again in the app.' };
  const { invoice } = row;
  if (invoice.status !== 'open') return { ok: false, error_message: 'This invoice has already been paid.' };
  if (now.getTime() - invoice.createdAt.getTime() > INVOICE_TTL_MS) return { ok: false, error_message: 'This invoice has expired. Please start the purchase again.' };
  if (q.currency !== STARS_CURRENCY || q.total_amount !== invoice.stars) return { ok: false, error_message: 'The price does not match this invoice.' };
  if (row.telegramId !== BigInt(q.from.id)) return { ok: false, error_message: 'This invoice was created for another Telegram account.' };
  return { ok: true };
}

export type CreditOutcome =
  | { status: 'credited'; userId: string; credits: bigint; paymentId: string }
  | { status: 'duplicate' }
  | { status: 'unknown_invoice' }
  | { status: 'mismatch' };

/**
 * Credits a Stars payment exactly once per `telegram_payment_charge_id`: in one transaction the
 * payments row (unique per provider and charge id), the ledger transfer external:stars -> user
 * (idempotency key `stars:<charge id>`) and the invoice marked paid. A replay changes nothing.
 */
export async function creditStarsPayment(db: Db, ledger: Ledger, sp: SuccessfulPayment): Promise<CreditOutcome> {
  const chargeId = sp.telegram_payment_charge_id;
  return db.transaction(async (tx): Promise<CreditOutcome> => {
    const [invoice] = await tx.select().from(starsInvoices).where(eq(starsInvoices.payload, sp.invoice_payload)).for('update');
    if (!invoice) return { status: 'unknown_invoice' };
    if (sp.currency !== STARS_CURRENCY || sp.total_amount !== invoice.stars) return { status: 'mismatch' };
    const [payment] = await tx
      .insert(payments)
      .values({ userId: invoice.userId, provider: PaymentProviders.stars, externalId: chargeId, paidAmount: BigInt(sp.total_amount), credits: invoice.credits, packId: invoice.packId })
      .onConflictDoNothing()
      .returning({ id: payments.id });
    if (!payment) return { status: 'duplicate' };
    await ledger.transfer(
      { debit: Accounts.stars, credit: Accounts.user(invoice.userId), amount: invoice.credits, kind: TransferKinds.starsTopUp, idempotencyKey: `stars:${chargeId}` },
      tx,
    );
    await tx.update(starsInvoices).set({ status: 'paid' }).where(eq(starsInvoices.payload, invoice.payload));
    return { status: 'credited', userId: invoice.userId, credits: invoice.credits, paymentId: payment.id };
  });
}
