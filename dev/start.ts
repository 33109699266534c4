import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { ensureDemoApiKey } from './demo-api-key';
import { startDevProxy } from './dev-proxy';
import { startStack } from './stack';

/**
 * `npm start`: the whole product on its embedded default, for a newcomer on a fresh machine.
 * Broker on PGlite (data in .data/), one host agent with the simulated TEE and the generated demo
 * model, the Mini App (a development build, with a mocked Telegram) served by the broker, and the
 * developer proxy (OpenAI-compatible, on 127.0.0.1:8787) with the demo user's API key.
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
  operatorPolicy: true,
  logLevel: process.env.LOG_LEVEL ?? 'warn',
  hostOutput: (line) => console.log(`[host] ${readable(line)}`),
});
// The demo user's developer API key, for the local encrypting proxy (kept beside the database).
const demoApiKey = await ensureDemoApiKey(stack, '.data/demo-api-key');
// The developer proxy with that key, verifying the host under the development operator policy.
const { proxy, url: apiUrl } = await startDevProxy(stack, { credential: demoApiKey, dataDir: '.data/proxy', port: Number(process.env.PROXY_PORT ?? 8787), logLevel: process.env.LOG_LEVEL ?? 'warn' });
console.log(`\nMini App: ${stack.url}/\n`);
console.log('Open it in a browser: you are a demo Telegram user with starter credits. Ctrl+C stops everything.');
console.log(`GPU host: ${stack.hostId} (simulated TEE; its node key in .data/hosts/, enrolled to the demo GPU owner)`);
console.log(`\nOpenAI-compatible API: ${apiUrl}`);
console.log(`API key: ${demoApiKey}  (the demo user's; kept in .data/demo-api-key, managed in the app's Developer screen)`);
console.log(`  curl ${apiUrl}/chat/completions -H "Authorization: Bearer ${demoApiKey}" -H 'content-type: application/json' \\\n    -d '{"model": "cocoon-demo-bigram", "messages": [{"role": "user", "content": "Hello"}], "max_tokens": 32}'`);

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
  await proxy.close();
  await stack.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
