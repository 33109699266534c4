import { useQuery } from '@tanstack/react-query';
import { MeResponseSchema, ModelsResponseSchema } from '@cocoon/shared/protocol/api';
import { useSession } from './session';

export const queryKeys = {
  me: ['me'] as const,
  models: ['models'] as const,
  host: (model: string | null) => ['host', model] as const,
  attestationPolicy: ['attestation', 'policy'] as const,
  credits: ['credits'] as const,
  history: ['credits', 'history'] as const,
  wallet: ['ton', 'wallet'] as const,
};

/** How many history entries the Credits screen shows. */
export const HISTORY_LIMIT = 50;

/** GET /api/me: the balance and what is on hold. */
export function useMe() {
  const { get } = useSession();
  return useQuery({
    queryKey: queryKeys.me,
    queryFn: ({ signal }) => get('/api/me', MeResponseSchema, signal),
  });
}

/** GET /api/models: every model with its price and how many hosts serve it. */
export function useModels() {
  const { get } = useSession();
  return useQuery({
    queryKey: queryKeys.models,
    queryFn: ({ signal }) => get('/api/models', ModelsResponseSchema, signal),
    refetchInterval: 60_000,
  });
}
