import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  ApiKeyResponseSchema,
  ApiKeysResponseSchema,
  CreateApiKeyResponseSchema,
  UsageExportResponseSchema,
  UsageResponseSchema,
  type ApiKeyLimits,
} from '@cocoon/shared/protocol/developer';
import { useSession } from '../../api/session';

/** How many requests one page of usage shows. */
export const USAGE_PAGE = 25;

export const developerKeys = {
  keys: ['developer', 'keys'] as const,
  usage: (key: string | null, day: string | null) => ['developer', 'usage', key, day] as const,
};

const wireLimits = (l: ApiKeyLimits) => ({
  total: l.total === null ? null : String(l.total),
  daily: l.daily === null ? null : String(l.daily),
  perRequest: l.perRequest === null ? null : String(l.perRequest),
});

/** GET /api/developer/keys: the user's keys with what they spent. */
export function useApiKeys() {
  const { get } = useSession();
  return useQuery({
    queryKey: developerKeys.keys,
    queryFn: ({ signal }) => get('/api/developer/keys', ApiKeysResponseSchema, signal),
  });
}

/** GET /api/developer/usage, page by page (the broker's cursor), filtered by key and UTC day. */
export function useUsage(key: string | null, day: string | null) {
  const { get } = useSession();
  return useInfiniteQuery({
    queryKey: developerKeys.usage(key, day),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const q = new URLSearchParams({ limit: String(USAGE_PAGE), ...(key ? { key } : {}), ...(day ? { day } : {}), ...(pageParam ? { cursor: pageParam } : {}) });
      return get(`/api/developer/usage?${q.toString()}`, UsageResponseSchema, signal);
    },
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** POST /api/developer/keys: the answer holds the key in clear, once; it is kept only in the sheet's state. */
export function useCreateApiKey() {
  const { post } = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; limits: ApiKeyLimits }) => post('/api/developer/keys', { name: input.name, limits: wireLimits(input.limits) }, CreateApiKeyResponseSchema),
    onSuccess: () => client.invalidateQueries({ queryKey: developerKeys.keys }),
  });
}

export function useRevokeApiKey() {
  const { post } = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) => post(`/api/developer/keys/${keyId}/revoke`, {}, ApiKeyResponseSchema),
    onSuccess: () => client.invalidateQueries({ queryKey: developerKeys.keys }),
  });
}

export function useUpdateApiKeyLimits() {
  const { post } = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { keyId: string; limits: ApiKeyLimits }) => post(`/api/developer/keys/${input.keyId}/limits`, { limits: wireLimits(input.limits) }, ApiKeyResponseSchema),
    onSuccess: () => client.invalidateQueries({ queryKey: developerKeys.keys }),
  });
}

/** POST /api/developer/usage/export: a signed link to the CSV, for Telegram to download. */
export function useUsageExport() {
  const { post } = useSession();
  return useMutation({
    mutationFn: (filter: { key: string | null; day: string | null }) =>
      post('/api/developer/usage/export', { ...(filter.key ? { key: filter.key } : {}), ...(filter.day ? { day: filter.day } : {}) }, UsageExportResponseSchema),
  });
}
