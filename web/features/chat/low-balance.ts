import type { Price } from '@cocoon/shared/pricing';
import { maxPriceAtHost } from './max-price';

/**
 * Whether the balance runs short of what one message can hold: the worst case of a full answer to a
 * short message at the chosen host, capped by the user's max price (the broker never holds more).
 * Without a host's price yet, the max price itself is the measure. A job's hold above the balance is
 * refused with "Not enough credits", so the banner offers a top-up before that happens.
 * @example isLowBalance(1_000_000n, { maxPrice: 5_000_000n, host: null, maxTokens: 256 }) // true
 */
export function isLowBalance(
  balance: bigint,
  p: { maxPrice: bigint; maxTokens: number; host: { price: Price; coefficientMilli: bigint } | null },
): boolean {
  const fullAnswer = p.host
    ? maxPriceAtHost({ price: p.host.price, coefficientMilli: p.host.coefficientMilli, maxCharge: p.maxPrice, maxTokens: p.maxTokens }).fullAnswer
    : p.maxPrice;
  return balance < (fullAnswer < p.maxPrice ? fullAnswer : p.maxPrice);
}
