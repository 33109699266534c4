import { randomBytes } from 'node:crypto';
import type { PreCheckoutQuery, SuccessfulPayment, Update } from '@cocoon/server/telegram/types';

/**
 * Telegram's side of a Stars purchase, as the Bot API stand-in plays it against the bot's
 * webhook: a `pre_checkout_query` update, the bot's answerPreCheckoutQuery (within 10 s), then a
 * `message` update carrying `successful_payment` with a fresh `telegram_payment_charge_id`.
 */

export interface StandinInvoice {
  id: string;
  title: string;
  description: string;
  payload: string;
  currency: string;
  amount: number;
}

export interface StandinCharge {
  chargeId: string;
  userId: number;
  amount: number;
  payload: string;
  refunded: boolean;
}

export interface Delivery {
  update: Update;
  status: number;
}

export interface Payer {
  userTelegramId: number;
  firstName?: string;
}

export type CheckoutResult =
  | { ok: true; telegram_payment_charge_id: string }
  | { ok: false; stage: 'pre_checkout' | 'webhook'; error_message: string };

/** What the stand-in keeps in memory, and how it reaches the webhook. */
export interface CheckoutContext {
  charges: Map<string, StandinCharge>;
  pendingAnswers: Map<string, (answer: { ok: boolean; error_message?: string | undefined }) => void>;
  preCheckoutTimeoutMs: number;
  nextUpdateId(): number;
  deliver(update: Update): Promise<Delivery>;
}

const user = (p: Payer) => ({ id: p.userTelegramId, is_bot: false, first_name: p.firstName ?? 'Test user', language_code: 'en' });

export async function runCheckout(ctx: CheckoutContext, invoice: StandinInvoice, payer: Payer): Promise<CheckoutResult> {
  const query: PreCheckoutQuery = {
    id: randomBytes(8).readBigUInt64BE().toString(),
    from: user(payer),
    currency: invoice.currency,
    total_amount: invoice.amount,
    invoice_payload: invoice.payload,
  };
  const answer = waitForAnswer(ctx, query.id);
  const sent = await ctx.deliver({ update_id: ctx.nextUpdateId(), pre_checkout_query: query });
  if (sent.status < 200 || sent.status >= 300) {
    ctx.pendingAnswers.delete(query.id);
    return { ok: false, stage: 'webhook', error_message: `webhook answered HTTP ${sent.status}` };
  }
  const verdict = await answer;
  if (!verdict.ok) return { ok: false, stage: 'pre_checkout', error_message: verdict.error_message ?? 'declined' };

  const payment: SuccessfulPayment = {
    currency: invoice.currency,
    total_amount: invoice.amount,
    invoice_payload: invoice.payload,
    telegram_payment_charge_id: `stxst${randomBytes(24).toString('base64url')}`,
    provider_payment_charge_id: '',
  };
  ctx.charges.set(payment.telegram_payment_charge_id, {
    chargeId: payment.telegram_payment_charge_id, userId: payer.userTelegramId, amount: invoice.amount, payload: invoice.payload, refunded: false,
  });
  const date = Math.floor(Date.now() / 1000);
  const message = { message_id: ctx.nextUpdateId(), from: user(payer), chat: { id: payer.userTelegramId, type: 'private' }, date, successful_payment: payment };
  const paid = await ctx.deliver({ update_id: ctx.nextUpdateId(), message });
  // Telegram took the Stars either way; a webhook failure only means the bot was not told.
  if (paid.status < 200 || paid.status >= 300) {
    return { ok: false, stage: 'webhook', error_message: `successful_payment: webhook answered HTTP ${paid.status}` };
  }
  return { ok: true, telegram_payment_charge_id: payment.telegram_payment_charge_id };
}

/** Resolves with the bot's answer, or with a decline when it does not come in time (as Telegram does). */
function waitForAnswer(ctx: CheckoutContext, queryId: string): Promise<{ ok: boolean; error_message?: string | undefined }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      ctx.pendingAnswers.delete(queryId);
      resolve({ ok: false, error_message: `no answerPreCheckoutQuery within ${ctx.preCheckoutTimeoutMs} ms` });
    }, ctx.preCheckoutTimeoutMs);
    ctx.pendingAnswers.set(queryId, (a) => {
      clearTimeout(timer);
      ctx.pendingAnswers.delete(queryId);
      resolve(a);
    });
  });
}
