import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createBuiltinEngine } from './builtin-engine';
import { ensureDemoModel } from './demo-model/build-demo-model';

/** `tsx host/engine/main.ts [--port N]`: builds (once) and serves the demo model. */
async function main(): Promise<void> {
  const at = process.argv.indexOf('--port');
  const port = at === -1 ? 0 : Number(process.argv[at + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('usage: tsx host/engine/main.ts [--port N]');
  const model = await ensureDemoModel(fileURLToPath(new URL('../../.cache/models', import.meta.url)));
  const engine = createBuiltinEngine({ modelPath: model.path, modelName: model.name, port, logger: pino() });
  const { url } = await engine.start();
  console.log(`${model.name} (${model.path}, sha256 ${model.sha256}) at ${url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void engine.close().then(() => process.exit(0)));
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
