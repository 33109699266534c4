import { costOf, type Price, type Usage } from '@cocoon/shared/pricing';

/**
 * What a typical chat turn uses: a question with a little history before it, and an answer of a
 * few paragraphs. Only for "≈ N messages" next to a pack; each answer's receipt has its exact cost.
 */
export const TYPICAL_MESSAGE: Usage = { promptTokens: 600, completionTokens: 300 };

/**
 * A typical message's cost in micro-credits at the models' prices (GET /api/models): the median
 * model's, so one unusually cheap or dear model does not skew it. null when no model is listed.
 */
export function typicalMessageCost(prices: readonly Price[]): bigint | null {
  if (prices.length === 0) return null;
  const costs = prices.map((p) => costOf(p, TYPICAL_MESSAGE)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return costs[Math.floor(costs.length / 2)]!;
}

/**
 * About how many typical messages `micro` credits pay for, rounded down to two significant digits
 * ("≈ 160", never a false "≈ 166"); 0 when not even one.
 */
export function messagesFor(micro: bigint, perMessage: bigint): number {
  if (perMessage <= 0n || micro <= 0n) return 0;
  const count = micro / perMessage;
  let unit = 1n;
  while (count / unit >= 100n) unit *= 10n;
  return Number((count / unit) * unit);
}
