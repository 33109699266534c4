import type { z } from 'zod';
import { ApiKeyResponseSchema, ApiKeysResponseSchema, CreateApiKeyResponseSchema, GenerationResponseSchema, UsageResponseSchema } from '@cocoon/shared/protocol/developer';
import { ErrorResponseSchema, MeResponseSchema } from '@cocoon/shared/protocol/api';
import type { CocoonServer } from '../../app';

type Limits = { total?: bigint | null; daily?: bigint | null; perRequest?: bigint | null };
const wireLimits = (l: Limits = {}) => ({
  total: l.total == null ? null : String(l.total),
  daily: l.daily == null ? null : String(l.daily),
  perRequest: l.perRequest == null ? null : String(l.perRequest),
});

/** The developer API through `inject`, parsed with its schemas; errors as `{ status, code, message }`. */
export class DeveloperApi {
  constructor(private readonly server: CocoonServer) {}

  async request(method: 'GET' | 'POST', url: string, token: string | undefined, payload?: unknown) {
    return this.server.app.inject({ method, url, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}), ...(payload === undefined ? {} : { payload: payload as object }) });
  }

  /** The error answer of a request expected to fail. */
  async error(method: 'GET' | 'POST', url: string, token: string | undefined, payload?: unknown): Promise<{ status: number; code: string; message: string }> {
    const res = await this.request(method, url, token, payload);
    if (res.statusCode < 400) throw new Error(`${method} ${url} answered ${res.statusCode}, expected an error`);
    const { error } = ErrorResponseSchema.parse(res.json());
    return { status: res.statusCode, code: error.code, message: error.message };
  }

  private async ok<S extends z.ZodType>(schema: S, method: 'GET' | 'POST', url: string, token: string | undefined, payload?: unknown): Promise<z.output<S>> {
    const res = await this.request(method, url, token, payload);
    if (res.statusCode !== 200) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body}`);
    return schema.parse(res.json());
  }

  createKey(session: string, name: string, limits?: Limits) {
    return this.ok(CreateApiKeyResponseSchema, 'POST', '/api/developer/keys', session, { name, limits: wireLimits(limits) });
  }

  listKeys(session: string) {
    return this.ok(ApiKeysResponseSchema, 'GET', '/api/developer/keys', session);
  }

  revoke(session: string, keyId: string) {
    return this.ok(ApiKeyResponseSchema, 'POST', `/api/developer/keys/${keyId}/revoke`, session, {});
  }

  setLimits(session: string, keyId: string, limits: Limits) {
    return this.ok(ApiKeyResponseSchema, 'POST', `/api/developer/keys/${keyId}/limits`, session, { limits: wireLimits(limits) });
  }

  usage(token: string, query: Record<string, string> = {}) {
    return this.ok(UsageResponseSchema, 'GET', `/api/developer/usage?${new URLSearchParams(query).toString()}`, token);
  }

  generation(token: string, jobId: string) {
    return this.ok(GenerationResponseSchema, 'GET', `/api/developer/generation/${jobId}`, token);
  }

  me(token: string) {
    return this.ok(MeResponseSchema, 'GET', '/api/me', token);
  }
}
