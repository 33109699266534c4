import { describe, expect, it } from 'vitest';
import { NEUTRAL, reliabilityScore } from './reliability';

describe('reliabilityScore', () => {
  it('gives a machine with no history the neutral score and says it is new', () => {
    expect(reliabilityScore({ uptimeWeek: null, jobs: 0, failures: 0, medianTtftMs: null })).toEqual({
      score: NEUTRAL,
      hint: 'New machine: the score grows as it stays online and serves jobs',
    });
  });

  it('scores a machine always online, finishing every job fast near 1', () => {
    const r = reliabilityScore({ uptimeWeek: 1, jobs: 500, failures: 0, medianTtftMs: 400 });
    expect(r.score).toBeGreaterThan(0.99);
    expect(r.hint).toBe('Keep it up: online, finishing its jobs and answering fast');
  });

  it('points at uptime when that is what costs the most', () => {
    const r = reliabilityScore({ uptimeWeek: 0.62, jobs: 200, failures: 1, medianTtftMs: 700 });
    expect(r.hint).toBe('Stay online: 7-day uptime is 62 %');
    expect(r.score).toBeCloseTo(0.5 * 0.62 + 0.3 * (200 / 202) + 0.2, 3);
  });

  it('points at failures, then at a slow first token', () => {
    expect(reliabilityScore({ uptimeWeek: 1, jobs: 50, failures: 20, medianTtftMs: 900 }).hint).toBe('Finish jobs: 20 of 50 failed in 30 days');
    expect(reliabilityScore({ uptimeWeek: 1, jobs: 300, failures: 0, medianTtftMs: 8_000 }).hint).toBe('Answer sooner: median time to first token is 8.0 s');
  });

  it('is monotonic in each part and stays within 0..1 on odd input', () => {
    const base = { uptimeWeek: 0.8, jobs: 40, failures: 4, medianTtftMs: 3_000 };
    const s = reliabilityScore(base).score;
    expect(reliabilityScore({ ...base, uptimeWeek: 0.9 }).score).toBeGreaterThan(s);
    expect(reliabilityScore({ ...base, failures: 2 }).score).toBeGreaterThan(s);
    expect(reliabilityScore({ ...base, medianTtftMs: 2_000 }).score).toBeGreaterThan(s);
    for (const odd of [{ uptimeWeek: 3, jobs: -5, failures: 99, medianTtftMs: -1 }, { uptimeWeek: -1, jobs: 1, failures: 5, medianTtftMs: 1e9 }]) {
      const r = reliabilityScore(odd).score;
      expect(r).toBeGreaterThanOrEqual(0);
      expect(r).toBeLessThanOrEqual(1);
    }
  });
});
