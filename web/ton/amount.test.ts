import { describe, expect, it } from 'vitest';
import { creditsForNanoton, formatTon, parseTon } from './amount';

describe('TON amounts', () => {
  it('parses decimal TON to nanoTON exactly', () => {
    expect(parseTon('1')).toBe(1_000_000_000n);
    expect(parseTon('0.5')).toBe(500_000_000n);
    expect(parseTon(' 2,25 ')).toBe(2_250_000_000n);
    expect(parseTon('0.000000001')).toBe(1n);
    expect(parseTon('3.')).toBe(3_000_000_000n);
  });

  it('refuses zero, negatives, too many decimals and words', () => {
    for (const bad of ['', '0', '0.0', '-1', '1.0000000001', 'abc', '1e3', '.5']) expect(parseTon(bad)).toBeNull();
  });

  it('formats nanoTON without trailing zeros', () => {
    expect(formatTon(100_000_000n)).toBe('0.1');
    expect(formatTon(2_000_000_000n)).toBe('2');
    expect(formatTon(1n)).toBe('0.000000001');
    expect(formatTon(-1_500_000_000n)).toBe('-1.5');
  });

  it('previews credits at the broker rate', () => {
    expect(creditsForNanoton(500_000_000n, 100_000_000n)).toBe(50_000_000n);
    expect(creditsForNanoton(1n, 100_000_000n)).toBe(0n);
  });
});
