import { describe, expect, it } from 'vitest';
import { holdFor } from '@cocoon/shared/pricing';
import { DEFAULT_MAX_PRICE, loadMaxPrice, MAX_PRICE_STORAGE_KEY, maxPriceAtHost, parseCredits, saveMaxPrice } from './max-price';

const price = { promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n };

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items };
}

describe('max price per message', () => {
  it('reads credits as people type them, to micro-credits', () => {
    expect(parseCredits('2')).toBe(2_000_000n);
    expect(parseCredits(' 0.5 ')).toBe(500_000n);
    expect(parseCredits('1,25')).toBe(1_250_000n);
    expect(parseCredits('0.000001')).toBe(1n);
    for (const bad of ['', '0', '0.0', '-1', '1.0000001', 'abc', '1e3', '10000000']) expect(parseCredits(bad), bad).toBeNull();
  });

  it('is remembered on the device, with the default when nothing (or nonsense) is stored', () => {
    const storage = memoryStorage();
    expect(loadMaxPrice(storage)).toBe(DEFAULT_MAX_PRICE);
    saveMaxPrice(2_500_000n, storage);
    expect(storage.items.get(MAX_PRICE_STORAGE_KEY)).toBe('2500000');
    expect(loadMaxPrice(storage)).toBe(2_500_000n);
    for (const bad of ['', '0', '-5', '01', 'NaN', '99999999999999999999']) expect(loadMaxPrice(memoryStorage({ [MAX_PRICE_STORAGE_KEY]: bad })), bad).toBe(DEFAULT_MAX_PRICE);
    expect(loadMaxPrice(null)).toBe(DEFAULT_MAX_PRICE);
  });

  it('says what the max buys at a host: the full answer\'s worst case and the answer budget under the max', () => {
    const full = holdFor(price, 1040, 256, 1500n);
    expect(maxPriceAtHost({ price, coefficientMilli: 1500n, maxCharge: full, maxTokens: 256 })).toEqual({ fullAnswer: full, answerTokens: 256 });
    expect(maxPriceAtHost({ price, coefficientMilli: 1500n, maxCharge: full - 1n, maxTokens: 256 }).answerTokens).toBe(255);
    expect(maxPriceAtHost({ price, coefficientMilli: 1500n, maxCharge: 1_000_000n, maxTokens: 256 }).answerTokens).toBe(0);
  });
});
