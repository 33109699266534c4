import { z } from 'zod';
import { BigIntString } from './encoding';

/**
 * The broker's money API (ARCHITECTURE.md, "Money"). Amounts are decimal strings: micro-credits
 * for credits, Stars as integers, nanoTON for TON. All need `Authorization: Bearer <session>`
 * except the Telegram webhook.
 */

export const CreditPackSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,32}$/),
  credits: BigIntString,
  stars: z.number().int().positive(),
  nanoton: BigIntString,
});

/** GET /api/credits */
export const CreditsResponseSchema = z.object({
  balance: BigIntString,
  held: BigIntString,
  packs: z.array(CreditPackSchema),
  ton: z.object({
    /** The service wallet deposits go to (user-friendly, bounceable form for the network). */
    serviceAddress: z.string(),
    /** The text comment that names this user's account; a transfer without it is not credited. */
    depositComment: z.string(),
    /** Micro-credits per 1 TON for free-amount top-ups. */
    microCreditsPerTon: BigIntString,
    network: z.enum(['mainnet', 'testnet', 'sandbox']),
  }),
  /** True when Stars purchases go to the local Bot API stand-in: the UI labels them "test payment". */
  testPayments: z.boolean(),
});

export const HistoryKinds = { starter: 'starter', stars: 'topup_stars', ton: 'topup_ton', job: 'job', refund: 'refund' } as const;

/** GET /api/credits/history?limit=50 : newest first; `amount` is signed (spending is negative). */
export const HistoryResponseSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      kind: z.enum([HistoryKinds.starter, HistoryKinds.stars, HistoryKinds.ton, HistoryKinds.job, HistoryKinds.refund]),
      amount: z.string().regex(/^-?(0|[1-9][0-9]*)$/),
      createdAt: z.string(),
      model: z.string().optional(),
      promptTokens: z.number().int().optional(),
      completionTokens: z.number().int().optional(),
      stars: z.number().int().optional(),
      nanoton: z.string().optional(),
      txHash: z.string().optional(),
    }),
  ),
});

/** POST /api/payments/stars/invoice -> a link the Mini App opens with `openInvoice`. */
export const StarsInvoiceRequestSchema = z.object({ packId: z.string() });
export const StarsInvoiceResponseSchema = z.object({ invoiceLink: z.url(), payload: z.string() });

/** GET /api/ton/proof-payload : a one-time payload for TonConnect's `ton_proof`. */
export const TonProofPayloadResponseSchema = z.object({ payload: z.string(), expiresAt: z.number().int() });

/** POST /api/ton/connect : TonConnect's account + ton_proof, verified on the server to the spec. */
export const TonConnectRequestSchema = z.object({
  address: z.string(),
  network: z.string(),
  publicKey: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  walletStateInit: z.string().optional(),
  proof: z.object({
    timestamp: z.number().int(),
    domain: z.object({ lengthBytes: z.number().int(), value: z.string() }),
    payload: z.string(),
    signature: z.string(),
  }),
});
export const WalletResponseSchema = z.object({ wallet: z.object({ address: z.string(), friendly: z.string() }).nullable() });

/**
 * POST /api/dev/stars/pay (DEV_MODE with the embedded Bot API stand-in only): completes a test
 * purchase of an invoice link from POST /api/payments/stars/invoice as the session's user, through
 * Telegram's real flow against the broker's webhook. Refused: 409 `payments.invoice_not_payable`
 * (the broker declined the pre-checkout, e.g. already paid); 404 `payments.not_found` (not a
 * stand-in link); 503 `payments.stars_unavailable` (no embedded stand-in).
 */
export const DevStarsPayRequestSchema = z.object({ invoiceLink: z.url() });
export const DevStarsPayResponseSchema = z.object({ telegramPaymentChargeId: z.string(), balance: BigIntString });
