import type { z } from 'zod';
import { CocoonError, ErrorCodeSchema } from '@cocoon/shared/errors';
import {
  AttestationPolicyResponseSchema,
  ErrorResponseSchema,
  HostBundleResponseSchema,
  HostsResponseSchema,
  MeResponseSchema,
  ModelsResponseSchema,
} from '@cocoon/shared/protocol/api';
import type { AttestationBundle } from '@cocoon/shared/protocol/attestation-bundle';
import { GenerationResponseSchema } from '@cocoon/shared/protocol/developer';

/** How long a broker call may take before it counts as failed. */
const TIMEOUT_MS = 15_000;

export type BrokerModel = z.infer<typeof ModelsResponseSchema>['models'][number];
export type BrokerHost = z.infer<typeof HostsResponseSchema>['hosts'][number];

/** A bundle as the broker served it, with its ETag for revalidation. */
export type BundleAnswer = { kind: 'bundle'; bundle: AttestationBundle; etag: string | null } | { kind: 'unchanged' };

/**
 * The broker's HTTP API as the proxy uses it, each answer parsed by its shared schema. Every call
 * names the credential it runs under (the proxy serves several keys); errors are the broker's
 * own, as CocoonErrors with its code and message.
 */
export interface BrokerApi {
  readonly baseUrl: string;
  models(credential: string): Promise<BrokerModel[]>;
  hosts(credential: string, model: string): Promise<BrokerHost[]>;
  bundle(credential: string, hostId: string, etag?: string): Promise<BundleAnswer>;
  signedPolicy(): Promise<unknown>;
  me(credential: string): Promise<z.infer<typeof MeResponseSchema>>;
  /** `GET /api/developer/generation/:jobId`: the broker's record of one job, with the signed receipt it settled from. */
  generation(credential: string, jobId: string): Promise<z.output<typeof GenerationResponseSchema>>;
  /** True when the broker serves the development routes (`DEV_MODE`): `GET /api/dev/init-data` answers. */
  isDevelopmentBroker(): Promise<boolean>;
}

export function createBrokerApi(baseUrl: string): BrokerApi {
  const get = async (path: string, credential?: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${baseUrl}${path}`, {
      headers: { accept: 'application/json', ...headers, ...(credential ? { authorization: `Bearer ${credential}` } : {}) },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }).catch((cause: unknown) => {
      throw new CocoonError('job.host_gone', `the broker at ${baseUrl} is unreachable`, { cause });
    });
    if (res.status >= 400) throw await brokerError(res);
    return res;
  };
  const json = async <S extends z.ZodType>(schema: S, res: Response): Promise<z.output<S>> => {
    const parsed = schema.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw new CocoonError('protocol.malformed_message', `the broker sent an unexpected answer to ${new URL(res.url).pathname}`);
    return parsed.data;
  };
  return {
    baseUrl,
    models: async (credential) => (await json(ModelsResponseSchema, await get('/api/models', credential))).models,
    hosts: async (credential, model) => (await json(HostsResponseSchema, await get(`/api/hosts?model=${encodeURIComponent(model)}`, credential))).hosts,
    async bundle(credential, hostId, etag) {
      const res = await get(`/api/hosts/${encodeURIComponent(hostId)}/bundle`, credential, etag ? { 'if-none-match': etag } : {});
      if (res.status === 304) return { kind: 'unchanged' };
      const body = await json(HostBundleResponseSchema, res);
      if (body.hostId !== hostId) throw new CocoonError('attestation.host_mismatch', `asked for host ${hostId}'s bundle, the broker sent ${body.hostId}'s`);
      return { kind: 'bundle', bundle: body.bundle, etag: res.headers.get('etag') };
    },
    signedPolicy: async () => (await json(AttestationPolicyResponseSchema, await get('/api/attestation/policy'))).signedPolicy,
    me: async (credential) => json(MeResponseSchema, await get('/api/me', credential)),
    generation: async (credential, jobId) => json(GenerationResponseSchema, await get(`/api/developer/generation/${encodeURIComponent(jobId)}`, credential)),
    async isDevelopmentBroker() {
      const res = await fetch(`${baseUrl}/api/dev/init-data`, { signal: AbortSignal.timeout(TIMEOUT_MS) }).catch(() => undefined);
      return res?.ok === true;
    },
  };
}

/** The broker's `{ error: { code, message } }` as a CocoonError; an unknown code keeps the HTTP status's meaning. */
async function brokerError(res: Response): Promise<CocoonError> {
  const body = ErrorResponseSchema.safeParse(await res.json().catch(() => undefined));
  if (!body.success) return new CocoonError(res.status === 404 ? 'http.not_found' : res.status === 401 ? 'auth.session_invalid' : 'internal', `the broker answered ${res.status}`);
  const { code, message, retryAfterS } = body.data.error;
  const known = ErrorCodeSchema.safeParse(code);
  return new CocoonError(known.success ? known.data : statusCode(res.status), message, retryAfterS === undefined ? undefined : { retryAfterS });
}

/** For a code this build does not know (a newer broker): the nearest one with the same status. */
function statusCode(status: number) {
  if (status === 401) return 'auth.session_invalid' as const;
  if (status === 402) return 'ledger.insufficient_credits' as const;
  if (status === 404) return 'http.not_found' as const;
  if (status === 429) return 'rate_limited' as const;
  if (status === 400) return 'protocol.malformed_message' as const;
  return 'internal' as const;
}
