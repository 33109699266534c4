import type { z } from 'zod';
import { HistoryKinds, type HistoryResponseSchema } from '@cocoon/shared/protocol/payments';
import type { UiError } from '../chat/error-messages';

/**
 * One top-up at a time, from the tap to the credits on the balance. The app never credits
 * anything itself: it waits until the broker's history shows a top-up it did not show before.
 * - pending `invoice`: creating the invoice and in Telegram's payment sheet (Stars);
 * - pending `wallet`: waiting for the wallet to sign and send (TON);
 * - pending `crediting`: paid; polling until the broker credits it (Stars: its webhook; TON: finality).
 */
export type TopUpMethod = 'stars' | 'ton';
export type TopUpStep = 'invoice' | 'wallet' | 'crediting';
export type HistoryItem = z.output<typeof HistoryResponseSchema>['items'][number];

export type TopUp =
  | { state: 'idle'; cancelled: TopUpMethod | null }
  | { state: 'pending'; method: TopUpMethod; step: Exclude<TopUpStep, 'crediting'> }
  | { state: 'pending'; method: TopUpMethod; step: 'crediting'; known: readonly string[]; since: number }
  | { state: 'success'; method: TopUpMethod; credited: bigint }
  | { state: 'error'; method: TopUpMethod; error: UiError };

export type TopUpAction =
  | { type: 'start'; method: TopUpMethod }
  /** Paid or sent; `known`: the history ids before, so the credit is told from older entries. */
  | { type: 'sent'; known: readonly string[]; now: number }
  | { type: 'cancelled' }
  | { type: 'failed'; error: UiError }
  | { type: 'credited'; amount: bigint }
  | { type: 'timeout' }
  | { type: 'dismiss' };

export const idleTopUp: TopUp = { state: 'idle', cancelled: null };

export const isBusy = (t: TopUp): boolean => t.state === 'pending';

export function topUpReducer(state: TopUp, action: TopUpAction): TopUp {
  if (action.type === 'start') return isBusy(state) ? state : { state: 'pending', method: action.method, step: action.method === 'stars' ? 'invoice' : 'wallet' };
  if (action.type === 'dismiss') return isBusy(state) ? state : idleTopUp;
  if (state.state !== 'pending') return state;
  switch (action.type) {
    case 'sent':
      return state.step === 'crediting' ? state : { state: 'pending', method: state.method, step: 'crediting', known: action.known, since: action.now };
    case 'cancelled':
      return state.step === 'crediting' ? state : { state: 'idle', cancelled: state.method };
    case 'failed':
      return { state: 'error', method: state.method, error: action.error };
    case 'credited':
      return state.step === 'crediting' ? { state: 'success', method: state.method, credited: action.amount } : state;
    case 'timeout':
      return state.step === 'crediting' ? { state: 'error', method: state.method, error: { code: 'client.topup_timeout' } } : state;
  }
}

const kindOf = { stars: HistoryKinds.stars, ton: HistoryKinds.ton } as const;

/** The top-up of `method` that the history shows now and did not show before, if any. */
export function newTopUp(known: readonly string[], items: readonly HistoryItem[], method: TopUpMethod): HistoryItem | null {
  const seen = new Set(known);
  return items.find((i) => i.kind === kindOf[method] && !seen.has(i.id)) ?? null;
}
