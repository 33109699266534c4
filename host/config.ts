import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_HOST_CONCURRENT_JOBS, MAX_HOST_CONCURRENT_JOBS } from '@cocoon/shared/protocol/ws-messages';
import { INTEL_PCS_URL } from './attestation/pcs-collateral';
import { parseBrokerList } from './broker-url';

/**
 * The host agent's configuration: a JSON file (/etc/cocoon-host/config.json unless `--config` or
 * COCOON_HOST_CONFIG names another), each key overridable by its environment variable. This is
 * the only module that reads the environment; every bad value is listed in one message.
 */
export const DEFAULT_CONFIG_FILE = '/etc/cocoon-host/config.json';
export const DEFAULT_NODE_KEY_FILE = '/var/lib/cocoon-host/node.key';
export const DEFAULT_METRICS_ADDR = '127.0.0.1:9477';

/** Where a setting comes from in the environment, and what --help says of it. */
interface KeyDoc {
  env: string;
  doc: string;
}

/** Splits a string setting (from the environment) the way its file form is written. */
const fromJsonString = (v: unknown) => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};
const splitSpaces = (v: unknown) => (typeof v === 'string' ? v.trim().split(/\s+/) : v);
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a hex SHA-256');

const SettingsSchema = z.strictObject({
  broker: z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v),
    z.array(z.string()).min(1, 'expected one or more broker URLs').max(16),
  ).optional(),
  enrollToken: z.string().min(16, 'an enrollment token has 16 or more characters').max(256).optional(),
  nodeKeyFile: z.string().startsWith('/', 'expected an absolute path').default(DEFAULT_NODE_KEY_FILE),
  engineUrl: z.url({ protocol: /^https?$/, error: 'required: the OpenAI-compatible engine, e.g. http://127.0.0.1:8000/v1 (vLLM)' }),
  engineApiKey: z.string().min(1).optional(),
  engineName: z.string().min(1).max(128).default('vLLM'),
  engineImage: z.string({ error: 'required: the engine image digest, sha256:<64 hex> (e.g. of vllm/vllm-openai)' }).regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256:<64 hex>'),
  engineVersion: z.string({ error: 'required: the engine version, e.g. 0.11.0' }).min(1).max(64),
  engineArgs: z.preprocess(fromJsonString, z.array(z.string().max(1024), { error: 'expected a JSON array of strings' }).max(256)).default([]),
  modelDigests: z.preprocess(fromJsonString, z.record(z.string(), hex64, { error: 'expected a JSON object of model id -> sha256 hex' })).default({}),
  tee: z.enum(['auto', 'tdx', 'simulated']).default('auto'),
  pccsUrl: z
    .url({ protocol: /^https?$/ })
    .refine((u) => !new URL(u).username && !new URL(u).password, 'credentials in the URL are not supported')
    .default(INTEL_PCS_URL),
  gpu: z.enum(['auto', 'off']).default('auto'),
  gpuEvidenceCmd: z
    .preprocess(splitSpaces, z.array(z.string().min(1)).min(1))
    .refine((c) => c[0]!.startsWith('/'), 'expected an absolute program path, then its arguments, separated by spaces')
    .transform((c): [string, ...string[]] => [c[0]!, ...c.slice(1)])
    .optional(),
  nvidiaSmi: z.string().min(1).default('nvidia-smi'),
  priceCoefficientMilli: z.coerce.number().int().min(100).max(100_000).default(1000),
  maxConcurrentJobs: z.coerce.number().int().min(1).max(MAX_HOST_CONCURRENT_JOBS).default(DEFAULT_HOST_CONCURRENT_JOBS),
  claimsTtlS: z.coerce.number().int().min(60).max(7 * 86400).default(3600),
  brokerHeartbeatMs: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  drainTimeoutS: z.coerce.number().int().min(0).max(86_400).default(600),
  metricsAddr: z
    .string()
    .refine((a) => a === 'off' || /^(\[[0-9a-f:]+\]|[0-9a-zA-Z.-]+):\d{1,5}$/.test(a), "expected host:port (e.g. 127.0.0.1:9477) or 'off'")
    .default(DEFAULT_METRICS_ADDR),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type HostSettings = z.infer<typeof SettingsSchema>;
export type SettingKey = keyof HostSettings;

