import type { Claims } from '../../shared/protocol/attestation-bundle';
import { CocoonError } from '../../shared/errors';
import { createBuiltinEngine } from '../engine/builtin-engine';
import { createEngineClient } from '../engine/engine-client';
import { ensureDemoModel } from '../engine/demo-model/build-demo-model';
import type { Logger } from './logger';

/** Either the built-in llama.cpp engine on the generated demo model, or any OpenAI-compatible URL. */
export type EngineConfig =
  | { kind: 'builtin'; modelCacheDir: string }
  | { kind: 'external'; url: string; apiKey?: string; name: string; modelDigests: Record<string, string> };

export interface RunningEngine {
  url: string;
  apiKey?: string;
  description: string;
  models: Claims['models'];
  close(): Promise<void>;
}

export async function startEngine(config: EngineConfig, logger: Logger): Promise<RunningEngine> {
  if (config.kind === 'builtin') {
    const model = await ensureDemoModel(config.modelCacheDir);
    const engine = createBuiltinEngine({ modelPath: model.path, modelName: model.name });
    const { url } = await engine.start();
    logger.info({ model: model.name, url }, 'built-in engine ready');
    return { url, description: 'llama.cpp (node-llama-cpp, built-in)', models: [{ name: model.name, weightsDigest: model.sha256 }], close: () => engine.close() };
  }
  // An external engine's weights cannot be hashed from here: the operator states each digest.
  const served = await createEngineClient({ baseUrl: config.url, apiKey: config.apiKey }).listModels();
  const models = served.map((m) => {
    const weightsDigest = config.modelDigests[m.id];
    if (!weightsDigest) throw new CocoonError('config.invalid', `no weights digest configured for engine model ${m.id}`);
    return { name: m.id, weightsDigest };
  });
  return { url: config.url, apiKey: config.apiKey, description: config.name, models, close: async () => {} };
}
