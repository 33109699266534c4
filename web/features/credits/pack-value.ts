import type { CreditPack } from './use-stars-purchase';

/**
 * How much cheaper per credit a pack is in Stars than the dearest pack, in whole percent rounded
 * down (0 when it is no cheaper). Shown as "Save 10%" on the larger packs.
 */
export function starsSaving(pack: CreditPack, packs: readonly CreditPack[]): number {
  // Price per credit compared as fractions: stars_a / credits_a vs stars_b / credits_b.
  const dearest = packs.reduce((a, b) => (BigInt(b.stars) * a.credits > BigInt(a.stars) * b.credits ? b : a), pack);
  const percentOfDearest = (BigInt(pack.stars) * dearest.credits * 100n + BigInt(dearest.stars) * pack.credits - 1n) / (BigInt(dearest.stars) * pack.credits);
  return Math.max(0, 100 - Number(percentOfDearest));
}
