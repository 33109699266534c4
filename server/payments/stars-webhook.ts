import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { CocoonError } from '@cocoon/shared/errors';
import type { Services } from '../services';
import { BotApiError } from '../telegram/bot-api';
import { UpdateSchema, type PreCheckoutQuery, type SuccessfulPayment } from '../telegram/types';
import { WEBHOOK_PATH } from './stars-gateway';
import { creditStarsPayment, preCheckoutVerdict, type Verdict } from './stars-checkout';

/**
 * POST /api/telegram/webhook: Telegram's updates for the bot. Only requests carrying the secret
 * token set with setWebhook are read (401 otherwise). Every update we read is answered 200 —
 * also duplicates and updates we do not act on — because Telegram retries anything else; a
 * failure of our own (the database) answers 500 so that Telegram does retry.
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
    const update = parsed.data;
    if (update.pre_checkout_query) await answerPreCheckout(s, update.pre_checkout_query, req.log);
    else if (update.message?.successful_payment) await onSuccessfulPayment(s, update.message.successful_payment, req.log);
    return { ok: true };
  });
}

/** Telegram waits 10 s for the answer; the verdict is one indexed read. */
async function answerPreCheckout(s: Services, q: PreCheckoutQuery, log: FastifyBaseLogger): Promise<void> {
  let verdict: Verdict;
  try {
    verdict = await preCheckoutVerdict(s.database.db, q);
  } catch (err) {
    log.error({ err }, 'pre-checkout check failed');
    verdict = { ok: false, error_message: 'Payments are temporarily unavailable. Please try again.' };
  }
  if (!verdict.ok) log.info({ reason: verdict.error_message }, 'pre-checkout declined');
  try {
    await s.stars.api.answerPreCheckoutQuery({ pre_checkout_query_id: q.id, ...verdict });
  } catch (err) {
    // Telegram refused the answer (a stale query): a redelivery would be refused too. A network
    // failure is rethrown: the 500 makes Telegram redeliver while the query may still be answered.
    if (!(err instanceof BotApiError)) throw err;
    log.warn({ err }, 'answerPreCheckoutQuery refused');
  }
}

async function onSuccessfulPayment(s: Services, sp: SuccessfulPayment, log: FastifyBaseLogger): Promise<void> {
  const outcome = await creditStarsPayment(s.database.db, s.ledger, sp);
  const charge = sp.telegram_payment_charge_id;
  if (outcome.status === 'credited') log.info({ userId: outcome.userId, credits: String(outcome.credits) }, 'stars payment credited');
  else if (outcome.status === 'duplicate') log.info('stars payment already credited; replay ignored');
  // Stars were taken but cannot be matched to what we sold: an operator must look (and refund).
  else log.error({ charge, outcome: outcome.status, stars: sp.total_amount }, 'stars payment not credited');
}
