import { z } from 'zod';
import { HostIdSchema, ModelNameSchema } from './attestation-bundle';
import { BigIntString } from './encoding';
import { SignedReceiptSchema } from './receipt';

/**
 * The developer API (ARCHITECTURE.md, "Identity and access": API keys stored hashed, shown once,
 * revocable, with spending limits). Keys are managed with the Telegram session only; usage and
 * the cost of one request are readable with the session or with the key itself (the key sees its
 * own requests only). Amounts are decimal strings of micro-credits.
 */

/** Every key starts with this; the broker tells keys from session tokens by it. */
export const API_KEY_PREFIX = 'sk-cocoon-';
/** Random bytes after the prefix (base64url: 43 characters). */
export const API_KEY_RANDOM_BYTES = 32;
/** What a key looks like: the prefix and at least 32 random bytes in base64url. */
export const ApiKeySecretSchema = z.string().regex(/^sk-cocoon-[A-Za-z0-9_-]{43,128}$/);
/** Characters of a key kept in clear for display (`sk-cocoon-AbC123`): the prefix and 6 more. */
export const API_KEY_DISPLAY_CHARS = API_KEY_PREFIX.length + 6;

/**
 * True when `token` is meant as an API key (by its prefix), whether or not it is valid.
 * @example isApiKeyToken('sk-cocoon-…') // true; a session token is base64url without the prefix
 */
export const isApiKeyToken = (token: string): boolean => token.startsWith(API_KEY_PREFIX);

/** A key's name: what the user calls it ("ci-bot"); shown in errors, so printable text only. */
export const ApiKeyNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\p{Cc}\p{Cf}]+$/u, 'no control characters');

const Micro = BigIntString;

/**
 * Spending limits in micro-credits; null: no limit. `daily` counts requests made in the current
 * UTC day, `total` every request of the key, `perRequest` one job's worst case (its hold).
 */
export const ApiKeyLimitsSchema = z.object({
  total: Micro.nullable(),
  daily: Micro.nullable(),
  perRequest: Micro.nullable(),
});
export type ApiKeyLimits = z.output<typeof ApiKeyLimitsSchema>;

export const ApiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  /** The key's first characters, e.g. `sk-cocoon-AbC123`, to tell keys apart. */
  prefix: z.string(),
  limits: ApiKeyLimitsSchema,
  /** Settled charges: of every request, and of the requests made today (UTC). */
  spent: z.object({ total: Micro, today: Micro }),
  /** What the key's jobs in flight hold now; counted against its budgets until they settle. */
  held: Micro,
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type ApiKey = z.output<typeof ApiKeySchema>;

/** GET /api/developer/keys: newest first, revoked keys included (marked). */
export const ApiKeysResponseSchema = z.object({ keys: z.array(ApiKeySchema) });

/** POST /api/developer/keys */
export const CreateApiKeyRequestSchema = z.object({ name: ApiKeyNameSchema, limits: ApiKeyLimitsSchema });
/** The only answer that carries the key in clear; the broker keeps its hash alone. */
export const CreateApiKeyResponseSchema = z.object({ key: ApiKeySchema, secret: ApiKeySecretSchema });

/** POST /api/developer/keys/:keyId/limits (replaces all three) and POST …/:keyId/revoke answer with the key. */
export const ApiKeyParamsSchema = z.object({ keyId: z.uuid() });
export const UpdateApiKeyLimitsRequestSchema = z.object({ limits: ApiKeyLimitsSchema });
export const ApiKeyResponseSchema = z.object({ key: ApiKeySchema });

export const JobStatusSchema = z.enum(['open', 'streaming', 'settled', 'failed']);

/** A UTC day, `YYYY-MM-DD`. */
export const UtcDaySchema = z.iso.date();

/** GET /api/developer/usage?key=&day=&cursor=&limit= (and usage.csv, without cursor and limit). */
export const UsageQuerySchema = z.object({
  key: z.uuid().optional(),
  day: UtcDaySchema.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * One request made with an API key, from the job the broker settled: `cost` is what the ledger
 * moved for it (null while in flight, 0 when it failed); `receiptId` names the enclave-signed
 * receipt it was billed from (hex SHA-256 of its signature).
 */
export const UsageItemSchema = z.object({
  id: z.uuid(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  keyId: z.uuid(),
  keyName: z.string(),
  model: ModelNameSchema,
  hostId: HostIdSchema,
  promptTokens: z.number().int().nullable(),
  completionTokens: z.number().int().nullable(),
  cost: Micro.nullable(),
  status: JobStatusSchema,
  errorCode: z.string().nullable(),
  receiptId: z.string().nullable(),
});
export type UsageItem = z.output<typeof UsageItemSchema>;

/** Newest first; `nextCursor` fetches the next page, null at the end. */
export const UsageResponseSchema = z.object({ items: z.array(UsageItemSchema), nextCursor: z.string().nullable() });

/** The columns of GET /api/developer/usage.csv, in order. */
export const USAGE_CSV_COLUMNS = [
  'created_at', 'request_id', 'key_id', 'key_name', 'model', 'host_id', 'prompt_tokens', 'completion_tokens',
  'cost_micro_credits', 'cost_credits', 'status', 'error_code', 'receipt_id',
] as const;

/**
 * POST /api/developer/usage/export {key?, day?} (session): a short-lived signed link to the CSV,
 * for Telegram's `downloadFile` / `openLink`, which fetch it without the session. `url` is a path
 * on the broker.
 */
export const UsageExportRequestSchema = z.object({ key: z.uuid().optional(), day: UtcDaySchema.optional() });
export const UsageExportResponseSchema = z.object({ url: z.string().startsWith('/api/developer/usage.csv?'), fileName: z.string(), expiresAt: z.iso.datetime() });

/**
 * GET /api/developer/generation/:jobId: the exact cost of one request, from the ledger's transfers
 * for it (`cost` = `hostEarning` + `networkFee`), with the signed receipt it was settled from.
 */
export const GenerationParamsSchema = z.object({ jobId: z.uuid() });
export const GenerationResponseSchema = z.object({
  id: z.uuid(),
  keyId: z.uuid().nullable(),
  model: ModelNameSchema,
  hostId: HostIdSchema,
  status: JobStatusSchema,
  errorCode: z.string().nullable(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  maxTokens: z.number().int(),
  promptTokens: z.number().int().nullable(),
  completionTokens: z.number().int().nullable(),
  finishReason: z.string().nullable(),
  /** The worst case that was held while the job ran. */
  hold: Micro,
  cost: Micro,
  hostEarning: Micro,
  networkFee: Micro,
  receiptId: z.string().nullable(),
  receipt: SignedReceiptSchema.nullable(),
});
