import type { EarningsResponse } from '@cocoon/shared/protocol/owner';
import { MICRO_PER_CREDIT } from '@cocoon/shared/pricing';

/** The daily earnings as the chart draws them: x in Unix seconds (UTC midnight), y in credits. */
export interface ChartSeries {
  x: number[];
  /** Everything earned that day (paid and promotional), drawn behind. */
  total: number[];
  /** The part paid with real credits, drawn in front: what can become TON. */
  paid: number[];
}

/** Credits as a plotting number; exact amounts stay bigint everywhere else. */
const credits = (micro: bigint): number => Number(micro) / Number(MICRO_PER_CREDIT);

export function chartSeries(days: EarningsResponse['days']): ChartSeries {
  return {
    x: days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000),
    total: days.map((d) => credits(d.total)),
    paid: days.map((d) => credits(d.total - d.promotional)),
  };
}

/** The sums the chart's caption and its text alternative give. */
export function periodSums(days: EarningsResponse['days']): { total: bigint; promotional: bigint } {
  return days.reduce((acc, d) => ({ total: acc.total + d.total, promotional: acc.promotional + d.promotional }), { total: 0n, promotional: 0n });
}
