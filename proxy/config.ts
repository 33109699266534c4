import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import { MICRO_PER_CREDIT } from '@cocoon/shared/pricing';
import { b64uBytes } from '@cocoon/shared/protocol/encoding';

/**
 * The proxy's configuration, read once at boot from (lowest first) a JSON file, the environment
 * and the command line, and validated with a message for every wrong value. Nothing else reads
 * `process.env`.
 */
export const DEFAULT_PORT = 8787;
export const DEFAULT_BROKER_URL = 'http://127.0.0.1:8080';
/** The most one request may cost unless configured: 5 credits, the Mini App's default per message. */
export const DEFAULT_MAX_PRICE = 5n * MICRO_PER_CREDIT;

export const HELP = `cocoon-proxy: an OpenAI-compatible API on 127.0.0.1 that verifies each GPU host's attestation,
encrypts your requests to its enclave and decrypts the answers locally. The broker sees ciphertext only.

Usage:
  cocoon-proxy [options]                serve http://127.0.0.1:<port>/v1
  cocoon-proxy verify <request id>      re-check one answer's enclave-signed receipt
  cocoon-proxy --help

Options (environment variable in brackets; flags win over the environment, which wins over --config):
  --port <n>              port on 127.0.0.1 (default ${DEFAULT_PORT}) [COCOON_PROXY_PORT]
  --broker <url>          the broker, https unless on this machine (default ${DEFAULT_BROKER_URL}) [COCOON_BROKER_URL]
  --key <sk-cocoon-…>     your API key; a client may instead send its own sk-cocoon-… key as its bearer token [COCOON_API_KEY]
  --policy-key <key>      an operator key (base64url Ed25519) the attestation policy must be signed with;
                          repeat or comma-separate for several. Required: hosts are verified under that
                          signed policy, and nothing is sent without it [COCOON_POLICY_KEYS]
  --max-price <credits>   the most one request may cost, e.g. 0.5 (default ${Number(DEFAULT_MAX_PRICE) / Number(MICRO_PER_CREDIT)}) [COCOON_MAX_PRICE]
  --allow-simulated       accept simulated TEEs when the signed policy allows them (development) [COCOON_ALLOW_SIMULATED_TEE=true]
  --allow-unverified-dev  without policy keys, verify hosts under the development rules; only against a
                          development broker on this machine [COCOON_ALLOW_UNVERIFIED_DEV=true]
  --data-dir <dir>        where receipts and the newest policy sequence are kept (default ~/.cocoon-proxy) [COCOON_PROXY_DATA_DIR]
  --config <file.json>    read these settings from a JSON file (keys: port, broker, key, policyKeys, maxPrice,
                          allowSimulated, allowUnverifiedDev, dataDir, logLevel) [COCOON_PROXY_CONFIG]
  --log-level <level>     fatal, error, warn, info (default), debug, trace, silent [LOG_LEVEL]

Use it from code: new OpenAI({ baseURL: 'http://127.0.0.1:${DEFAULT_PORT}/v1', apiKey: 'sk-cocoon-…' })`;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface ProxyConfig {
  port: number;
  /** The broker's base URL, without a trailing slash. */
  brokerUrl: string;
  /** The credential sent to the broker when a client brings none of its own. */
  apiKey?: string;
  /** Pinned operator keys; empty only with `allowUnverifiedDev`. */
  policyKeys: string[];
  allowSimulated: boolean;
  allowUnverifiedDev: boolean;
  /** Micro-credits. */
  maxPrice: bigint;
  dataDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
}

export type Command = { kind: 'help' } | { kind: 'serve'; config: ProxyConfig } | { kind: 'verify'; requestId: string; json: boolean; config: ProxyConfig };

const loopbackHost = (host: string) => host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
export const isLoopbackUrl = (url: string): boolean => loopbackHost(new URL(url).hostname);

const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')]);
const credits = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const m = /^\s*(\d{1,7})(?:\.(\d{1,6}))?\s*$/.exec(String(v));
    const micro = m ? BigInt(m[1]!) * MICRO_PER_CREDIT + BigInt((m[2] ?? '').padEnd(6, '0')) : 0n;
    if (micro <= 0n) ctx.addIssue({ code: 'custom', message: 'expected a positive amount of credits with at most 6 decimals, e.g. 0.5' });
    return micro;
  });
const keyList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(b64uBytes(32)));

const RawSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_PORT),
  broker: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
    .refine((u) => new URL(u).protocol === 'https:' || isLoopbackUrl(u), 'must be https unless the broker runs on this machine: the key travels with every request')
    .default(DEFAULT_BROKER_URL),
  key: z.string().min(16, 'expected an API key (sk-cocoon-…)').max(512).optional(),
  policyKeys: keyList.default([]),
  maxPrice: credits.default(DEFAULT_MAX_PRICE),
  allowSimulated: bool.default(false),
  allowUnverifiedDev: bool.default(false),
  dataDir: z.string().min(1).optional(),
  logLevel: z.enum(LOG_LEVELS).default('info'),
});
type Raw = z.input<typeof RawSchema>;

