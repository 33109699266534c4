import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrokerMetrics } from './broker-metrics';

/** Loopback only: the metrics are for a scraper on the same machine (or a sidecar), never the public. */
export const METRICS_HOST = '127.0.0.1';

export interface MetricsServer {
  /** http://127.0.0.1:PORT/metrics */
  url: string;
  close(): Promise<void>;
}

/**
 * `GET /metrics` (Prometheus text format) on its own listener bound to 127.0.0.1 (METRICS_PORT),
 * apart from the broker's public port, which has no /metrics: nothing in front of the broker can
 * reach it, so it needs no token. Anything else is 404; a failed scrape is 500 with no detail.
 */
export async function startMetricsServer(metrics: BrokerMetrics, port: number, onError: (err: unknown) => void): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.scrape().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (err: unknown) => {
        onError(err);
        res.writeHead(500, { 'content-type': 'text/plain' }).end('scrape failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, METRICS_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${METRICS_HOST}:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
