import type { z } from 'zod';
import { ChainError } from '../chain';
import { EnvelopeSchema } from './schemas';

export interface HttpOptions {
  baseUrl: string;
  apiKey?: string | undefined;
  timeoutMs?: number;
}

export interface ToncenterHttp {
  get<S extends z.ZodType>(method: string, query: Record<string, string>, schema: S): Promise<z.output<S>>;
  post<S extends z.ZodType>(method: string, body: unknown, schema: S): Promise<z.output<S>>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Statuses that mean "try again later" rather than "the API refused this request". */
const isTransient = (status: number): boolean => status === 429 || status === 502 || status === 503 || status === 504;

/** toncenter's transport: `{ ok, result }` envelopes, the API key header, typed failures. */
export function toHttp(opts: HttpOptions): ToncenterHttp {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.apiKey) headers['x-api-key'] = opts.apiKey;

  const call = async <S extends z.ZodType>(method: string, init: RequestInit & { url: string }, schema: S): Promise<z.output<S>> => {
    let res: Response;
    try {
      res = await fetch(init.url, { ...init, headers: { ...headers, ...init.headers }, signal: AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
    } catch (cause) {
      throw new ChainError('ton.chain_unavailable', method, 'no answer from the TON API', undefined, { cause });
    }
    const body: unknown = await res.json().catch(() => undefined);
    const envelope = EnvelopeSchema.safeParse(body);
    if (!envelope.success) {
      const code = isTransient(res.status) || res.status >= 500 ? 'ton.chain_unavailable' : 'ton.chain_malformed';
      throw new ChainError(code, method, `HTTP ${res.status} without an API envelope`, res.status);
    }
    if (!envelope.data.ok) {
      const code = isTransient(res.status) ? 'ton.chain_unavailable' : 'ton.chain_rejected';
      // The API's own error text names the failure (e.g. a rejected external message); it holds no secrets.
      throw new ChainError(code, method, `HTTP ${res.status}: ${envelope.data.error.slice(0, 300)}`, res.status);
    }
    const result = schema.safeParse(envelope.data.result);
    if (!result.success) throw new ChainError('ton.chain_malformed', method, 'unexpected result shape', res.status, { cause: result.error });
    return result.data;
  };

  return {
    get: (method, query, schema) => call(method, { method: 'GET', url: `${base}/${method}?${new URLSearchParams(query)}` }, schema),
    post: (method, body, schema) =>
      call(method, { method: 'POST', url: `${base}/${method}`, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }, schema),
  };
}
