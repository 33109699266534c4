import { MICRO_PER_CREDIT } from '@cocoon/shared/pricing';
import { formatNumber } from '../../i18n';
import { NANO_PER_TON } from '../../ton/amount';

/**
 * Micro-credits in the active language ("1,234.5", "1 234,5"): at most 4 decimals, cut, never
 * rounded up, as formatCredits does. UI only; the exact amount stays in data attributes.
 */
export function localCredits(micro: bigint): string {
  const tenThousandths = micro / (MICRO_PER_CREDIT / 10_000n);
  return formatNumber(Number(tenThousandths) / 10_000, { maximumFractionDigits: 4 });
}

/** Micro-credits as a number of credits, to pick a plural form ("1 credit", "5 кредитов"). */
export const creditCount = (micro: bigint): number => Number(micro) / Number(MICRO_PER_CREDIT);

/** Signed credits with a true minus sign, as money is typeset: "+10", "−0,0123". */
export function signedCredits(micro: bigint): string {
  if (micro > 0n) return `+${localCredits(micro)}`;
  if (micro < 0n) return `−${localCredits(-micro)}`;
  return localCredits(0n);
}

/** NanoTON as TON in the active language, up to 9 decimals: "0.1", "0,1". */
export const localTon = (nano: bigint): string => formatNumber(Number(nano) / Number(NANO_PER_TON), { maximumFractionDigits: 9 });

/** What one credit of a pack is worth: Stars and TON per credit, for "1 credit = 5 Stars". */
export function perCredit(pack: { credits: bigint; stars: number; nanoton: bigint }): { stars: number; ton: number } {
  const credits = Number(pack.credits) / Number(MICRO_PER_CREDIT);
  return { stars: pack.stars / credits, ton: Number(pack.nanoton) / Number(NANO_PER_TON) / credits };
}
