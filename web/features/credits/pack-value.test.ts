import { describe, expect, it } from 'vitest';
import { starsSaving } from './pack-value';

const pack = (id: string, credits: bigint, stars: number) => ({ id, credits: credits * 1_000_000n, stars, nanoton: 1n });
const packs = [pack('a', 10n, 50), pack('b', 50n, 225), pack('c', 200n, 800)];

describe('starsSaving', () => {
  it('compares the price per credit with the dearest pack', () => {
    expect(packs.map((p) => starsSaving(p, packs))).toEqual([0, 10, 20]);
  });

  it('rounds a saving down, never up', () => {
    const odd = [pack('a', 3n, 10), pack('b', 7n, 22)];
    expect(starsSaving(odd[1]!, odd)).toBe(5); // 22/7 = 3.14 vs 10/3 = 3.33: 5.7% cheaper
  });

  it('is 0 for a lone pack', () => {
    expect(starsSaving(packs[0]!, [packs[0]!])).toBe(0);
  });
});
