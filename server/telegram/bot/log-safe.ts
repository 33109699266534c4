import { GrammyError, HttpError } from 'grammy';
import type { FastifyBaseLogger } from 'fastify';

/** The broker's logger as the bot uses it (Fastify's, or a pino logger in tests). */
export type BotLog = Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;

/**
 * What of a Bot API failure may reach a log. Never the error object itself: grammY's GrammyError
 * carries the call's `payload` (a reply, an inline answer holding the text a user typed) and its
 * BotError the whole update, and pino's serializer would copy both. HttpError's message names the
 * method only; the URL with the token is in neither.
 */
export function loggableError(err: unknown): { method?: string; code?: number; description?: string; name?: string; message?: string } {
  if (err instanceof GrammyError) return { method: err.method, code: err.error_code, description: err.description };
  if (err instanceof HttpError) return { name: err.name, message: err.message };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { message: 'non-error thrown' };
}
