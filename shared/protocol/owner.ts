import { z } from 'zod';
import { PriceSchema } from '../pricing';
import { HostIdSchema, ModelNameSchema } from './attestation-bundle';
import { BigIntString } from './encoding';
import { TonConnectRequestSchema } from './payments';
import { GpuInfoSchema } from './ws-messages';

/**
 * The GPU owners' API (issue 11), used by the Mini App's owner screens with the Telegram session
 * (`Authorization: Bearer <session>`). Amounts are decimal strings: micro-credits for earnings,
 * nanoTON for what goes on chain. Times are ISO 8601 strings. Errors are the usual
 * `{ error: { code, message } }` with stable codes (`owner.*`, `payout.*`, `host.*`).
 */

/** An enrollment token is valid this long after it is made. */
export const ENROLL_TOKEN_TTL_S = 30 * 60;

/**
 * GET /api/owner -> the owner's profile and totals; `owner: null` until a payout wallet is proven.
 * Balances are per owner, over all their machines (removed ones included).
 */
export const EarningsTotalsSchema = z.object({
  /** Earned from paid credits, younger than the settlement delay: not withdrawable yet. */
  pending: BigIntString,
  /** Earned from paid credits, past the settlement delay, not paid out or being paid out. */
  withdrawable: BigIntString,
  /** Earned from promotional starter credits: shown, never withdrawable as TON. */
  promotional: BigIntString,
  /** In payouts that are recorded or sent but not confirmed yet. */
  inFlight: BigIntString,
  /** Confirmed payouts, all time. */
  paidOut: BigIntString,
  /** The network's fee on the jobs these earnings came from (already deducted), all time. */
  networkFees: BigIntString,
});
export type EarningsTotals = z.infer<typeof EarningsTotalsSchema>;

export const OwnerResponseSchema = z.object({
  owner: z
    .object({
      /** The proven payout wallet: raw `wc:hex` and user-friendly (non-bounceable for the network). */
      payoutAddress: z.string(),
      payoutFriendly: z.string(),
      payoutProvedAt: z.string(),
      notifications: z.boolean(),
    })
    .nullable(),
  totals: EarningsTotalsSchema,
  payoutRules: z.object({
    /** Earnings become withdrawable this long after the job settled (a disputed job can still be refunded). */
    settlementDelayS: z.number().int().nonnegative(),
    /** The smallest withdrawal, micro-credits. */
    minWithdraw: BigIntString,
    microCreditsPerTon: BigIntString,
    /** The chain fee taken from each payout, nanoTON (estimated; what the chain charged is in the history). */
    feeNano: BigIntString,
    network: z.enum(['mainnet', 'testnet', 'sandbox']),
    /** The explorer page of a transaction: `{hash}` replaced by its hex hash; null on the local sandbox. */
    explorerTxUrl: z.string().nullable(),
  }),
  /** The network's commission in basis points, shown beside the earnings. */
  networkFeeBps: z.number().int().nonnegative(),
});
export type OwnerResponse = z.infer<typeof OwnerResponseSchema>;

/** POST /api/owner/payout-wallet : a fresh `ton_proof` (payload from GET /api/ton/proof-payload) makes or changes the payout address. */
export const PayoutWalletRequestSchema = TonConnectRequestSchema;

/** PATCH /api/owner/settings */
export const OwnerSettingsRequestSchema = z.object({ notifications: z.boolean() });

/** POST /api/owner/enrollments -> a one-time token (shown once) and the command that uses it. Needs a payout wallet first (409 owner.no_payout_wallet). */
export const EnrollmentResponseSchema = z.object({
  id: z.uuid(),
  token: z.string(),
  /** `npx cocoon-host enroll <token> --broker <url>` */
  command: z.string(),
  expiresAt: z.string(),
});
export type EnrollmentResponse = z.infer<typeof EnrollmentResponseSchema>;

/** GET /api/owner/enrollments/:id -> whether a machine has used it yet ("waiting for your machine…"). */
export const EnrollmentStatusSchema = z.object({
  id: z.uuid(),
  status: z.enum(['waiting', 'enrolled', 'expired']),
  hostId: HostIdSchema.nullable(),
  expiresAt: z.string(),
});
export type EnrollmentStatus = z.infer<typeof EnrollmentStatusSchema>;

