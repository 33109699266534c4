import { beforeAll, describe, expect, it } from 'vitest';
import { CocoonError } from '@cocoon/shared/errors';
import { NetworkError } from '../../api/http';
import { payoutErrorText, requestErrorText } from './owner-errors';
import { checkAmount, creditsInput, newIdempotencyKey, parseCredits } from './withdraw-state';
import { loadAreas } from '../../i18n';

beforeAll(() => loadAreas(['owner']));

describe('withdraw amounts', () => {
  it('parses credits exactly to micro-credits', () => {
    expect(parseCredits('12.5')).toBe(12_500_000n);
    expect(parseCredits('0,000001')).toBe(1n);
    expect(parseCredits(' 7 ')).toBe(7_000_000n);
    expect(parseCredits('0')).toBeNull();
    expect(parseCredits('1.0000001')).toBeNull();
    expect(parseCredits('abc')).toBeNull();
    expect(parseCredits('-1')).toBeNull();
  });

  it('prefills the exact withdrawable amount, round-tripping', () => {
    expect(creditsInput(12_500_001n)).toBe('12.500001');
    expect(creditsInput(3_000_000n)).toBe('3');
    expect(parseCredits(creditsInput(987_654_321n))).toBe(987_654_321n);
  });

  it('accepts an amount between the minimum and what is withdrawable', () => {
    const min = 1_000_000n;
    expect(checkAmount('5', 10_000_000n, min)).toEqual({ ok: true, amount: 5_000_000n });
    expect(checkAmount('10', 10_000_000n, min)).toEqual({ ok: true, amount: 10_000_000n });
    expect(checkAmount('0.5', 10_000_000n, min)).toEqual({ ok: false, reason: 'below_minimum' });
    expect(checkAmount('10.000001', 10_000_000n, min)).toEqual({ ok: false, reason: 'insufficient' });
    expect(checkAmount('x', 10_000_000n, min)).toEqual({ ok: false, reason: 'invalid' });
    expect(checkAmount('0.5', 500_000n, min)).toEqual({ ok: false, reason: 'nothing' });
    expect(checkAmount('1', 0n, min)).toEqual({ ok: false, reason: 'nothing' });
  });

  it('makes a new key for each attempt', () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(newIdempotencyKey()).not.toBe(a);
  });

  it('says each payout error in plain words, by code', () => {
    expect(payoutErrorText(new CocoonError('payout.below_minimum', 'x'))).toContain('below the smallest withdrawal');
    expect(payoutErrorText(new CocoonError('payout.insufficient', 'x'))).toContain('more than you can withdraw');
    expect(payoutErrorText(new CocoonError('owner.no_payout_wallet', 'x'))).toContain('Connect a payout wallet');
    expect(payoutErrorText(new CocoonError('rate_limited', 'x', { retryAfterS: 12 }))).toBe('Too many requests. Try again in 12 s.');
    expect(payoutErrorText(new NetworkError('down'))).toContain('never paid twice');
    expect(payoutErrorText(new CocoonError('internal', 'secret detail'))).not.toContain('secret');
  });

  it('says the other owner errors in plain words, never the broker’s internals', () => {
    expect(requestErrorText(new CocoonError('host.not_found', 'x'))).toContain('no longer yours');
    expect(requestErrorText(new NetworkError('down'))).toContain('could not be reached');
    expect(requestErrorText(new Error('stack trace'))).toBe('Something went wrong. Please try again.');
  });
});
