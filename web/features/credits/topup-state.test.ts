import { describe, expect, it } from 'vitest';
import { idleTopUp, newTopUp, topUpReducer, type HistoryItem, type TopUp, type TopUpAction } from './topup-state';

const run = (...actions: TopUpAction[]): TopUp => actions.reduce(topUpReducer, idleTopUp);
const item = (id: string, kind: HistoryItem['kind'], amount = '1000000'): HistoryItem => ({ id, kind, amount, createdAt: '2026-01-01T00:00:00Z' });

describe('topUpReducer', () => {
  it('goes from the tap through payment to the credit the broker reports', () => {
    const paying = run({ type: 'start', method: 'stars' });
    expect(paying).toEqual({ state: 'pending', method: 'stars', step: 'invoice' });
    const crediting = topUpReducer(paying, { type: 'sent', known: ['a'], now: 5 });
    expect(crediting).toEqual({ state: 'pending', method: 'stars', step: 'crediting', known: ['a'], since: 5 });
    expect(topUpReducer(crediting, { type: 'credited', amount: 10n })).toEqual({ state: 'success', method: 'stars', credited: 10n });
  });

  it('waits for the wallet first with TON', () => {
    expect(run({ type: 'start', method: 'ton' })).toMatchObject({ step: 'wallet' });
  });

  it('keeps one top-up at a time', () => {
    const busy = run({ type: 'start', method: 'ton' });
    expect(topUpReducer(busy, { type: 'start', method: 'stars' })).toBe(busy);
    expect(topUpReducer(busy, { type: 'dismiss' })).toBe(busy);
  });

  it('ends quietly when the user cancels, and says why when it fails', () => {
    expect(run({ type: 'start', method: 'stars' }, { type: 'cancelled' })).toEqual({ state: 'idle', cancelled: 'stars' });
    expect(run({ type: 'start', method: 'ton' }, { type: 'failed', error: { code: 'client.wallet_failed' } })).toEqual({
      state: 'error',
      method: 'ton',
      error: { code: 'client.wallet_failed' },
    });
  });

  it('credits only once paid, and cannot be cancelled after', () => {
    const paying = run({ type: 'start', method: 'stars' });
    expect(topUpReducer(paying, { type: 'credited', amount: 1n })).toBe(paying);
    const crediting = topUpReducer(paying, { type: 'sent', known: [], now: 0 });
    expect(topUpReducer(crediting, { type: 'cancelled' })).toBe(crediting);
  });

  it('gives up waiting with a timeout error, only while crediting', () => {
    const paying = run({ type: 'start', method: 'ton' });
    expect(topUpReducer(paying, { type: 'timeout' })).toBe(paying);
    const crediting = topUpReducer(paying, { type: 'sent', known: [], now: 0 });
    expect(topUpReducer(crediting, { type: 'timeout' })).toMatchObject({ state: 'error', error: { code: 'client.topup_timeout' } });
  });

  it('ignores late news once settled, and is dismissed back to idle', () => {
    const done = run({ type: 'start', method: 'stars' }, { type: 'sent', known: [], now: 0 }, { type: 'credited', amount: 3n });
    expect(topUpReducer(done, { type: 'timeout' })).toBe(done);
    expect(topUpReducer(done, { type: 'dismiss' })).toEqual(idleTopUp);
  });
});

describe('newTopUp', () => {
  const items = [item('j1', 'job', '-5'), item('s2', 'topup_stars'), item('t1', 'topup_ton'), item('s1', 'topup_stars')];

  it('finds the newest top-up of the method that was not there before', () => {
    expect(newTopUp(['s1', 't1'], items, 'stars')?.id).toBe('s2');
    expect(newTopUp(['s1', 's2', 't1'], items, 'stars')).toBeNull();
  });

  it('does not mistake another kind of entry for the credit', () => {
    expect(newTopUp(['s1', 's2'], items, 'ton')?.id).toBe('t1');
    expect(newTopUp(['s1', 's2', 't1'], items, 'ton')).toBeNull();
  });
});
