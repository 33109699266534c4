import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { startStack } from './stack';

/**
 * `npm start`: the whole product on its embedded default, for a newcomer on a fresh machine.
 * Broker on PGlite (data in .data/), one host agent with the simulated TEE and the generated demo
 * model, and the Mini App (a development build, with a mocked Telegram) served by the broker.
 */
const port = Number(process.env.PORT ?? 8080);
// A dev-only bot token: the mocked Telegram signs its initData with it. Never use it in production.
const DEV_BOT_TOKEN = '1234567890:DEV-cocoon-embedded-default-not-secret';

console.log('Building the Mini App (development mode, mocked Telegram)...');
execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--mode', 'development', '--outDir', 'dist/web-dev', '--emptyOutDir', '--logLevel', 'warn'], { stdio: 'inherit' });
mkdirSync('.data', { recursive: true });

console.log('Starting the broker and a host agent (first run generates the demo model)...');
const stack = await startStack({
  port,
  dataDir: '.data/pglite',
  botToken: DEV_BOT_TOKEN,
  webDist: 'dist/web-dev',
  devMode: true,
  logLevel: process.env.LOG_LEVEL ?? 'warn',
  hostOutput: (line) => console.log(`[host] ${readable(line)}`),
});
console.log(`\nMini App: ${stack.url}/\n`);
console.log('Open it in a browser: you are a demo Telegram user with starter credits. Ctrl+C stops everything.');

/** The host agent logs JSON (pino); show a newcomer its message, not the envelope. */
function readable(line: string): string {
  try {
    const entry: unknown = JSON.parse(line);
    if (entry && typeof entry === 'object' && 'msg' in entry && typeof entry.msg === 'string') return entry.msg;
  } catch {
    // Not JSON: print the line as it is.
  }
  return line;
}

const stop = async () => {
  await stack.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