export const MachineStatusSchema = z.enum(['online', 'attested', 'draining', 'offline']);

/** Uptime as a fraction 0..1 of each window (null: the machine did not exist for any of it). */
const UptimeSchema = z.object({ day: z.number().min(0).max(1).nullable(), week: z.number().min(0).max(1).nullable(), month: z.number().min(0).max(1).nullable() });

export const MachineSchema = z.object({
  id: HostIdSchema,
  name: z.string().nullable(),
  /**
   * online: connected, attested, taking jobs; draining: finishing its jobs before it stops;
   * offline: not connected. (`attested` is online with a verified bundle whose TEE is real TDX.)
   */
  status: MachineStatusSchema,
  statusSince: z.string(),
  tee: z.string(),
  gpus: z.array(GpuInfoSchema),
  agentVersion: z.string().nullable(),
  models: z.array(z.object({ model: ModelNameSchema, price: PriceSchema })),
  priceCoefficientMilli: z.number().int(),
  activeJobs: z.number().int().nonnegative(),
  capacity: z.number().int().nonnegative(),
  uptime: UptimeSchema,
  /** Last 30 days. */
  stats: z.object({
    jobs: z.number().int().nonnegative(),
    failures: z.number().int().nonnegative(),
    promptTokens: z.number().int().nonnegative(),
    completionTokens: z.number().int().nonnegative(),
    medianTtftMs: z.number().nonnegative().nullable(),
  }),
  /** The scheduler's reliability score 0..1 (server/hosts/reliability.ts) and what would raise it. */
  reliability: z.object({ score: z.number().min(0).max(1), hint: z.string() }),
  /** Everything the machine earned (micro-credits, after the network fee), and the part paid with promotional credits. */
  earnings: z.object({ total: BigIntString, promotional: BigIntString }),
  enrolledAt: z.string(),
});
export type Machine = z.infer<typeof MachineSchema>;

/** GET /api/owner/machines */
export const MachinesResponseSchema = z.object({ machines: z.array(MachineSchema) });

/** PATCH /api/owner/machines/:id (404 host.not_found for another owner's machine) ; DELETE removes it (it can no longer connect). */
export const MachineUpdateRequestSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(48)
      .regex(/^[^\p{Cc}\p{Cf}]+$/u, 'no control characters')
      .optional(),
    priceCoefficientMilli: z.number().int().min(100).max(100_000).optional(),
  })
  .refine((u) => u.name !== undefined || u.priceCoefficientMilli !== undefined, 'nothing to change');

/** GET /api/owner/earnings?days=7|30 -> per UTC day, oldest first, every day present (zeros included). */
export const EarningsResponseSchema = z.object({
  days: z.array(
    z.object({
      day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      total: BigIntString,
      promotional: BigIntString,
      byMachine: z.record(HostIdSchema, BigIntString),
    }),
  ),
});
export type EarningsResponse = z.infer<typeof EarningsResponseSchema>;

export const PayoutStatusSchema = z.enum(['recorded', 'sent', 'confirmed', 'returned']);

export const PayoutSchema = z.object({
  id: z.uuid(),
  amount: BigIntString,
  valueNano: BigIntString,
  feeNano: BigIntString,
  address: z.string(),
  status: PayoutStatusSchema,
  txHash: z.string().nullable(),
  failure: z.string().nullable(),
  createdAt: z.string(),
  settledAt: z.string().nullable(),
});
export type Payout = z.infer<typeof PayoutSchema>;

/** POST /api/owner/payouts : `amount` omitted = everything withdrawable. Errors: payout.below_minimum, payout.insufficient, owner.no_payout_wallet. */
export const PayoutRequestSchema = z.object({ amount: BigIntString.optional(), idempotencyKey: z.string().min(8).max(64) });
/** GET /api/owner/payouts/quote?amount= -> what the owner would receive, before confirming. */
export const PayoutQuoteSchema = z.object({ amount: BigIntString, valueNano: BigIntString, feeNano: BigIntString });
/** GET /api/owner/payouts (newest first) and the answer to POST. */
export const PayoutsResponseSchema = z.object({ payouts: z.array(PayoutSchema) });
