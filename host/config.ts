import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { HostIdSchema } from '@cocoon/shared/protocol/attestation-bundle';
import { DEFAULT_HOST_CONCURRENT_JOBS, MAX_HOST_CONCURRENT_JOBS } from '@cocoon/shared/protocol/ws-messages';
import type { HostAgentConfig } from './agent/host-agent';
import { INTEL_PCS_URL } from './attestation/pcs-collateral';

const EnvSchema = z.object({
  COCOON_BROKER_URL: z.url({ protocol: /^wss?$/ }).default('ws://127.0.0.1:8080/api/host'),
  COCOON_ENROLL_TOKEN: z.string({ error: 'required: the enrollment token from the app' }).min(16, 'an enrollment token has 16 or more characters'),
  COCOON_HOST_ID: HostIdSchema.optional(),
  /** The OpenAI-compatible engine (vLLM, SGLang, llama.cpp server) beside the agent. */
  COCOON_ENGINE_URL: z.url({ error: 'required: the OpenAI-compatible engine, e.g. http://127.0.0.1:8000/v1 (vLLM); the demo engine runs only under `npm start`' }),
  COCOON_ENGINE_API_KEY: z.string().optional(),
  COCOON_ENGINE_NAME: z.string().min(1).max(128).default('vLLM'),
  /** What the engine is, stated in the claims and matched by the operator's policy. */
  COCOON_ENGINE_IMAGE: z.string({ error: 'required: the engine image digest, sha256:<64 hex> (e.g. of vllm/vllm-openai)' }).regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256:<64 hex>'),
  COCOON_ENGINE_VERSION: z.string({ error: 'required: the engine version, e.g. 0.11.0' }).min(1).max(64),
  /** JSON array of the engine's exact launch arguments. */
  COCOON_ENGINE_ARGS: z.string().default('[]'),
  /** JSON `{ "<model id>": "<sha256 of weights>" }`, required with COCOON_ENGINE_URL. */
  COCOON_MODEL_DIGESTS: z.string().default('{}'),
  /** auto: a real TDX guest when configfs-tsm is present, else refuse; simulated: development only. */
  COCOON_TEE: z.enum(['auto', 'tdx', 'simulated']).default('auto'),
  /** Where TDX hosts fetch Intel collateral (PCS API v4): Intel's PCS, or a caching service (PCCS) in production. */
  COCOON_PCCS_URL: z
    .url({ protocol: /^https?$/ })
    .refine((u) => !new URL(u).username && !new URL(u).password, 'credentials in the URL are not supported')
    .default(INTEL_PCS_URL),
  /** auto: collect NVIDIA CC GPU evidence when COCOON_GPU_EVIDENCE_CMD is set; off: never. */
  COCOON_GPU: z.enum(['auto', 'off']).default('auto'),
  /** The program printing the GPUs' evidence (contract: host/attestation/gpu-evidence.ts), split on spaces, no shell. */
  COCOON_GPU_EVIDENCE_CMD: z
    .string()
    .trim()
    .transform((s): [string, ...string[]] => {
      const [program = '', ...args] = s.split(/\s+/);
      return [program, ...args];
    })
    .refine(([program]) => program.startsWith('/'), 'expected an absolute program path, then its arguments, separated by spaces')
    .optional(),
  COCOON_PRICE_COEFFICIENT_MILLI: z.coerce.number().int().min(100).max(100_000).default(1000),
  COCOON_CLAIMS_TTL_S: z.coerce.number().int().min(60).max(7 * 86400).default(3600),
  /** Ping interval to the broker; one silent for a whole interval is dropped and reconnected to. */
  COCOON_BROKER_HEARTBEAT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** Jobs the host runs at once, stated in its hello: the broker never sends more, and the agent refuses more (host.busy). */
  COCOON_MAX_CONCURRENT_JOBS: z.coerce.number().int().min(1).max(MAX_HOST_CONCURRENT_JOBS).default(DEFAULT_HOST_CONCURRENT_JOBS),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const ArgsSchema = z.array(z.string().max(1024)).max(256);
const DigestsSchema = z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/, 'expected a hex SHA-256'));

/** What NVIDIA tooling needs from the environment, and nothing of the agent's secrets. */
const GPU_ENV = /^(PATH|HOME|LANG|LC_ALL|LD_LIBRARY_PATH|NVIDIA_[A-Z0-9_]+|CUDA_[A-Z0-9_]+)$/;
const gpuCommandEnv = (env: NodeJS.ProcessEnv): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((kv): kv is [string, string] => GPU_ENV.test(kv[0]) && kv[1] !== undefined));

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** The only reader of the host's environment. Throws one message listing every bad value. */
export function loadHostConfig(env: NodeJS.ProcessEnv): HostAgentConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid host configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  const e = parsed.data;
  const digests = DigestsSchema.safeParse(parseJson(e.COCOON_MODEL_DIGESTS));
  if (!digests.success) throw new Error('invalid host configuration:\n  COCOON_MODEL_DIGESTS: expected a JSON object of model id -> sha256 hex');
  const args = ArgsSchema.safeParse(parseJson(e.COCOON_ENGINE_ARGS));
  if (!args.success) throw new Error('invalid host configuration:\n  COCOON_ENGINE_ARGS: expected a JSON array of strings');
  return {
    brokerUrl: e.COCOON_BROKER_URL,
    enrollToken: e.COCOON_ENROLL_TOKEN,
    hostId: e.COCOON_HOST_ID ?? `host-${randomBytes(4).toString('hex')}`,
    engine: {
      url: e.COCOON_ENGINE_URL,
      apiKey: e.COCOON_ENGINE_API_KEY,
      name: e.COCOON_ENGINE_NAME,
      imageDigest: e.COCOON_ENGINE_IMAGE,
      version: e.COCOON_ENGINE_VERSION,
      args: args.data,
      modelDigests: digests.data,
    },
    tee: e.COCOON_TEE,
    pccsUrl: e.COCOON_PCCS_URL,
    gpu: { mode: e.COCOON_GPU, ...(e.COCOON_GPU_EVIDENCE_CMD && { command: e.COCOON_GPU_EVIDENCE_CMD }), env: gpuCommandEnv(env) },
    priceCoefficientMilli: e.COCOON_PRICE_COEFFICIENT_MILLI,
    claimsTtlSeconds: e.COCOON_CLAIMS_TTL_S,
    brokerHeartbeatMs: e.COCOON_BROKER_HEARTBEAT_MS,
    maxConcurrentJobs: e.COCOON_MAX_CONCURRENT_JOBS,
    logLevel: e.LOG_LEVEL,
  };
}
