import { z } from 'zod';
import { SignedPolicySchema } from '../attestation/policy';
import { PriceSchema } from '../pricing';
import { AttestationBundleSchema, HostIdSchema, ModelNameSchema } from './attestation-bundle';
import { BigIntString } from './encoding';
import { MAX_REQUEST_BYTES, MAX_TOKENS_LIMIT, MicroCreditsStringSchema } from './jobs';

/** HTTP API of the broker. Errors answer with `{ error: { code, message } }` and the code's status. */

/** POST /api/session */
export const SessionRequestSchema = z.object({ initData: z.string().min(1).max(8192) });
export const UserSchema = z.object({ id: z.string(), firstName: z.string(), username: z.string().optional() });
export const SessionResponseSchema = z.object({
  token: z.string(),
  /** Unix seconds. */
  expiresAt: z.number().int(),
  user: UserSchema,
  balance: BigIntString,
});

/** GET /api/me, with the session or a developer's API key (its owner's balance). */
export const MeResponseSchema = z.object({ user: UserSchema, balance: BigIntString, held: BigIntString });

/** GET /api/models */
export const ModelsResponseSchema = z.object({
  models: z.array(z.object({ name: ModelNameSchema, hostCount: z.number().int(), price: PriceSchema })),
});

/**
 * GET /api/hosts?model=NAME: online hosts serving the model, best first, at most 5, as the broker's
 * scheduler ranks them (server/scheduler/scheduler.ts: free slots, reliability, price, a little
 * randomness; full hosts last). A client seals to the first and fails over down the list. With
 * `maxCharge` (micro-credits), hosts whose worst case for `maxTokens` (default 1) completion tokens
 * and a `requestBytes` ciphertext (default an estimate of 1 KiB) costs more are left out.
 * Slim: a client fetches the bundle of the host it will use from GET /api/hosts/:hostId/bundle
 * (a TDX bundle with collateral is over a megabyte).
 */
export const HostsQuerySchema = z.object({
  model: ModelNameSchema,
  maxCharge: MicroCreditsStringSchema.optional(),
  maxTokens: z.coerce.number().int().min(1).max(MAX_TOKENS_LIMIT).optional(),
  requestBytes: z.coerce.number().int().min(1).max(MAX_REQUEST_BYTES).optional(),
});
export const HostsResponseSchema = z.object({
  hosts: z.array(z.object({ hostId: HostIdSchema, priceCoefficientMilli: z.number().int() })),
});

/** GET /api/hosts/:hostId/bundle: the attestation bundle clients verify and seal to (`host.not_found` when offline). */
export const HostBundleParamsSchema = z.object({ hostId: HostIdSchema });
export const HostBundleResponseSchema = z.object({ hostId: HostIdSchema, bundle: AttestationBundleSchema });

/**
 * GET /api/attestation/policy: the operator's signed attestation policy as the broker loaded it
 * (ARCHITECTURE.md, "The confidential path", step 4), or null when the broker runs without one.
 * Clients verify it against the operator keys pinned in their own build, never trusting the broker.
 */
export const AttestationPolicyResponseSchema = z.object({ signedPolicy: SignedPolicySchema.nullable() });

/** Every error answer; `rate_limited` adds `retryAfterS` (also sent as the `Retry-After` header). */
export const ErrorResponseSchema = z.object({ error: z.object({ code: z.string(), message: z.string(), retryAfterS: z.number().int().positive().optional() }) });

/** GET /api/dev/init-data (DEV_MODE only): freshly signed initData for the mocked Telegram. */
export const DevInitDataResponseSchema = z.object({ initData: z.string().min(1) });
