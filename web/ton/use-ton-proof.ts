import { useTonConnectUI, type Wallet } from '@tonconnect/ui-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import { TonProofPayloadResponseSchema, type TonConnectRequestSchema } from '@cocoon/shared/protocol/payments';
import { useSession } from '../api/session';
import { toUiError, type UiError } from '../features/chat/error-messages';
import { haptics } from '../telegram/haptics';

export type WalletPhase = 'idle' | 'connecting' | 'proving';
export type TonProofRequest = z.input<typeof TonConnectRequestSchema>;

/** The account and proof TonConnect returned, as the broker's ton_proof routes take them. */
function proofRequest(wallet: Wallet, proof: TonProofRequest['proof']): TonProofRequest {
  const { address, chain, publicKey, walletStateInit } = wallet.account;
  return { address, network: chain, publicKey, walletStateInit, proof };
}

/**
 * Connects a wallet through TonConnect with a `ton_proof` of a one-time payload from
 * GET /api/ton/proof-payload and hands the proof to `submit` (the broker checks it). Only a
 * connection this hook asked for is submitted, so two screens using it never both spend one
 * payload. `disconnectAfter`: the proof is all that is wanted (the owner's payout address), so the
 * wallet is let go once the broker accepted it.
 */
export function useTonProof(submit: (request: TonProofRequest) => Promise<void>, { disconnectAfter = false } = {}) {
  const [tonConnectUI] = useTonConnectUI();
  const { get } = useSession();
  const [phase, setPhase] = useState<WalletPhase>('idle');
  const [error, setError] = useState<UiError | null>(null);
  const awaiting = useRef(false);
  const latestSubmit = useRef(submit);
  useEffect(() => {
    latestSubmit.current = submit;
  });

  const fail = useCallback(
    (e: UiError) => {
      awaiting.current = false;
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
          if (!wallet || !item || !awaiting.current) return; // a restored session carries no proof: it was proven before
          awaiting.current = false;
          if (!('proof' in item)) return fail({ code: 'ton.proof_invalid', detail: item.error.message ?? 'the wallet sent no proof' });
          setPhase('proving');
          latestSubmit.current(proofRequest(wallet, item.proof)).then(
            () => {
              setPhase('idle');
              haptics.success();
              if (disconnectAfter) void tonConnectUI.disconnect();
            },
            (e: unknown) => fail(toUiError(e)),
          );
        },
        (e) => fail({ code: 'client.wallet_failed', detail: e.message }),
      ),
    [tonConnectUI, fail, disconnectAfter],
  );

  // Closing the wallet list without choosing ends the attempt.
  useEffect(
    () =>
      tonConnectUI.onModalStateChange((state) => {
        if (state.status !== 'closed' || state.closeReason !== 'action-cancelled') return;
        awaiting.current = false;
        setPhase((p) => (p === 'connecting' ? 'idle' : p));
      }),
    [tonConnectUI],
  );

  const connect = useCallback(async () => {
    haptics.tap();
    setError(null);
    setPhase('connecting');
    if (tonConnectUI.connected) await tonConnectUI.disconnect();
    awaiting.current = true;
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

  return { phase, error, connect, dismissError: () => setError(null) };
}