/** Every setting: its environment variable and documentation (rendered by --help, checked by tests). */
export const SETTINGS: Record<SettingKey, KeyDoc> = {
  broker: { env: 'COCOON_BROKER_URL', doc: 'broker URL(s) as the app shows them (https://broker.example) or ws(s)://…/api/host; a list (comma-separated in the environment) is tried in turn. Default: the one saved by `enroll`' },
  enrollToken: { env: 'COCOON_ENROLL_TOKEN', doc: 'one-time enrollment token from Add machine in the app; only needed until the machine is enrolled' },
  nodeKeyFile: { env: 'COCOON_NODE_KEY_FILE', doc: `the machine's Ed25519 node key (created 0600 if missing; its public key is the host id); enrollment.json is kept beside it. Default ${DEFAULT_NODE_KEY_FILE}` },
  engineUrl: { env: 'COCOON_ENGINE_URL', doc: 'required: the OpenAI-compatible engine, e.g. http://127.0.0.1:8000/v1 (loopback only under TDX)' },
  engineApiKey: { env: 'COCOON_ENGINE_API_KEY', doc: "the engine's API key, if it has one" },
  engineName: { env: 'COCOON_ENGINE_NAME', doc: 'engine name stated in the claims. Default vLLM' },
  engineImage: { env: 'COCOON_ENGINE_IMAGE', doc: 'required: the engine image digest, sha256:<64 hex>, as the deployment pins it' },
  engineVersion: { env: 'COCOON_ENGINE_VERSION', doc: 'required: the engine version, e.g. 0.11.0' },
  engineArgs: { env: 'COCOON_ENGINE_ARGS', doc: "the engine's exact launch arguments (JSON array of strings)" },
  modelDigests: { env: 'COCOON_MODEL_DIGESTS', doc: 'sha256 of each served model\'s weights (JSON object {"<model id>": "<64 hex>"}); every served model needs one' },
  tee: { env: 'COCOON_TEE', doc: 'auto | tdx | simulated. auto: TDX through configfs-tsm, else refuse; simulated: development only. Default auto' },
  pccsUrl: { env: 'COCOON_PCCS_URL', doc: `Intel collateral service (PCS API v4), e.g. your PCCS. Default ${INTEL_PCS_URL}` },
  gpu: { env: 'COCOON_GPU', doc: 'auto | off. auto: collect NVIDIA CC GPU evidence with gpuEvidenceCmd when set. Default auto' },
  gpuEvidenceCmd: { env: 'COCOON_GPU_EVIDENCE_CMD', doc: 'absolute path of the GPU evidence program, then its arguments (space-separated, no shell)' },
  nvidiaSmi: { env: 'COCOON_NVIDIA_SMI', doc: 'the nvidia-smi program, for the GPU list and CC mode. Default nvidia-smi' },
  priceCoefficientMilli: { env: 'COCOON_PRICE_COEFFICIENT_MILLI', doc: 'price coefficient in thousandths (1000 = base price, 100..100000); the app can change it. Default 1000' },
  maxConcurrentJobs: { env: 'COCOON_MAX_CONCURRENT_JOBS', doc: `jobs run at once (1..${MAX_HOST_CONCURRENT_JOBS}). Default ${DEFAULT_HOST_CONCURRENT_JOBS}` },
  claimsTtlS: { env: 'COCOON_CLAIMS_TTL_S', doc: 'lifetime of an attestation bundle in seconds; re-attested before it ends. Default 3600' },
  brokerHeartbeatMs: { env: 'COCOON_BROKER_HEARTBEAT_MS', doc: 'ping interval; a broker silent for a whole interval is reconnected to. Default 30000' },
  drainTimeoutS: { env: 'COCOON_DRAIN_TIMEOUT_S', doc: 'on SIGTERM, how long running jobs may take to finish before the agent exits anyway. Default 600' },
  metricsAddr: { env: 'COCOON_METRICS_ADDR', doc: `host:port of /healthz and /metrics, or off. Default ${DEFAULT_METRICS_ADDR}` },
  logLevel: { env: 'LOG_LEVEL', doc: 'fatal | error | warn | info | debug | trace | silent. Default info' },
};

/** Environment variables that are not settings: where the config file is. */
export const CONFIG_FILE_ENV = 'COCOON_HOST_CONFIG';

/** Bad configuration: exit code 2, the message lists every bad value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface ConfigSource {
  env: NodeJS.ProcessEnv;
  /** `--config`; else COCOON_HOST_CONFIG; else the default path, which may be absent. */
  file?: string;
  /** Command-line values, above the environment and the file (e.g. `enroll --broker`). */
  overrides?: Partial<Record<SettingKey, unknown>>;
}

export interface LoadedSettings {
  settings: HostSettings;
  /** The file read, or null when none (the default path absent). */
  file: string | null;
}

