import pino from 'pino';

export type Logger = pino.Logger;

/** The host's logger. Prompts, answers and keys never reach it; only ids, sizes and timings do. */
export const createLogger = (level: string): Logger =>
  pino({ level, base: { svc: 'host' }, redact: ['enrollToken', '*.enrollToken', 'token', '*.token'] });
