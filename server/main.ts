import { createServer } from './app';
import { loadConfig } from './config';

/** The broker process: read config, start, close gracefully on a signal. */
let config;
try {
  config = loadConfig(process.env);
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
const server = createServer(config);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`${signal}: closing`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('shutdown failed', err);
        process.exit(1);
      },
    );
  });
}
const { url } = await server.start();
console.log(`cocoon broker listening on ${url}`);
