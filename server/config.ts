import { isIP } from 'node:net';
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

/** proxy-addr's names for address ranges, accepted in TRUST_PROXY beside addresses and CIDRs. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isAddressOrCidr(s: string): boolean {
  if (PROXY_RANGE_NAMES.includes(s)) return true;
  const [ip = '', prefix, ...rest] = s.split('/');
  const family = isIP(ip);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

/**
 * Fastify's `trustProxy`: which peers may set X-Forwarded-For (and so the client address every
 * per-IP limit keys on). Off by default: behind no proxy, a client could name any address.
 * A hop count (`1`: the nearest proxy), or a comma list of proxy addresses and CIDRs. `true`
 * (trust every peer) is refused: anyone reaching the broker directly could then pick their address.
 */
const trustProxyValue = z
  .string()
  .optional()
  .transform((v, ctx): false | number | string[] => {
    const t = (v ?? '').trim();
    if (t === '' || t === 'false' || t === '0') return false;
    if (/^\d+$/.test(t) && Number(t) <= 64) return Number(t);
    const entries = t.split(',').map((e) => e.trim()).filter((e) => e.length > 0);
    if (t !== 'true' && entries.length > 0 && entries.every(isAddressOrCidr)) return entries;
    ctx.addIssue({ code: 'custom', message: 'expected false, a hop count (1-64) or a comma list of proxy addresses / CIDRs (loopback, linklocal and uniquelocal also name ranges)' });
    return z.NEVER;
  });

