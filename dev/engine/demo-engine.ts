import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import type { EngineConfig } from '@cocoon/host/agent/engine-setup';
import { createBuiltinEngine } from './builtin-engine';
import { ensureDemoModel } from './demo-model/build-demo-model';

/** Where the generated demo model is kept: the repository's `.cache/models`. */
export const DEMO_MODEL_CACHE = fileURLToPath(new URL('../../.cache/models', import.meta.url));

/** The llama.cpp binding the demo engine runs (dev/llama/package.json). */
export const DEMO_ENGINE_BINDING_VERSION = '3.22.1';

export interface DemoEngine {
  url: string;
  /** What a host agent needs to serve from it, with the weights' digest it attests. */
  config: EngineConfig;
  close(): Promise<void>;
}

/**
 * The demo engine of the embedded default: llama.cpp on the generated word-bigram model, behind
 * the same OpenAI-compatible API a production host's vLLM serves on loopback. Builds the model on
 * first use.
 */
export async function startDemoEngine(opts: { cacheDir?: string; port?: number; logger?: FastifyBaseLogger } = {}): Promise<DemoEngine> {
  const model = await ensureDemoModel(opts.cacheDir ?? DEMO_MODEL_CACHE);
  const engine = createBuiltinEngine({ modelPath: model.path, modelName: model.name, port: opts.port, logger: opts.logger });
  const { url } = await engine.start();
  // Not a container: its "image" is named by a digest of what it is, so the claims and a policy
  // can pin it like a production engine's image.
  const version = `node-llama-cpp ${DEMO_ENGINE_BINDING_VERSION}`;
  const args = ['--model', model.name, '--threads', '1', '--gpu', 'false'];
  const imageDigest = `sha256:${createHash('sha256').update(`cocoon demo engine\n${version}\n${model.sha256}`).digest('hex')}`;
  return {
    url,
    config: { url, name: 'llama.cpp (demo)', imageDigest, version, args, modelDigests: { [model.name]: model.sha256 } },
    close: () => engine.close(),
  };
}
