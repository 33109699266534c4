import { useQuery } from '@tanstack/react-query';
import { CreditsResponseSchema, HistoryResponseSchema, WalletResponseSchema } from '@cocoon/shared/protocol/payments';
import { HISTORY_LIMIT, queryKeys } from './queries';
import { useSession } from './session';

/*
 * The payment queries, apart from queries.ts: only lazily loaded screens and sheets use them, so
 * their schemas (shared/protocol/payments.ts) stay out of the chat's first load.
 */

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
