import { Address } from '@ton/core';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import { BigIntString } from '@cocoon/shared/protocol/encoding';
import {
  OwnerSettingsRequestSchema,
  PayoutRequestSchema,
  PayoutWalletRequestSchema,
  type EarningsResponseSchema,
  type OwnerResponseSchema,
  type PayoutQuoteSchema,
  type PayoutsResponseSchema,
} from '@cocoon/shared/protocol/owner';
import { bearerToken } from '../auth/routes';
import { owners } from '../db/schema';
import type { Services } from '../services';
import { requireTon } from '../ton/routes';
import { friendlyAddress, type TonNetwork } from '../ton/ton-settings';
import { verifyConnect } from '../ton/verify-connect';
import { earningsTotals, ownerHostIds, paidAccounts, dailyEarnings, type EarningsClock } from './earnings';
import { ownerPayouts, payoutToWire, quote, recordPayout } from './outbox';
import { explorerTxUrl, payoutRules } from './payout-service';

type OwnerResponse = z.input<typeof OwnerResponseSchema>;

const EarningsQuerySchema = z.object({ days: z.enum(['7', '30']).default('7').transform(Number) });
const QuoteQuerySchema = z.object({ amount: BigIntString.optional() });

const clockOf = (s: Services): EarningsClock => ({ settlementDelayS: s.config.SETTLEMENT_DELAY_S, now: new Date() });
const networkOf = (s: Services): TonNetwork => s.ton?.network ?? s.config.TON_NETWORK ?? 'mainnet';

/** The payout side of TON, or `ton.unavailable` when this broker cannot pay out (no TON, or no payout wallet key). */
function requirePayouts(s: Services) {
  const ton = requireTon(s);
  if (!ton.payouts) throw new CocoonError('ton.unavailable', 'payouts are not configured on this broker');
  return ton.payouts;
}

async function ownerResponse(s: Services, userId: string): Promise<OwnerResponse> {
  const db = s.database.db;
  const [owner] = await db.select().from(owners).where(eq(owners.userId, userId));
  const totals = await earningsTotals(db, userId, clockOf(s));
  const rules = payoutRules(s.config);
  const network = networkOf(s);
  return {
    owner: owner
      ? {
          payoutAddress: owner.payoutAddress,
          payoutFriendly: friendlyAddress(Address.parse(owner.payoutAddress), network, false),
          payoutProvedAt: owner.payoutProvedAt.toISOString(),
          notifications: owner.notifications,
        }
      : null,
    totals: {
      pending: String(totals.pending),
      withdrawable: String(totals.withdrawable),
      promotional: String(totals.promotional),
      inFlight: String(totals.inFlight),
      paidOut: String(totals.paidOut),
      networkFees: String(totals.networkFees),
    },
    payoutRules: {
      settlementDelayS: s.config.SETTLEMENT_DELAY_S,
      minWithdraw: String(rules.min),
      microCreditsPerTon: String(rules.microCreditsPerTon),
      feeNano: String(rules.feeNano),
      network,
      explorerTxUrl: explorerTxUrl(network),
    },
    networkFeeBps: s.config.NETWORK_COMMISSION_BPS,
  };
}

/**
 * The owner's money (issue 11, shared/protocol/owner.ts): profile and totals, the payout wallet
 * (a fresh ton_proof), notification settings, daily earnings, and TON withdrawals.
 */
