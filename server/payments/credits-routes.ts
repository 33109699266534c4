import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CreditsResponseSchema, HistoryResponseSchema, StarsInvoiceRequestSchema, StarsInvoiceResponseSchema } from '@cocoon/shared/protocol/payments';
import { bearerToken } from '../auth/routes';
import type { Services } from '../services';
import type { TonDepositInfo } from '../ton/deposit-info';
import { creditsHistory } from './history';
import { packToWire } from './packs';
import { createStarsInvoice } from './stars-invoices';

/**
 * The TON side of /api/credits, behind one seam: the TON module owns deposit comments and the
 * service wallet (server/ton/deposit-info.ts's `tonDepositInfo`, wired in app.ts).
 */
export type TonDepositInfoSource = (s: Services, userId: string) => Promise<TonDepositInfo>;

const HistoryQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

export function registerCreditsRoutes(app: FastifyInstance, services: () => Services, tonInfo: TonDepositInfoSource): void {
  app.get('/api/credits', async (req) => {
    const s = services();
    const user = await s.sessions.authenticate(bearerToken(req));
    const funds = await s.ledger.userFunds(user.id);
    const ton = await tonInfo(s, user.id);
    return {
      balance: String(funds.balance),
      held: String(funds.held),
      packs: s.config.CREDIT_PACKS.map(packToWire),
      ton: { ...ton, microCreditsPerTon: String(ton.microCreditsPerTon) },
      testPayments: s.stars.testPayments,
    } satisfies z.input<typeof CreditsResponseSchema>;
  });

  app.get('/api/credits/history', async (req) => {
    const s = services();
    const user = await s.sessions.authenticate(bearerToken(req));
    const { limit } = HistoryQuerySchema.parse(req.query);
    return { items: await creditsHistory(s.database.db, user.id, limit) } satisfies z.input<typeof HistoryResponseSchema>;
  });

  app.post('/api/payments/stars/invoice', async (req) => {
    const s = services();
    const user = await s.sessions.authenticate(bearerToken(req));
    s.limits.user('stars-invoice', user.id); // each one calls the Bot API
    const { packId } = StarsInvoiceRequestSchema.parse(req.body);
    return (await createStarsInvoice(s, user.id, packId)) satisfies z.input<typeof StarsInvoiceResponseSchema>;
  });
}