/** The config file named by the source (or null where the default path does not exist), as JSON. */
function readConfigFile(source: ConfigSource): { file: string | null; values: Record<string, unknown> } {
  const named = source.file ?? source.env[CONFIG_FILE_ENV];
  const file = named ?? DEFAULT_CONFIG_FILE;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (!named && e instanceof Error && 'code' in e && e.code === 'ENOENT') return { file: null, values: {} };
    throw new ConfigError(`cannot read the config file ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  // An empty file (or /dev/null) configures nothing, like an absent default one.
  if (!text.trim()) return { file, values: {} };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`the config file ${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const obj = z.record(z.string(), z.unknown()).safeParse(json);
  if (!obj.success) throw new ConfigError(`the config file ${file} must hold a JSON object of settings`);
  return { file, values: obj.data };
}

/** Settings from the file, the environment and the command line, in rising precedence. */
function merged(source: ConfigSource) {
  const { file, values } = readConfigFile(source);
  const origin = new Map<string, string>(Object.keys(values).map((k) => [k, file ?? 'config']));
  const out: Record<string, unknown> = { ...values };
  for (const [key, { env }] of Object.entries(SETTINGS)) {
    const v = source.env[env];
    // An empty variable is unset: compose files often pass `VAR=` for optional values.
    if (v !== undefined && v !== '') (out[key] = v), origin.set(key, `environment ${env}`);
  }
  for (const [key, v] of Object.entries(source.overrides ?? {})) if (v !== undefined) (out[key] = v), origin.set(key, 'command line');
  return { file, values: out, origin };
}

function describe(error: z.ZodError, origin: Map<string, string>): string {
  const lines = error.issues.map((i) => {
    const key = String(i.path[0] ?? (i.code === 'unrecognized_keys' ? i.keys.join(', ') : ''));
    const doc = SETTINGS[key as SettingKey];
    const where = origin.get(key) ?? (doc ? `set it in the config file or ${doc.env}` : 'config file');
    return `  ${key}${i.path.length > 1 ? `.${i.path.slice(1).join('.')}` : ''} (${where}): ${i.message}`;
  });
  return `invalid host configuration:\n${lines.join('\n')}`;
}

/** Variables earlier versions read: set, they would silently do nothing, so they are refused. */
const RETIRED: Record<string, string> = {
  COCOON_HOST_ID: 'the host id is now the public key of the node key (COCOON_NODE_KEY_FILE); remove COCOON_HOST_ID',
};

/** Every setting, validated; throws ConfigError listing every bad or missing value. */
export function loadSettings(source: ConfigSource): LoadedSettings {
  const retired = Object.keys(RETIRED).filter((k) => source.env[k] !== undefined);
  if (retired.length) throw new ConfigError(`invalid host configuration:\n${retired.map((k) => `  ${k}: ${RETIRED[k]}`).join('\n')}`);
  const { file, values, origin } = merged(source);
  const parsed = SettingsSchema.safeParse(values);
  if (!parsed.success) throw new ConfigError(describe(parsed.error, origin));
  if (parsed.data.broker) {
    const bad = parseBrokerList(parsed.data.broker).errors;
    if (bad.length) throw new ConfigError(`invalid host configuration:\n${bad.map((m) => `  broker (${origin.get('broker')}): ${m}`).join('\n')}`);
  }
  return { settings: parsed.data, file };
}

const LocalSchema = SettingsSchema.pick({ nodeKeyFile: true, metricsAddr: true, logLevel: true, nvidiaSmi: true, broker: true });
export type LocalSettings = z.infer<typeof LocalSchema>;

/** Only what `status` needs (where the agent listens), so it works without the engine settings. */
export function loadLocalSettings(source: ConfigSource): LocalSettings {
  const { values, origin } = merged(source);
  const known = Object.fromEntries(Object.entries(values).filter(([k]) => k in LocalSchema.shape));
  const parsed = LocalSchema.safeParse(known);
  if (!parsed.success) throw new ConfigError(describe(parsed.error, origin));
  return parsed.data;
}

/** What NVIDIA tooling needs from the environment, and nothing of the agent's secrets. */
const GPU_ENV = /^(PATH|HOME|LANG|LC_ALL|LD_LIBRARY_PATH|NVIDIA_[A-Z0-9_]+|CUDA_[A-Z0-9_]+)$/;
export const gpuCommandEnv = (env: NodeJS.ProcessEnv): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((kv): kv is [string, string] => GPU_ENV.test(kv[0]) && kv[1] !== undefined));