export const ConfigSchema = z.object({
  PORT: int(8080, 0, 65535),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Prometheus `/metrics` on 127.0.0.1:METRICS_PORT only (0: any free port); unset, not served. Never on the public port. */
  METRICS_PORT: optionalString.pipe(z.string().regex(/^\d+$/, 'expected a port number').transform(Number).pipe(z.number().max(65_535, 'expected at most 65535')).optional()),
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  /**
   * HTTP timeouts (README, broker configuration): all of a request's headers, the whole request,
   * inactivity on a connection, and an idle keep-alive connection (above a fronting proxy's 60 s,
   * so the proxy never reuses a connection the broker is closing). WebSockets leave them at the upgrade.
   */
  HTTP_HEADERS_TIMEOUT_MS: int(10_000, 1),
  HTTP_REQUEST_TIMEOUT_MS: int(30_000, 1),
  HTTP_CONNECTION_TIMEOUT_MS: int(30_000, 1),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(65_000, 1),
  /** WebSockets: ping interval (a peer silent for a whole interval after a ping is dropped). */
  WS_HEARTBEAT_MS: int(30_000, 10, 3_600_000),
  /** Messages waiting to be handled before the broker stops reading a socket. */
  WS_MAX_QUEUED_MESSAGES: int(16, 1, 10_000),
  /** Bytes a client or host may leave unread before it is terminated as a slow consumer. */
  WS_CLIENT_MAX_BUFFERED_BYTES: int(4 * 1024 * 1024, 64 * 1024),
  WS_HOST_MAX_BUFFERED_BYTES: int(16 * 1024 * 1024, 64 * 1024),
  /**
   * What one user (before authentication: one address) may have the broker parse per second over
   * all its sockets, with a burst; beyond it their sockets wait, paused. Enrolled hosts are not metered.
   */
  WS_INBOUND_BYTES_PER_S: int(256 * 1024, 1024),
  WS_INBOUND_BURST_BYTES: int(1024 * 1024, 1024),
  BOT_TOKEN: z.string({ error: 'required (the Telegram bot token)' }).regex(/^\d+:[\w-]{20,}$/, 'expected a Telegram bot token like 123456:ABC...'),
  DATABASE_URL: optionalString.pipe(z.string().regex(/^postgres(ql)?:\/\//, 'expected postgres://…').optional()),
  DATA_DIR: z.string().min(1).default('.data/pglite'),
  /** PostgreSQL connections the broker opens at most. */
  DATABASE_POOL_MAX: int(10, 1, 1000),
  /** Several brokers (server/cluster/): the NATS server they exchange jobs over; unset, one broker with an in-process bus. */
  NATS_URL: optionalString.pipe(z.string().regex(/^(nats|tls|wss?):\/\/\S+$/, 'expected nats://host:port').optional()),
  /** This broker instance's name among several (letters, digits, - and _); unset, a random one per start. */
  BROKER_ID: optionalString.pipe(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1-64 letters, digits, - or _').optional()),
  /** The brokers of one deployment: the prefix of their NATS subjects, so deployments sharing a NATS server never mix. */
  CLUSTER_NAME: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1-64 letters, digits, - or _').default('cocoon'),
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
  /** Payouts to GPU owners (issue 11): earnings become withdrawable this long after their job settled. */
  SETTLEMENT_DELAY_S: int(86_400, 0, 90 * 86_400),
  /** The smallest withdrawal, micro-credits. */
  PAYOUT_MIN: bigintValue(10_000_000n),
  /** The chain fee taken from each payout, nanoTON: the wallet pays the transfer's fees from it. */
  PAYOUT_FEE_NANO: bigintValue(10_000_000n),
  /** The payout wallet's 24-word mnemonic (a wallet v5r1); with TON_API_URL, payouts are off without it. */
  PAYOUT_WALLET_SECRET: optionalString.pipe(
    z.string().regex(/^[a-z]+(\s+[a-z]+){23}$/, 'expected the 24 words of a TON wallet mnemonic, separated by spaces').transform((v) => v.split(/\s+/)).optional(),
  ),
  /** How long a signed payout message stays valid: after that it can never apply, and an unsent payout returns. */
  PAYOUT_VALID_FOR_S: int(60, 10, 3_600),
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
  /** Which proxies' X-Forwarded-For names the client address (see trustProxyValue). */
  TRUST_PROXY: trustProxyValue,
  /** Limits (issue 10): requests per window per client address, and per signed-in user, on each limited route. */
  RATE_LIMIT_WINDOW_S: int(60, 1, 86_400),
  RATE_LIMIT_PER_IP: int(120, 1),
  RATE_LIMIT_PER_USER: int(30, 1),
  /** `job.create` messages per window per user, over all their sockets. */
  RATE_LIMIT_JOBS_PER_USER: int(60, 1),
  /** Jobs one user may have in flight at once (`job.too_many_concurrent` beyond). */
  MAX_CONCURRENT_JOBS_PER_USER: int(4, 1, 1000),
  /** A job whose host shows no activity for this long ends with `job.timeout`, its hold released. */
  JOB_IDLE_TIMEOUT_MS: int(120_000, 100, 3_600_000),
  /** A hold nothing settled or released by then is released by upkeep: the jobs of a broker that died. */
  HOLD_TTL_MS: int(3_600_000, 1_000, 7 * 86_400_000),
  /** Rows a user may create per hour (`rate_limited` beyond); old rows are purged by upkeep. */
  SESSIONS_PER_USER_PER_HOUR: int(60, 1),
  TON_PROOF_PAYLOADS_PER_USER_PER_HOUR: int(30, 1),
  STARS_INVOICES_PER_USER_PER_HOUR: int(30, 1),
  /** Owners (issue 11): a machine offline this long is reported to its owner through the bot. */
  MACHINE_OFFLINE_NOTICE_S: int(300, 1, 86_400),
  /** Enrollment tokens one owner may make per hour (`rate_limited` beyond). */
  ENROLL_TOKENS_PER_OWNER_PER_HOUR: int(20, 1),
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
  if (c.HTTP_HEADERS_TIMEOUT_MS > c.HTTP_REQUEST_TIMEOUT_MS) issues.push({ path: ['HTTP_HEADERS_TIMEOUT_MS'], message: 'must not exceed HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)' });
  if (c.HOLD_TTL_MS <= c.JOB_IDLE_TIMEOUT_MS) issues.push({ path: ['HOLD_TTL_MS'], message: 'must exceed JOB_IDLE_TIMEOUT_MS (a hold outlives its job)' });
  if (c.MICRO_CREDITS_PER_TON > 0n && (c.PAYOUT_MIN * 1_000_000_000n) / c.MICRO_CREDITS_PER_TON <= c.PAYOUT_FEE_NANO) issues.push({ path: ['PAYOUT_MIN'], message: 'must be worth more than PAYOUT_FEE_NANO (at MICRO_CREDITS_PER_TON), or a minimal payout would send nothing' });
  if (c.TON_API_URL && !c.TON_SERVICE_ADDRESS) issues.push({ path: ['TON_SERVICE_ADDRESS'], message: 'required with TON_API_URL (the wallet deposits go to)' });
  if (c.NATS_URL && !c.DATABASE_URL) issues.push({ path: ['NATS_URL'], message: 'needs DATABASE_URL: several brokers share one PostgreSQL (PGlite is one process)' });
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
