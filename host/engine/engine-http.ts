import { CocoonError, type ErrorCode } from '@cocoon/shared/errors';
import { ErrorBodySchema, errorBodyMessage } from '@cocoon/shared/protocol/openai-chat';

/** Longest engine message we carry into an error; engines can echo long inputs back. */
const MAX_MESSAGE = 500;

/**
 * The engine's HTTP status as our error code: 404 is an unknown model (vLLM answers it even for
 * streamed requests), other 4xx are our request's fault, and 429 or 5xx mean the engine cannot
 * serve now.
 */
export function codeForStatus(status: number): ErrorCode {
  if (status === 404) return 'engine.model_not_found';
  if (status === 429 || status >= 500) return 'engine.unavailable';
  return 'engine.bad_request';
}

/** The message of an OpenAI-style error body (nested or legacy flat form), else the text itself. */
export function engineMessage(text: string): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return text.trim().slice(0, MAX_MESSAGE); // not JSON: a proxy's text or HTML error page
  }
  const body = ErrorBodySchema.safeParse(json);
  return body.success ? errorBodyMessage(body.data).slice(0, MAX_MESSAGE) : text.trim().slice(0, MAX_MESSAGE);
}

/** Turns a non-2xx response into the CocoonError its status calls for, with the engine's message. */
export async function errorFromResponse(res: Response): Promise<CocoonError> {
  const text = await res.text().catch(() => '');
  const message = engineMessage(text) || res.statusText;
  return new CocoonError(codeForStatus(res.status), `engine answered HTTP ${res.status}: ${message}`);
}

export type EngineFetch = (input: string, init: RequestInit) => Promise<Response>;

/**
 * One request to the engine. Network failures become `engine.unavailable`; an abort by the
 * caller's signal is rethrown unchanged so cancellation stays recognisable.
 */
export async function engineRequest(
  fetchImpl: EngineFetch,
  url: string,
  init: RequestInit,
): Promise<Response> {
  const res = await reach(fetchImpl, url, init);
  if (!res.ok) throw await errorFromResponse(res);
  return res;
}

/** Statuses of an engine that does not serve a path at all (or not with this method). */
const NOT_SERVED: readonly number[] = [404, 405, 501];

/** As `engineRequest`, for an endpoint not every engine has: null when this one does not serve it. */
export async function optionalEngineRequest(fetchImpl: EngineFetch, url: string, init: RequestInit): Promise<Response | null> {
  const res = await reach(fetchImpl, url, init);
  if (NOT_SERVED.includes(res.status)) {
    await res.body?.cancel();
    return null;
  }
  if (!res.ok) throw await errorFromResponse(res);
  return res;
}

async function reach(fetchImpl: EngineFetch, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetchImpl(url, init);
  } catch (cause) {
    if (init.signal?.aborted) throw cause;
    const reason = cause instanceof Error && cause.cause instanceof Error ? cause.cause.message : String(cause);
    throw new CocoonError('engine.unavailable', `engine at ${new URL(url).origin} unreachable: ${reason}`, { cause });
  }
}
