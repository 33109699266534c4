import type { ServerOptions } from 'node:http';
import type { ServerConfig } from '../config';

type TimeoutConfig = Pick<ServerConfig, 'HTTP_HEADERS_TIMEOUT_MS' | 'HTTP_REQUEST_TIMEOUT_MS' | 'HTTP_CONNECTION_TIMEOUT_MS' | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'>;

/**
 * The HTTP server's timeouts (README, broker configuration), against slow-loris clients and idle
 * connections: a connection whose headers (or whole request) are not in within their time gets
 * 408 and is closed, one with no traffic for `HTTP_CONNECTION_TIMEOUT_MS` is destroyed, an idle
 * keep-alive one is closed after `HTTP_KEEP_ALIVE_TIMEOUT_MS`. Node checks the first two on an interval
 * (30 s by default), so the interval is a quarter of the headers timeout, at most a second.
 */
export function httpTimeouts(c: TimeoutConfig): { connectionTimeout: number; keepAliveTimeout: number; requestTimeout: number; http: ServerOptions } {
  return {
    connectionTimeout: c.HTTP_CONNECTION_TIMEOUT_MS,
    keepAliveTimeout: c.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: c.HTTP_REQUEST_TIMEOUT_MS,
    http: {
      headersTimeout: c.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: c.HTTP_REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(c.HTTP_HEADERS_TIMEOUT_MS / 4))),
    },
  };
}
