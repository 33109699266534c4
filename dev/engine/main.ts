import pino from 'pino';
import { startDemoEngine } from './demo-engine';

/**
 * `tsx dev/engine/main.ts [--port N] [--json]`: builds (once) and serves the demo model. With
 * `--json`, its one line on stdout is the engine's config (`{"engine": EngineConfig}`), for a
 * caller that runs the engine in its own process as production runs vLLM (`npm run bench`).
 */
async function main(): Promise<void> {
  const at = process.argv.indexOf('--port');
  const port = at === -1 ? 0 : Number(process.argv[at + 1]);
  const json = process.argv.includes('--json');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('usage: tsx dev/engine/main.ts [--port N] [--json]');
  const engine = await startDemoEngine({ port, logger: pino({ level: json ? 'warn' : 'info' }, json ? process.stderr : process.stdout) });
  if (json) console.log(JSON.stringify({ engine: engine.config }));
  else console.log(`demo engine at ${engine.url}; COCOON_MODEL_DIGESTS='${JSON.stringify(engine.config.modelDigests)}'`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void engine.close().then(() => process.exit(0)));
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
