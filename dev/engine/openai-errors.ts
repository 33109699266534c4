import { CocoonError, isCocoonError } from '@cocoon/shared/errors';
import type { ErrorBody } from '@cocoon/shared/protocol/openai-chat';

/**
 * The built-in engine's error funnel: anything thrown becomes vLLM's nested error body and
 * status. CocoonErrors and Fastify's own 4xx (bad JSON, wrong content type, body too large)
 * keep their message; anything else is an internal error whose details stay in the log.
 */
export function toOpenAiError(e: unknown): { status: number; body: ErrorBody } {
  const { status, message } = statusAndMessage(e);
  const type = status === 404 ? 'NotFoundError' : status < 500 ? 'BadRequestError' : 'InternalServerError';
  const param = isCocoonError(e, 'engine.model_not_found') ? 'model' : null;
  return { status, body: { error: { message, type, param, code: status } } };
}

function statusAndMessage(e: unknown): { status: number; message: string } {
  if (e instanceof CocoonError) return { status: e.httpStatus, message: e.message };
  if (e instanceof Error && 'statusCode' in e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, message: e.message };
  }
  return { status: 500, message: 'internal error' };
}
