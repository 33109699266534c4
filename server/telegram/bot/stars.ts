import { Composer, GrammyError, type Context } from 'grammy';
import type { PreCheckoutQuery, RefundedPayment, SuccessfulPayment } from '../types';
import { loggableError, type BotLog } from './log-safe';

/** The answer to a pre-checkout query: take the Stars, or decline with a reason the user sees. */
export type PreCheckoutVerdict = { ok: true } | { ok: false; error_message: string };

/** The payment logic the bot calls for the Stars updates (server/payments/stars-webhook.ts). */
export interface StarsUpdates {
  /** Whether to take the Stars; Telegram waits 10 s for the answer the bot then gives. */
  verdict(q: PreCheckoutQuery): Promise<PreCheckoutVerdict>;
  successfulPayment(sp: SuccessfulPayment): Promise<void>;
  refundedPayment(rp: RefundedPayment): Promise<void>;
}

/**
 * The Stars updates. Unlike the chat's handlers these let failures through: a database or network
 * failure makes the webhook answer 500, so Telegram redelivers the update.
 */
export function starsHandlers(stars: StarsUpdates, log: BotLog): Composer<Context> {
  const c = new Composer<Context>();
  c.on('pre_checkout_query', async (ctx) => {
    const verdict = await stars.verdict(ctx.preCheckoutQuery);
    try {
      await ctx.answerPreCheckoutQuery(verdict.ok, verdict.ok ? undefined : { error_message: verdict.error_message });
    } catch (err) {
      // Telegram refused the answer (a stale query): a redelivery would be refused too. A network
      // failure is rethrown: the 500 makes Telegram redeliver while the query may still be answered.
      if (!(err instanceof GrammyError)) throw err;
      log.warn({ err: loggableError(err) }, 'answerPreCheckoutQuery refused');
    }
  });
  c.on('message:successful_payment', (ctx) => stars.successfulPayment(ctx.message.successful_payment));
  c.on('message:refunded_payment', (ctx) => stars.refundedPayment(ctx.message.refunded_payment));
  return c;
}
