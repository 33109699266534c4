import { z } from 'zod';
import { BigIntString } from './protocol/encoding';

/**
 * Prices are micro-credits (1 credit = 1_000_000) per 1M tokens; coefficients are thousandths
 * (1000 = the base price), as COCOON's price coefficient. All maths is `bigint`, rounded up once.
 * See ARCHITECTURE.md, "Money".
 */
export const MICRO_PER_CREDIT = 1_000_000n;
export const COEFFICIENT_BASE = 1000n;
const PER_MILLION = 1_000_000n;

/**
 * Token allowance for the chat template and system prompt on top of the user's bytes: the broker
 * cannot read the prompt, so it bounds prompt tokens by the sealed request's size plus this.
 */
export const PROMPT_TEMPLATE_ALLOWANCE = 512;

export const PriceSchema = z.object({ promptPerMillion: BigIntString, completionPerMillion: BigIntString });
export type Price = z.output<typeof PriceSchema>;
export const priceToWire = (p: Price) => ({
  promptPerMillion: p.promptPerMillion.toString(),
  completionPerMillion: p.completionPerMillion.toString(),
});

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;

/**
 * The cost of a finished job.
 * @example costOf({ promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n }, { promptTokens: 10, completionTokens: 5 }) // 20_000n
 */
export function costOf(price: Price, usage: Usage, coefficientMilli: bigint = COEFFICIENT_BASE): bigint {
  if (usage.promptTokens < 0 || usage.completionTokens < 0) throw new RangeError('negative token count');
  const raw = BigInt(usage.promptTokens) * price.promptPerMillion + BigInt(usage.completionTokens) * price.completionPerMillion;
  return ceilDiv(raw * coefficientMilli, PER_MILLION * COEFFICIENT_BASE);
}

/** Upper bound on the prompt tokens a sealed request of `ciphertextBytes` can hold. */
export const promptTokenBound = (ciphertextBytes: number): number => ciphertextBytes + PROMPT_TEMPLATE_ALLOWANCE;

/** The hold a job places: its worst case, every bound token at the price. */
export function holdFor(price: Price, ciphertextBytes: number, maxTokens: number, coefficientMilli: bigint = COEFFICIENT_BASE): bigint {
  return costOf(price, { promptTokens: promptTokenBound(ciphertextBytes), completionTokens: maxTokens }, coefficientMilli);
}

/**
 * The largest completion budget, at most `limit`, whose hold stays within `maxCharge`: how a client
 * fits an answer to the user's max price per message. 0 when even the prompt's bound costs more.
 * @example maxTokensWithin({ promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n }, 1040, 2_000_000n, 256) // 224
 */
export function maxTokensWithin(price: Price, ciphertextBytes: number, maxCharge: bigint, limit: number, coefficientMilli: bigint = COEFFICIENT_BASE): number {
  if (holdFor(price, ciphertextBytes, 0, coefficientMilli) > maxCharge) return 0;
  let lo = 0;
  let hi = limit;
  // holdFor grows with maxTokens: the last budget that fits, by bisection (exact under the rounding).
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (holdFor(price, ciphertextBytes, mid, coefficientMilli) <= maxCharge) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Formats micro-credits for people: at most 4 decimals, trailing zeros dropped. UI only. */
export function formatCredits(micro: bigint): string {
  const sign = micro < 0n ? '-' : '';
  const abs = micro < 0n ? -micro : micro;
  const whole = abs / MICRO_PER_CREDIT;
  const frac = (abs % MICRO_PER_CREDIT).toString().padStart(6, '0').slice(0, 4).replace(/0+$/, '');
  return `${sign}${whole}${frac ? '.' + frac : ''}`;
}
