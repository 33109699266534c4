import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HostHealth } from '../agent/host-agent';
import type { HostMetrics } from './metrics';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** `host:port` (IPv6 in brackets) as listen() takes it. */
export function parseListenAddr(addr: string): { host: string; port: number } {
  const m = /^(\[([0-9a-fA-F:]+)\]|[^:]+):(\d{1,5})$/.exec(addr);
  if (!m) throw new RangeError(`expected host:port, got ${addr}`);
  return { host: m[2] ?? m[1]!, port: Number(m[3]) };
}

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `/healthz` (JSON; 200 while the broker has this host online, else 503, so a probe can tell) and
 * `/metrics` (Prometheus) on a local address. It serves only counts and states, never job content.
 */
export async function startHealthServer(addr: string, source: { health(): HostHealth; metrics: HostMetrics }): Promise<HealthServer> {
  const { host, port } = parseListenAddr(addr);
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      const h = source.health();
      res.writeHead(h.state === 'online' ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(h));
    } else if (path === '/metrics') {
      const h = source.health();
      res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(source.metrics.render({ activeJobs: h.activeJobs, brokerConnected: h.brokerConnected, draining: h.draining }));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => (server.off('error', reject), resolve()));
  });
  const bound = server.address() as AddressInfo;
  const shownHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${shownHost}:${bound.port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        // A scraper's idle keep-alive connection must not hold the agent's exit.
        server.closeAllConnections();
      }),
  };
}
