import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Paths pino replaces with "[redacted]". Bodies and WebSocket payloads are never logged at all;
 * this covers the headers and fields that could slip into a log object.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.token',
  '*.secret',
  '*.apiKey',
  '*.initData',
  '*.enrollToken',
  '*.botToken',
  '*.BOT_TOKEN',
  '*.DATABASE_URL',
  '*.TELEGRAM_WEBHOOK_SECRET',
  '*.webhookSecret',
  '*.secret_token',
];

const serializers = {
  // Method and path only: no headers, no query string, never a body.
  req: (req: { method?: string; url?: string; id?: string }) => ({ id: req.id, method: req.method, path: (req.url ?? '').split('?')[0] }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
};

/**
 * The broker's privacy rules on top of any pino logger (its own, or one an embedding process
 * passes to `createServer`): redaction and request serializers that drop headers and queries.
 */
export function withPrivacy(logger: Logger): Logger {
  return logger.child({}, { redact: { paths: REDACT_PATHS, censor: '[redacted]' }, serializers });
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return withPrivacy(pino({ level }, destination));
}
