import type { z } from 'zod';
import { CocoonError, ErrorCodeSchema } from '@cocoon/shared/errors';
import { ErrorResponseSchema } from '@cocoon/shared/protocol/api';
import { brokerUrl } from './broker-url';

/** The request never reached the broker (offline, DNS, connection refused). */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface RequestOptions {
  token?: string | undefined;
  method?: HttpMethod;
  body?: unknown;
  signal?: AbortSignal | undefined;
}

function errorFrom(status: number, json: unknown): CocoonError {
  const parsed = ErrorResponseSchema.safeParse(json);
  if (!parsed.success) return new CocoonError('internal', `the broker answered ${status}`);
  const code = ErrorCodeSchema.safeParse(parsed.data.error.code);
  const { message, retryAfterS } = parsed.data.error;
  return new CocoonError(code.success ? code.data : 'internal', message, retryAfterS === undefined ? undefined : { retryAfterS });
}

/**
 * Calls the broker's HTTP API (shared/protocol/api.ts) and parses the answer with its schema.
 * Broker errors throw CocoonError with the broker's code; transport failures throw NetworkError.
 */
export async function api<S extends z.ZodType>(path: string, schema: S, options: RequestOptions = {}): Promise<z.output<S>> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(brokerUrl(path), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (cause) {
    throw new NetworkError('the broker could not be reached', { cause });
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) throw errorFrom(res.status, json);
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new CocoonError('protocol.malformed_message', `unexpected answer from ${path.split('?')[0]}`);
  return parsed.data;
}
