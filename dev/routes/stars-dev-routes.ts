import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import { DevStarsPayRequestSchema, type DevStarsPayResponseSchema } from '@cocoon/shared/protocol/payments';
import { bearerToken } from '@cocoon/server/auth/routes';
import type { Services } from '@cocoon/server/services';
import type { BotApiStandin } from '../telegram/bot-api-standin';

/**
 * DEV_MODE only: POST /api/dev/stars/pay {invoiceLink} pays a stand-in invoice as the session's
 * user, the way Telegram would after `openInvoice`: pre_checkout_query to our webhook, our answer,
 * then successful_payment. Answers once the webhook has credited the purchase.
 */
export function registerDevStarsRoutes(app: FastifyInstance, services: () => Services, botApi: () => BotApiStandin | undefined): void {
  app.post('/api/dev/stars/pay', async (req) => {
    const s = services();
    const user = await s.sessions.authenticate(bearerToken(req));
    const { invoiceLink } = DevStarsPayRequestSchema.parse(req.body);
    const standin = botApi();
    if (!standin) throw new CocoonError('payments.stars_unavailable', 'no embedded Bot API stand-in (TELEGRAM_API_URL is set)');
    const invoiceId = standin.invoiceIdOf(invoiceLink);
    if (!invoiceId) throw new CocoonError('payments.not_found', 'not an invoice link of the Bot API stand-in');
    const result = await standin.pay(invoiceId, { userTelegramId: Number(user.telegramId), firstName: user.firstName });
    if (!result.ok) throw new CocoonError('payments.invoice_not_payable', result.error_message);
    const { balance } = await s.ledger.userFunds(user.id);
    return { telegramPaymentChargeId: result.telegram_payment_charge_id, balance: String(balance) } satisfies z.input<typeof DevStarsPayResponseSchema>;
  });
}
