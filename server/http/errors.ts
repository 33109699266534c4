import type { FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { CocoonError, ErrorCodes, toWireError, type WireError } from '@cocoon/shared/errors';

export interface Failure {
  status: number;
  error: WireError;
}

/** Field paths only: a zod message may quote the input, which can be a secret. */
function describeZod(e: ZodError): string {
  const paths = [...new Set(e.issues.map((i) => i.path.join('.') || '(message)'))].slice(0, 5);
  return `invalid fields: ${paths.join(', ')}`;
}

/** A Fastify client error (bad JSON, wrong content type, body too large) is the caller's fault. */
const isClientHttpError = (e: unknown): e is { statusCode: number } =>
  typeof e === 'object' && e !== null && 'statusCode' in e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500;

/**
 * The broker's one funnel: anything thrown becomes a wire error with its code's status. Internals
 * never leak; the caller logs the original (with its cause) at the level this returns.
 */
export function toFailure(e: unknown): Failure {
  if (e instanceof CocoonError) return { status: e.httpStatus, error: e.toWire() };
  if (e instanceof ZodError) {
    return { status: ErrorCodes['protocol.malformed_message'], error: { code: 'protocol.malformed_message', message: describeZod(e) } };
  }
  if (isClientHttpError(e)) {
    return { status: ErrorCodes['protocol.malformed_message'], error: { code: 'protocol.malformed_message', message: 'malformed request' } };
  }
  return { status: 500, error: toWireError(e) };
}

/** Installs the funnel and a JSON 404 on a Fastify app. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const failure = toFailure(err);
    if (failure.status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ code: failure.error.code }, 'request rejected');
    if (failure.error.retryAfterS !== undefined) void reply.header('retry-after', String(failure.error.retryAfterS));
    return reply.status(failure.status).send({ error: failure.error });
  });
}

export function notFound(): Failure {
  return { status: ErrorCodes['http.not_found'], error: { code: 'http.not_found', message: 'no such route' } };
}
