import { useQuery } from '@tanstack/react-query';
import { MeResponseSchema, ModelsResponseSchema } from '../../shared/protocol/api';
import { useSession } from './session';

export const queryKeys = {
  me: ['me'] as const,
  models: ['models'] as const,
  host: (model: string | null) => ['host', model] as const,
};

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
