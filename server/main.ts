import { createServer } from './app';
import { loadConfig } from './config';

/** The broker process: read config, start, close gracefully on a signal. */
let server;
try {
  server = createServer(loadConfig(process.env));
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
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