export function registerPayoutRoutes(app: FastifyInstance, services: () => Services): void {
  const auth = async (req: FastifyRequest) => {
    const s = services();
    return { s, user: await s.sessions.authenticate(bearerToken(req)) };
  };

  app.get('/api/owner', async (req) => {
    const { s, user } = await auth(req);
    return ownerResponse(s, user.id);
  });

  /** Verified exactly as POST /api/ton/connect; the payload is consumed with the change, in one transaction. */
  app.post('/api/owner/payout-wallet', async (req) => {
    const { s, user } = await auth(req);
    const ton = requireTon(s);
    s.limits.user('ton-connect', user.id); // the check calls the chain
    const body = PayoutWalletRequestSchema.parse(req.body);
    const now = new Date();
    await ton.payloads.check(user.id, body.proof.payload, now);
    const wallet = await verifyConnect(body, { chain: ton.chain, policy: ton.proofPolicy, now });
    const payoutAddress = wallet.address.toRawString();
    await s.database.db.transaction(async (tx) => {
      await ton.payloads.consume(tx, user.id, body.proof.payload, now);
      await tx
        .insert(owners)
        .values({ userId: user.id, payoutAddress, payoutProvedAt: now })
        .onConflictDoUpdate({ target: owners.userId, set: { payoutAddress, payoutProvedAt: now } });
    });
    req.log.info({ userId: user.id, wallet: payoutAddress }, 'payout wallet proved');
    return ownerResponse(s, user.id);
  });

  app.patch('/api/owner/settings', async (req) => {
    const { s, user } = await auth(req);
    const body = OwnerSettingsRequestSchema.parse(req.body);
    const updated = await s.database.db.update(owners).set({ notifications: body.notifications }).where(eq(owners.userId, user.id)).returning({ userId: owners.userId });
    if (updated.length === 0) throw new CocoonError('owner.no_payout_wallet', 'connect a payout wallet first');
    return ownerResponse(s, user.id);
  });

  app.get('/api/owner/earnings', async (req) => {
    const { s, user } = await auth(req);
    const { days } = EarningsQuerySchema.parse(req.query);
    const series = await dailyEarnings(s.database.db, user.id, days, new Date());
    const wire = series.map((d) => ({ day: d.day, total: String(d.total), promotional: String(d.promotional), byMachine: Object.fromEntries(Object.entries(d.byMachine).map(([h, v]) => [h, String(v)])) }));
    return { days: wire } satisfies z.input<typeof EarningsResponseSchema>;
  });

  /** What a withdrawal would send, before the owner confirms; `amount` omitted: everything withdrawable. */
  app.get('/api/owner/payouts/quote', async (req) => {
    const { s, user } = await auth(req);
    const { amount } = QuoteQuerySchema.parse(req.query);
    const rules = payoutRules(s.config);
    const asked = amount ?? (await paidAccounts(s.database.db, await ownerHostIds(s.database.db, user.id), clockOf(s))).reduce((a, x) => a + x.withdrawable, 0n);
    if (asked < rules.min) throw new CocoonError('payout.below_minimum', `the smallest withdrawal is ${rules.min}`);
    const q = quote(asked, rules);
    return { amount: String(q.amount), valueNano: String(q.valueNano), feeNano: String(q.feeNano) } satisfies z.input<typeof PayoutQuoteSchema>;
  });

  /** Records the withdrawal (the outbox) and wakes the sender; a repeated idempotencyKey answers the same payout. */
  app.post('/api/owner/payouts', async (req) => {
    const { s, user } = await auth(req);
    const payouts = requirePayouts(s);
    s.limits.user('owner-payout', user.id);
    const body = PayoutRequestSchema.parse(req.body);
    const { payout, created } = await recordPayout(s.database.db, { ownerId: user.id, amount: body.amount, idempotencyKey: body.idempotencyKey }, payoutRules(s.config), clockOf(s));
    if (created) {
      req.log.info({ userId: user.id, payoutId: payout.id, amount: String(payout.amount) }, 'payout recorded');
      payouts.sender.poke();
    }
    return { payouts: [payoutToWire(payout)] } satisfies z.input<typeof PayoutsResponseSchema>;
  });

  app.get('/api/owner/payouts', async (req) => {
    const { s, user } = await auth(req);
    return { payouts: (await ownerPayouts(s.database.db, user.id)).map(payoutToWire) } satisfies z.input<typeof PayoutsResponseSchema>;
  });
}
