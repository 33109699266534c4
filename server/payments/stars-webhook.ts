import type { FastifyInstance } from 'fastify';
import { CocoonError, isCocoonError } from '@cocoon/shared/errors';
import type { Db } from '../db/client';
import type { Ledger } from '../ledger/ledger';
import type { Services } from '../services';
import type { BotApi } from '../telegram/bot-api';
import type { BotLog } from '../telegram/bot/log-safe';
import type { StarsUpdates } from '../telegram/bot/stars';
import { UpdateSchema, type PreCheckoutQuery, type RefundedPayment, type SuccessfulPayment } from '../telegram/types';
import { WEBHOOK_PATH } from './stars-gateway';
import { creditStarsPayment, preCheckoutVerdict, type Verdict } from './stars-checkout';
import { refundStarsPayment } from './stars-refund';

/**
 * POST /api/telegram/webhook: Telegram's updates for the bot. Only requests carrying the secret
 * token set with setWebhook are read (401 otherwise). Every update we read is answered 200 —
 * also duplicates and updates we do not act on — because Telegram retries anything else; a
 * failure of our own (the database) answers 500 so that Telegram does retry. What an update
 * does is the bot's (server/telegram/bot/): its handlers call the payment logic below.
 */
export function registerStarsWebhook(app: FastifyInstance, services: () => Services): void {
  app.post(WEBHOOK_PATH, async (req) => {
    const s = services();
    if (!s.stars.secretMatches(req.headers['x-telegram-bot-api-secret-token'])) {
      throw new CocoonError('telegram.webhook_unauthorized', 'missing or wrong secret token');
    }
    const parsed = UpdateSchema.safeParse(req.body);
    if (!parsed.success) {
      req.log.warn({ fields: parsed.error.issues.map((i) => i.path.join('.')) }, 'telegram update not understood; ignored');
      return { ok: true };
    }
    await s.bot.handleUpdate(parsed.data);
    return { ok: true };
  });
}

export interface StarsPaymentDeps {
  db: Db;
  ledger: Ledger;
  /** For refunds (refundStarsPayment). */
  api: BotApi;
}

/** The payment logic the bot's Stars handlers call (server/telegram/bot/stars.ts). */
export function starsUpdates(deps: StarsPaymentDeps, log: BotLog): StarsUpdates {
  return {
    verdict: (q) => verdictOn(deps.db, q, log),
    successfulPayment: (sp) => onSuccessfulPayment(deps, sp, log),
    refundedPayment: (rp) => onRefundedPayment(deps, rp, log),
  };
}

/** Telegram waits 10 s for the answer; the verdict is one indexed read. */
async function verdictOn(db: Db, q: PreCheckoutQuery, log: BotLog): Promise<Verdict> {
  let verdict: Verdict;
  try {
    verdict = await preCheckoutVerdict(db, q);
  } catch (err) {
    log.error({ err }, 'pre-checkout check failed');
    verdict = { ok: false, error_message: 'Payments are temporarily unavailable. Please try again.' };
  }
  if (!verdict.ok) log.info({ reason: verdict.error_message }, 'pre-checkout declined');
  return verdict;
}

async function onSuccessfulPayment(deps: StarsPaymentDeps, sp: SuccessfulPayment, log: BotLog): Promise<void> {
  const outcome = await creditStarsPayment(deps.db, deps.ledger, sp);
  const charge = sp.telegram_payment_charge_id;
  if (outcome.status === 'credited') log.info({ userId: outcome.userId, credits: String(outcome.credits) }, 'stars payment credited');
  else if (outcome.status === 'duplicate') log.info('stars payment already credited; replay ignored');
  // Stars were taken but cannot be matched to what we sold: an operator must look (and refund).
  else log.error({ charge, outcome: outcome.status, stars: sp.total_amount }, 'stars payment not credited');
}

/**
 * Telegram says a charge's Stars went back to the user: after our own refund (already reversed,
 * nothing to do) or one made elsewhere. The credits are then reversed through the operator's
 * refund path, which Telegram answers CHARGE_ALREADY_REFUNDED and which reverses each charge once.
 */
async function onRefundedPayment(deps: StarsPaymentDeps, rp: RefundedPayment, log: BotLog): Promise<void> {
  const charge = rp.telegram_payment_charge_id;
  try {
    const outcome = await refundStarsPayment(deps, charge);
    log.info({ userId: outcome.userId, credits: String(outcome.credits), outcome: outcome.status }, 'stars refund recorded');
  } catch (err) {
    // Not one of our payments, or its credits are spent: nothing to reverse automatically.
    if (!isCocoonError(err, 'payments.not_found') && !isCocoonError(err, 'payments.refund_exceeds_balance')) throw err;
    log.error({ charge, code: err.code, stars: rp.total_amount }, 'stars refunded but credits not reversed; an operator must look');
  }
}
