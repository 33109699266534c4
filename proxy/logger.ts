import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * The proxy's log: JSON lines with request ids, models, hosts, token counts and charges, never a
 * prompt or an answer. Credentials are redacted wherever they might appear.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { svc: 'cocoon-proxy' },
      redact: { paths: ['key', 'apiKey', 'token', 'credential', 'authorization', '*.key', '*.apiKey', '*.token', '*.credential', '*.authorization', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' },
    },
    destination ?? pino.destination(2),
  );
}
