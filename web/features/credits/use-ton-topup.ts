import { TonConnectUIError, UserRejectsError, useTonConnectUI } from '@tonconnect/ui-react';
import { useCallback, useEffect, useRef, type Dispatch } from 'react';
import { TON_REQUEST_TTL_S } from '../../config';
import { haptics } from '../../telegram/haptics';
import type { useProvenTonWallet } from '../../ton/use-proven-wallet';
import { toUiError } from '../chat/error-messages';
import type { TopUpAction } from './topup-state';

interface TonTopUpDeps {
  dispatch: Dispatch<TopUpAction>;
  knownHistory: () => Promise<readonly string[]>;
  /** Where deposits go and the comment that names this account (GET /api/credits). */
  deposit: { serviceAddress: string; depositComment: string } | undefined;
  wallet: ReturnType<typeof useProvenTonWallet>;
}

/**
 * Topping up with TON: the proven wallet sends `amount` to the service wallet with this account's
 * deposit comment, and the broker credits it once the transfer is final on chain. Without a
 * proven, connected wallet the tap connects one first, then carries on with the same amount.
 */
export function useTonTopUp({ dispatch, knownHistory, deposit, wallet }: TonTopUpDeps) {
  const [tonConnectUI] = useTonConnectUI();
  const waiting = useRef<bigint | null>(null);

  const send = useCallback(
    async (nanoton: bigint) => {
      if (!deposit) return;
      dispatch({ type: 'start', method: 'ton' });
      try {
        const [{ commentPayload }, known] = await Promise.all([import('../../ton/comment-payload'), knownHistory()]);
        const request = {
          validUntil: Math.floor(Date.now() / 1000) + TON_REQUEST_TTL_S,
          messages: [{ address: deposit.serviceAddress, amount: nanoton.toString(), payload: commentPayload(deposit.depositComment) }],
        };
        // A wallet the page runs inside confirms on its own screen: TonConnect's "confirm in your
        // wallet" modal would only flash over it. Our status card reports progress either way.
        const embedded = tonConnectUI.wallet !== null && 'embedded' in tonConnectUI.wallet && tonConnectUI.wallet.embedded;
        await tonConnectUI.sendTransaction(request, { modals: embedded ? [] : ['before'], notifications: [] });
        dispatch({ type: 'sent', known, now: Date.now() });
      } catch (e) {
        // The user said no in the wallet, or closed the "confirm in your wallet" modal.
        if (e instanceof UserRejectsError || (e instanceof TonConnectUIError && /not sent/i.test(e.message))) return dispatch({ type: 'cancelled' });
        console.warn('TON top-up failed', e);
        haptics.error();
        dispatch({ type: 'failed', error: e instanceof Error && !('code' in e) ? { code: 'client.wallet_failed', detail: e.message } : toUiError(e) });
      }
    },
    [deposit, dispatch, knownHistory, tonConnectUI],
  );

  const topUp = useCallback(
    (nanoton: bigint) => {
      haptics.tap();
      if (wallet.ready) return void send(nanoton);
      waiting.current = nanoton;
      void wallet.connect();
    },
    [wallet, send],
  );

  // Once the wallet is connected and proven, the top-up that asked for it goes on.
  const { ready, phase, error } = wallet;
  useEffect(() => {
    if (ready && waiting.current !== null) {
      const amount = waiting.current;
      waiting.current = null;
      void send(amount);
    } else if (phase === 'idle' && (error || !ready)) {
      waiting.current = null;
    }
  }, [ready, phase, error, send]);

  return topUp;
}
