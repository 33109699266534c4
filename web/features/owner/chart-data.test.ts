import { describe, expect, it } from 'vitest';
import { chartSeries, periodSums } from './chart-data';

describe('earnings chart data', () => {
  const days = [
    { day: '2026-11-30', total: 3_000_000n, promotional: 1_000_000n, byMachine: {} },
    { day: '2026-12-01', total: 0n, promotional: 0n, byMachine: {} },
  ];
  it('puts each UTC day at midnight with total and paid credits', () => {
    expect(chartSeries(days)).toEqual({ x: [Date.parse('2026-11-30T00:00:00Z') / 1000, Date.parse('2026-12-01T00:00:00Z') / 1000], total: [3, 0], paid: [2, 0] });
    expect(periodSums(days)).toEqual({ total: 3_000_000n, promotional: 1_000_000n });
  });
});
