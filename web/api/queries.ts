import { useQuery } from '@tanstack/react-query';
import { MeResponseSchema, ModelsResponseSchema } from '@cocoon/shared/protocol/api';
import { CreditsResponseSchema, HistoryResponseSchema, WalletResponseSchema } from '@cocoon/shared/protocol/payments';
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

/** GET /api/credits: balance, packs and how to pay. `pollMs` while a top-up is on its way. */
export function useCredits(pollMs: number | false = false) {
  const { get } = useSession();
  return useQuery({
    queryKey: queryKeys.credits,
    queryFn: ({ signal }) => get('/api/credits', CreditsResponseSchema, signal),
    refetchInterval: pollMs,
  });
}

/** GET /api/credits/history: newest first. */
export function useHistory(pollMs: number | false = false) {
  const { get } = useSession();
  return useQuery({
    queryKey: queryKeys.history,
    queryFn: ({ signal }) => get(`/api/credits/history?limit=${HISTORY_LIMIT}`, HistoryResponseSchema, signal),
    refetchInterval: pollMs,
  });
}

/** GET /api/ton/wallet: the wallet this user proved with ton_proof, if any. */
export function useProvenWallet() {
  const { get } = useSession();
  return useQuery({
    queryKey: queryKeys.wallet,
    queryFn: ({ signal }) => get('/api/ton/wallet', WalletResponseSchema, signal),
  });
}
