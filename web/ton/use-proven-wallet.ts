import { useQueryClient } from '@tanstack/react-query';
import { useIsConnectionRestored, useTonConnectUI, useTonWallet, type Wallet } from '@tonconnect/ui-react';
import { useCallback, useEffect, useState } from 'react';
import { TonProofPayloadResponseSchema, WalletResponseSchema } from '@cocoon/shared/protocol/payments';
import { queryKeys, useProvenWallet } from '../api/queries';
import { useSession } from '../api/session';
import { toUiError, type UiError } from '../features/chat/error-messages';
import { haptics } from '../telegram/haptics';
import { sameRawAddress } from './address';

export type WalletPhase = 'idle' | 'connecting' | 'proving';

/** The account and proof TonConnect returned, as POST /api/ton/connect takes them. */
function connectRequest(wallet: Wallet, proof: { timestamp: number; domain: { lengthBytes: number; value: string }; payload: string; signature: string }) {
  const { address, chain, publicKey, walletStateInit } = wallet.account;
  return { address, network: chain, publicKey, walletStateInit, proof };
}

/**
 * A TON wallet the broker has verified is this user's: connecting asks the wallet for a
 * `ton_proof` of a one-time payload from GET /api/ton/proof-payload, and the broker checks it
 * (POST /api/ton/connect) before the wallet counts as proven. `ready`: connected in TonConnect
 * to the very wallet the broker proved, so a transfer can be requested from it.
 */
export function useProvenTonWallet() {
  const [tonConnectUI] = useTonConnectUI();
  const connected = useTonWallet();
  const restored = useIsConnectionRestored();
  const proven = useProvenWallet();
  const { get, post } = useSession();
  const queryClient = useQueryClient();
  const [phase, setPhase] = useState<WalletPhase>('idle');
  const [error, setError] = useState<UiError | null>(null);

  const fail = useCallback(
    (e: UiError) => {
      setError(e);
      setPhase('idle');
      haptics.error();
      if (tonConnectUI.connected) void tonConnectUI.disconnect();
    },
    [tonConnectUI],
  );

  useEffect(
    () =>
      tonConnectUI.onStatusChange(
        (wallet) => {
          const item = wallet?.connectItems?.tonProof;
          if (!wallet || !item) return; // a restored session carries no proof: it was proven before
          if (!('proof' in item)) return fail({ code: 'ton.proof_invalid', detail: item.error.message ?? 'the wallet sent no proof' });
          setPhase('proving');
          post('/api/ton/connect', connectRequest(wallet, item.proof), WalletResponseSchema).then(
            (answer) => {
              queryClient.setQueryData(queryKeys.wallet, answer);
              void queryClient.invalidateQueries({ queryKey: queryKeys.wallet });
              setPhase('idle');
              haptics.success();
            },
            (e: unknown) => fail(toUiError(e)),
          );
        },
        (e) => fail({ code: 'client.wallet_failed', detail: e.message }),
      ),
    [tonConnectUI, post, queryClient, fail],
  );

  // Closing the wallet list without choosing ends the attempt.
  useEffect(
    () =>
      tonConnectUI.onModalStateChange((state) => {
        if (state.status === 'closed' && state.closeReason === 'action-cancelled') setPhase((p) => (p === 'connecting' ? 'idle' : p));
      }),
    [tonConnectUI],
  );

  const connect = useCallback(async () => {
    haptics.tap();
    setError(null);
    setPhase('connecting');
    if (tonConnectUI.connected) await tonConnectUI.disconnect();
    // The modal opens at once (showing a loader) while the one-time payload is fetched.
    tonConnectUI.setConnectRequestParameters({ state: 'loading' });
    const opened = tonConnectUI.openModal();
    try {
      const { payload } = await get('/api/ton/proof-payload', TonProofPayloadResponseSchema);
      tonConnectUI.setConnectRequestParameters({ state: 'ready', value: { tonProof: payload } });
    } catch (e) {
      tonConnectUI.setConnectRequestParameters(null);
      tonConnectUI.closeModal();
      fail(toUiError(e));
    }
    await opened;
  }, [tonConnectUI, get, fail]);

  const disconnect = useCallback(() => {
    haptics.tap();
    void tonConnectUI.disconnect();
  }, [tonConnectUI]);

  const provenWallet = proven.data?.wallet ?? null;
  const ready = phase === 'idle' && connected !== null && provenWallet !== null && sameRawAddress(connected.account.address, provenWallet.address);
  return { provenWallet, loading: proven.isPending || !restored, connected: connected !== null, ready, phase, error, connect, disconnect, dismissError: () => setError(null) };
}
