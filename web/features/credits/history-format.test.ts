import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateLocale, loadAreas } from '../../i18n';
import { signedCredits } from './credit-format';
import { describeHistoryItem, formatWhen } from './history-format';
import type { HistoryItem } from './topup-state';

const at = '2026-03-10T12:00:00Z';
beforeAll(() => loadAreas(['credits']));
afterAll(() => activateLocale('en'));

const item = (over: Partial<HistoryItem> & Pick<HistoryItem, 'kind' | 'amount'>): HistoryItem => ({ id: 'x', createdAt: at, ...over });

describe('history rows', () => {
  it('signs credits with a true minus and a plus', () => {
    expect(signedCredits(10_000_000n)).toBe('+10');
    expect(signedCredits(-12_300n)).toBe('−0.0123');
    expect(signedCredits(0n)).toBe('0');
  });

  it('names each kind of entry with what it was paid in', () => {
    expect(describeHistoryItem(item({ kind: 'topup_stars', amount: '10000000', stars: 50 }))).toEqual({
      title: 'Telegram Stars',
      detail: '50 Stars',
      amount: '+10',
      incoming: true,
    });
    expect(describeHistoryItem(item({ kind: 'topup_ton', amount: '50000000', nanoton: '500000000' })).detail).toBe('0.5 TON');
    expect(describeHistoryItem(item({ kind: 'starter', amount: '100000000' })).title).toBe('Welcome credits');
    expect(describeHistoryItem(item({ kind: 'refund', amount: '-10000000', stars: 50 }))).toMatchObject({ amount: '−10', incoming: false });
  });

  it('shows a job by its model and tokens', () => {
    expect(describeHistoryItem(item({ kind: 'job', amount: '-1234', model: 'demo', promptTokens: 12, completionTokens: 34 }))).toEqual({
      title: 'demo',
      detail: '12 + 34 tokens',
      amount: '−0.0012',
      incoming: false,
    });
  });
});

describe('formatWhen', () => {
  const now = new Date('2026-03-10T18:30:00Z');
  const opts = { locale: 'en-GB', timeZone: 'UTC' };

  it('says today and yesterday in words', () => {
    expect(formatWhen('2026-03-10T09:05:00Z', now, opts)).toBe('Today, 09:05');
    expect(formatWhen('2026-03-09T23:59:00Z', now, opts)).toBe('Yesterday, 23:59');
  });

  it('gives a date this year, and the year only for older ones', () => {
    expect(formatWhen('2026-01-03T08:00:00Z', now, opts)).toBe('3 Jan, 08:00');
    expect(formatWhen('2025-12-31T08:00:00Z', now, opts)).toBe('31 Dec 2025');
  });

  it('is empty for a date it cannot read', () => {
    expect(formatWhen('not a date', now, opts)).toBe('');
  });
});

describe('in Russian', () => {
  it('names entries and days in Russian, with Russian plurals and numbers', async () => {
    await activateLocale('ru');
    await loadAreas(['credits']);
    expect(describeHistoryItem(item({ kind: 'topup_stars', amount: '10000000', stars: 50 })).detail).toBe('50 звёзд');
    expect(describeHistoryItem(item({ kind: 'topup_stars', amount: '10000000', stars: 22 })).detail).toBe('22 звезды');
    expect(describeHistoryItem(item({ kind: 'topup_ton', amount: '50000000', nanoton: '500000000' })).detail).toBe('0,5 TON');
    expect(formatWhen('2026-03-10T09:05:00Z', new Date('2026-03-10T18:30:00Z'), { timeZone: 'UTC' })).toBe('Сегодня, 09:05');
    await activateLocale('en');
  });
});
