import { Address } from '@ton/core';
import { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import { creditPacksValue } from './payments/packs';

/**
 * The broker's configuration: the only module that reads `process.env` (CONVENTIONS.md, 8).
 * Every value is validated at boot; a bad one fails with a message naming it.
 */

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''], { error: 'expected true or false' })
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : v === 'true' || v === '1' || v === 'yes'));

const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, 'expected a non-negative integer')
    .transform(Number)
    .pipe(z.number().min(min, `expected at least ${min}`).max(max, `expected at most ${max}`))
    .default(fallback);

const bigintValue = (fallback: bigint) =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]{0,30})$/, 'expected a non-negative integer')
    .transform((s) => BigInt(s))
    .default(fallback);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** A comma list of non-empty strings. */
const list = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0));

function isTonAddress(s: string): boolean {
  try {
    Address.parse(s);
    return true;
  } catch {
    return false;
  }
}

/** `https://app.example` (a trailing `/` allowed): an http(s) origin with nothing after it. */
function isOrigin(s: string): boolean {
  if (!URL.canParse(s)) return false;
  const u = new URL(s);
  return (u.protocol === 'https:' || u.protocol === 'http:') && u.pathname === '/' && !u.search && !u.hash && !u.username && !u.password;
}

/** Enrollment tokens: a comma list; each must be a length hosts can send (see host.hello). */
const tokenList = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0))
  .pipe(z.array(z.string().min(16, 'each token needs at least 16 characters').max(256)));

export const ConfigSchema = z.object({
  PORT: int(8080, 0, 65535),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  BOT_TOKEN: z.string({ error: 'required (the Telegram bot token)' }).regex(/^\d+:[\w-]{20,}$/, 'expected a Telegram bot token like 123456:ABC...'),
  DATABASE_URL: optionalString.pipe(z.string().regex(/^postgres(ql)?:\/\//, 'expected postgres://…').optional()),
  DATA_DIR: z.string().min(1).default('.data/pglite'),
  HOST_ENROLL_TOKENS: tokenList,
  ALLOW_SIMULATED_TEE: bool(false),
  /** The operator's signed attestation policy (JSON, see shared/attestation/policy.ts); required unless only simulated hosts are allowed. */
  ATTESTATION_POLICY_FILE: optionalString,
  /** Operator keys (base64url Ed25519, comma list) a policy must be signed with; required with the file. */
  ATTESTATION_POLICY_KEYS: list,
  DEV_MODE: bool(false),
  /** DEV_MODE with production settings (a real bot token, DATABASE_URL, a real chain or Bot API) only with this. */
  DEV_MODE_FORCE: bool(false),
  INIT_DATA_MAX_AGE_S: int(600, 1),
  SESSION_TTL_S: int(86_400, 1),
  STARTER_CREDITS: bigintValue(100_000_000n),
  DEFAULT_PRICE_PROMPT_PER_M: bigintValue(1_000_000_000n),
  DEFAULT_PRICE_COMPLETION_PER_M: bigintValue(2_000_000_000n),
  NETWORK_COMMISSION_BPS: int(500, 0, 10_000),
  /** TON (issue 5): toncenter v2 when TON_API_URL is set, else the embedded sandbox chain (DEV_MODE or TON_NETWORK=sandbox), else off. */
  TON_API_URL: optionalString.pipe(z.url().optional()),
  TON_API_KEY: optionalString,
  TON_SERVICE_ADDRESS: optionalString.pipe(z.string().refine(isTonAddress, 'expected a TON address (EQ…, UQ… or 0:hex)').optional()),
  TON_NETWORK: optionalString.pipe(z.enum(['mainnet', 'testnet', 'sandbox']).optional()),
  TON_POLL_INTERVAL_MS: int(3_000, 100, 3_600_000),
  MICRO_CREDITS_PER_TON: bigintValue(100_000_000n),
  TON_PROOF_DOMAINS: list,
  TON_PROOF_MAX_AGE_S: int(900, 1),
  TON_PROOF_PAYLOAD_TTL_S: int(900, 1),
  /** Bot API base URL; unset means https://api.telegram.org, or in DEV_MODE the embedded Bot API stand-in. */
  TELEGRAM_API_URL: optionalString.pipe(z.url().optional()),
  /** setWebhook's secret_token; the webhook accepts nothing without it (DEV_MODE's stand-in generates one). */
  TELEGRAM_WEBHOOK_SECRET: optionalString.pipe(
    z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'expected 16-256 characters of A-Z, a-z, 0-9, _ and -').optional(),
  ),
  /** Credit packs for Stars and TON, a JSON array (see server/payments/packs.ts); unset: 10/50/200 credits. */
  CREDIT_PACKS: creditPacksValue,
  WEB_DIST: optionalString,
  /** The Mini App's origin when a static host serves it apart from the broker: the one origin CORS allows. */
  WEB_ORIGIN: optionalString.pipe(z.url().refine(isOrigin, 'expected an origin: scheme, host and optional port, no path').transform((u) => new URL(u).origin).optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type ServerConfig = z.output<typeof ConfigSchema>;

/**
 * Validates an environment (`process.env` in main.ts, a literal object in tests).
 * @throws CocoonError('config.invalid') listing every bad variable.
 */
export function loadConfig(env: Record<string, string | undefined>): ServerConfig {
  const picked = Object.fromEntries(Object.keys(ConfigSchema.shape).map((k) => [k, env[k]]));
  const parsed = ConfigSchema.safeParse(picked);
  const issues = parsed.success ? crossFieldIssues(parsed.data) : parsed.error.issues;
  if (parsed.success && issues.length === 0) return parsed.data;
  const lines = issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new CocoonError('config.invalid', `invalid configuration:\n${lines.join('\n')}`);
}

/**
 * Telegram's bot tokens: the bot id, a colon, then 35 characters starting with `AA`. Development
 * and test tokens in this repository say what they are (`…:DEV-…-not-secret`) and never match.
 */
export const looksLikeRealBotToken = (token: string): boolean => /^\d{5,}:AA[\w-]{33}$/.test(token);

/** Rules that tie variables together. */
function crossFieldIssues(c: ServerConfig): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  if (c.TON_API_URL && !c.TON_SERVICE_ADDRESS) issues.push({ path: ['TON_SERVICE_ADDRESS'], message: 'required with TON_API_URL (the wallet deposits go to)' });
  if (c.ATTESTATION_POLICY_FILE && c.ATTESTATION_POLICY_KEYS.length === 0) issues.push({ path: ['ATTESTATION_POLICY_KEYS'], message: 'required with ATTESTATION_POLICY_FILE (the operator keys it must be signed with)' });
  if (c.DEV_MODE && !c.DEV_MODE_FORCE) {
    // Development exposes signed demo initData, free test payments and the test wallet's key: never beside real users.
    const production = [
      looksLikeRealBotToken(c.BOT_TOKEN) && 'a real-looking BOT_TOKEN',
      c.DATABASE_URL && 'DATABASE_URL',
      c.TON_API_URL && 'TON_API_URL',
      c.TELEGRAM_API_URL && 'TELEGRAM_API_URL',
    ].filter(Boolean);
    if (production.length > 0) issues.push({ path: ['DEV_MODE'], message: `refused with production settings (${production.join(', ')}); set DEV_MODE_FORCE=true only if this really is a development deployment` });
  }
  return issues;
}
