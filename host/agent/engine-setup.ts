import type { Claims } from '@cocoon/shared/protocol/attestation-bundle';
import { CocoonError } from '@cocoon/shared/errors';
import { createEngineClient } from '../engine/engine-client';
import type { Logger } from './logger';

/**
 * The OpenAI-compatible engine the agent serves from (vLLM in production; in development the
 * demo llama.cpp engine of @cocoon/dev, started beside the agent by `npm start`).
 */
export interface EngineConfig {
  url: string;
  apiKey?: string;
  name: string;
  /** The engine container's image digest (`sha256:…`), as the deployment pins it. */
  imageDigest: string;
  version: string;
  /** The engine's exact launch arguments. */
  args: string[];
  /** sha256 of each served model's weights, stated by the operator; listed in the attestation claims. */
  modelDigests: Record<string, string>;
}

export interface RunningEngine {
  url: string;
  apiKey?: string;
  description: string;
  models: Claims['models'];
  close(): Promise<void>;
}

/** Connects to the engine and lists what it serves; every served model needs a stated weights digest. */
export async function startEngine(config: EngineConfig, logger: Logger, opts: { tee: 'simulated' | 'tdx' }): Promise<RunningEngine> {
  // Decrypted prompts go to the engine: in a confidential VM it must run inside the same VM.
  if (opts.tee === 'tdx' && !isLoopbackUrl(config.url)) {
    throw new CocoonError('config.invalid', `COCOON_ENGINE_URL ${config.url} is not on this machine's loopback: in TDX mode the engine must run inside the same confidential VM (127.0.0.1, ::1 or localhost)`);
  }
  // An engine's weights cannot be hashed from here: the operator states each digest.
  const served = await createEngineClient({ baseUrl: config.url, apiKey: config.apiKey }).listModels();
  const models = served.map((m) => {
    const weightsDigest = config.modelDigests[m.id];
    if (!weightsDigest) throw new CocoonError('config.invalid', `no weights digest configured for engine model ${m.id}`);
    return m.maxModelLen ? { name: m.id, weightsDigest, contextLength: m.maxModelLen } : { name: m.id, weightsDigest };
  });
  logger.info({ engine: config.name, url: config.url, models: models.map((m) => m.name) }, 'engine reachable');
  return { url: config.url, apiKey: config.apiKey, description: config.name, models, close: async () => {} };
}

/** http(s) on 127.0.0.0/8, ::1 or localhost: the only engine addresses a TDX host accepts. */
export function isLoopbackUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
