import { useQueryClient } from '@tanstack/react-query';
import { useEffect, type Dispatch } from 'react';
import { STARS_CREDIT_TIMEOUT_MS, TON_CREDIT_TIMEOUT_MS } from '../../config';
import { queryKeys } from '../../api/queries';
import { haptics } from '../../telegram/haptics';
import { newTopUp, type HistoryItem, type TopUp, type TopUpAction } from './topup-state';

/**
 * While a paid top-up is being credited (the caller polls the broker meanwhile): reports the
 * credit once the broker's history shows it, or a timeout when it does not come in time.
 */
export function useTopUpWatch(topUp: TopUp, items: readonly HistoryItem[] | undefined, dispatch: Dispatch<TopUpAction>): void {
  const queryClient = useQueryClient();
  const crediting = topUp.state === 'pending' && topUp.step === 'crediting' ? topUp : null;

  // Ask at once: a Stars purchase is often credited by the time Telegram's sheet closes.
  const since = crediting?.since;
  useEffect(() => {
    if (since !== undefined) void queryClient.invalidateQueries({ queryKey: queryKeys.credits });
  }, [since, queryClient]);

  useEffect(() => {
    if (!crediting || !items) return;
    const credit = newTopUp(crediting.known, items, crediting.method);
    if (!credit) return;
    dispatch({ type: 'credited', amount: BigInt(credit.amount) });
    haptics.success();
    // The balance is polled apart from the history: its last poll may predate the credit.
    void queryClient.invalidateQueries({ queryKey: queryKeys.credits });
    void queryClient.invalidateQueries({ queryKey: queryKeys.me });
  }, [crediting, items, dispatch, queryClient]);

  useEffect(() => {
    if (!crediting) return;
    const limit = crediting.method === 'ton' ? TON_CREDIT_TIMEOUT_MS : STARS_CREDIT_TIMEOUT_MS;
    const timer = setTimeout(() => {
      haptics.warning();
      dispatch({ type: 'timeout' });
    }, Math.max(0, crediting.since + limit - Date.now()));
    return () => clearTimeout(timer);
  }, [crediting, dispatch]);
}