/** The file's values as written (checked again with the environment and flags on top); unknown keys are refused. */
const FileSchema = z
  .object({
    port: z.union([z.number(), z.string()]),
    broker: z.string(),
    key: z.string(),
    policyKeys: z.union([z.string(), z.array(z.string())]),
    maxPrice: z.union([z.string(), z.number()]),
    allowSimulated: z.union([z.boolean(), z.string()]),
    allowUnverifiedDev: z.union([z.boolean(), z.string()]),
    dataDir: z.string(),
    logLevel: z.string(),
  })
  .partial()
  .strict();

const ENV: Record<string, keyof Raw> = {
  COCOON_PROXY_PORT: 'port',
  COCOON_BROKER_URL: 'broker',
  COCOON_API_KEY: 'key',
  COCOON_POLICY_KEYS: 'policyKeys',
  COCOON_MAX_PRICE: 'maxPrice',
  COCOON_ALLOW_SIMULATED_TEE: 'allowSimulated',
  COCOON_ALLOW_UNVERIFIED_DEV: 'allowUnverifiedDev',
  COCOON_PROXY_DATA_DIR: 'dataDir',
  LOG_LEVEL: 'logLevel',
};

const invalid = (lines: string[]) => new CocoonError('config.invalid', `invalid configuration:\n${lines.map((l) => `  ${l}`).join('\n')}\n(cocoon-proxy --help lists every option)`);

/**
 * Reads the command line (`argv` without node and the script) and environment.
 * @throws CocoonError('config.invalid') naming every wrong value.
 * @example loadCommand(['--port', '9000', '--policy-key', 'k…'], process.env)
 */
export function loadCommand(argv: string[], env: Record<string, string | undefined>): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        port: { type: 'string' },
        broker: { type: 'string' },
        key: { type: 'string' },
        'policy-key': { type: 'string', multiple: true },
        'max-price': { type: 'string' },
        'allow-simulated': { type: 'boolean' },
        'allow-unverified-dev': { type: 'boolean' },
        'data-dir': { type: 'string' },
        config: { type: 'string' },
        'log-level': { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw invalid([e instanceof Error ? e.message : String(e)]);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { kind: 'help' };
  const [command, requestId, ...extra] = positionals;
  if (command !== undefined && command !== 'verify') throw invalid([`unknown command ${command}: expected verify <request id>, or none to serve`]);
  if (command === 'verify' && (!requestId || extra.length > 0)) throw invalid(['verify takes exactly one request id (the x-request-id of an answer)']);

  const file = readConfigFile(v.config ?? env.COCOON_PROXY_CONFIG);
  const fromEnv = Object.fromEntries(Object.entries(ENV).flatMap(([name, key]) => (env[name] ? [[key, env[name]]] : [])));
  const fromFlags = Object.fromEntries(
    Object.entries({
      port: v.port, broker: v.broker, key: v.key, policyKeys: v['policy-key'], maxPrice: v['max-price'], dataDir: v['data-dir'], logLevel: v['log-level'],
      allowSimulated: v['allow-simulated'], allowUnverifiedDev: v['allow-unverified-dev'],
    }).filter(([, value]) => value !== undefined),
  );
  const raw = RawSchema.safeParse({ ...file, ...fromEnv, ...fromFlags });
  if (!raw.success) throw invalid(raw.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  const r = raw.data;
  const config: ProxyConfig = {
    port: r.port,
    brokerUrl: r.broker.replace(/\/+$/, ''),
    apiKey: r.key,
    policyKeys: r.policyKeys,
    allowSimulated: r.allowSimulated,
    allowUnverifiedDev: r.allowUnverifiedDev,
    maxPrice: r.maxPrice,
    dataDir: r.dataDir ?? join(homedir(), '.cocoon-proxy'),
    logLevel: r.logLevel,
  };
  if (command === 'verify') return { kind: 'verify', requestId: requestId!, json: v.json ?? false, config };
  const issues = [];
  if (config.policyKeys.length === 0 && !config.allowUnverifiedDev) {
    issues.push('policyKeys: pin the operator key(s) the attestation policy is signed with (--policy-key or COCOON_POLICY_KEYS): without them no host can be verified, and the proxy sends nothing unverified. Only for a development broker on this machine: --allow-unverified-dev');
  }
  if (config.allowUnverifiedDev && !isLoopbackUrl(config.brokerUrl)) issues.push('allowUnverifiedDev: only for a development broker on this machine (127.0.0.1, ::1 or localhost)');
  if (issues.length > 0) throw invalid(issues);
  return { kind: 'serve', config };
}

function readConfigFile(path: string | undefined): z.output<typeof FileSchema> {
  if (!path) return {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new CocoonError('config.invalid', `--config: cannot read ${path} as JSON`, { cause });
  }
  const file = FileSchema.safeParse(json);
  if (!file.success) throw invalid(file.error.issues.map((i) => `${path}: ${i.path.join('.') || '(root)'}: ${i.message}`));
  return file.data;
}
