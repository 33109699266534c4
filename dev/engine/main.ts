import pino from 'pino';
import { startDemoEngine } from './demo-engine';

/** `tsx dev/engine/main.ts [--port N]`: builds (once) and serves the demo model. */
async function main(): Promise<void> {
  const at = process.argv.indexOf('--port');
  const port = at === -1 ? 0 : Number(process.argv[at + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('usage: tsx dev/engine/main.ts [--port N]');
  const engine = await startDemoEngine({ port, logger: pino() });
  console.log(`demo engine at ${engine.url}; COCOON_MODEL_DIGESTS='${JSON.stringify(engine.config.modelDigests)}'`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void engine.close().then(() => process.exit(0)));
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
