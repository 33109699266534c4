import { useQueryClient } from '@tanstack/react-query';
import { useIsConnectionRestored, useTonConnectUI, useTonWallet } from '@tonconnect/ui-react';
import { useCallback } from 'react';
import { WalletResponseSchema } from '@cocoon/shared/protocol/payments';
import { useProvenWallet } from '../api/payment-queries';
import { queryKeys } from '../api/queries';
import { useSession } from '../api/session';
import { haptics } from '../telegram/haptics';
import { sameRawAddress } from './address';
import { useTonProof, type TonProofRequest } from './use-ton-proof';

export type { WalletPhase } from './use-ton-proof';

/**
 * A TON wallet the broker has verified is this user's: connecting asks the wallet for a
 * `ton_proof` (use-ton-proof.ts), and the broker checks it (POST /api/ton/connect) before the
 * wallet counts as proven. `ready`: connected in TonConnect to the very wallet the broker proved,
 * so a transfer can be requested from it.
 */
export function useProvenTonWallet() {
  const [tonConnectUI] = useTonConnectUI();
  const connected = useTonWallet();
  const restored = useIsConnectionRestored();
  const proven = useProvenWallet();
  const { post } = useSession();
  const queryClient = useQueryClient();

  const submit = useCallback(
    async (request: TonProofRequest) => {
      const answer = await post('/api/ton/connect', request, WalletResponseSchema);
      queryClient.setQueryData(queryKeys.wallet, answer);
      void queryClient.invalidateQueries({ queryKey: queryKeys.wallet });
    },
    [post, queryClient],
  );
  const { phase, error, connect, dismissError } = useTonProof(submit);

  const disconnect = useCallback(() => {
    haptics.tap();
    void tonConnectUI.disconnect();
  }, [tonConnectUI]);

  const provenWallet = proven.data?.wallet ?? null;
  const ready = phase === 'idle' && connected !== null && provenWallet !== null && sameRawAddress(connected.account.address, provenWallet.address);
  return { provenWallet, loading: proven.isPending || !restored, connected: connected !== null, ready, phase, error, connect, disconnect, dismissError };
}
