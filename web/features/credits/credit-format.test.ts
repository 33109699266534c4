import { afterAll, describe, expect, it } from 'vitest';
import { activateLocale } from '../../i18n';
import { localCredits, localTon, perCredit, signedCredits } from './credit-format';

afterAll(() => activateLocale('en'));

describe('credit amounts in the active language', () => {
  it('writes English numbers with a point and commas', async () => {
    await activateLocale('en');
    expect(localCredits(1_234_500_000n)).toBe('1,234.5');
    expect(localCredits(12_399n)).toBe('0.0123'); // cut, not rounded up
    expect(signedCredits(-12_300n)).toBe('−0.0123');
    expect(signedCredits(10_000_000n)).toBe('+10');
    expect(localTon(100_000_000n)).toBe('0.1');
  });

  it('writes Russian numbers with a comma and spaces', async () => {
    await activateLocale('ru');
    expect(localCredits(1_234_500_000n).replace(/\s/g, ' ')).toBe('1 234,5');
    expect(signedCredits(-12_300n)).toBe('−0,0123');
    expect(localTon(2_500_000_000n)).toBe('2,5');
  });
});

describe('perCredit', () => {
  it('divides the pack price by its credits', () => {
    expect(perCredit({ credits: 50_000_000n, stars: 225, nanoton: 500_000_000n })).toEqual({ stars: 4.5, ton: 0.01 });
  });
});
