import { describe, expect, it } from 'vitest';
import { DEFAULT_SIMULATION, simulateScheduling, simulationLines } from './simulation';

/**
 * 1,000 simulated hosts at 70 % utilisation, in simulated time (seeded: the same numbers on every
 * run). The scheduler is held to baselines measured in the same run, never to absolute figures.
 */
describe('scheduler simulation', () => {
  it('queues no worse than random choice, spreads load better than the old sort, and avoids unreliable hosts', () => {
    const reports = simulateScheduling(DEFAULT_SIMULATION);
    console.log(simulationLines(reports).join('\n'));
    const by = Object.fromEntries(reports.map((r) => [r.policy, r]));
    const [scheduler, random, oldSort] = [by.scheduler!, by.random!, by['old sort']!];
    expect(scheduler.jobs).toBeGreaterThan(1000);
    expect(scheduler.jobs).toBe(random.jobs);

    expect(scheduler.p95DelayMs).toBeLessThanOrEqual(random.p95DelayMs);
    expect(scheduler.p95DelayMs).toBeLessThanOrEqual(oldSort.p95DelayMs);
    expect(scheduler.p50DelayMs).toBeLessThanOrEqual(random.p50DelayMs);
    expect(scheduler.failoversPerJob).toBeLessThan(random.failoversPerJob / 4);
    expect(scheduler.failoversPerJob).toBeLessThan(oldSort.failoversPerJob);

    // Even load: far better than the old sort (cheapest first), about as even as blind random
    // choice, although it prefers reliable and cheaper hosts.
    expect(scheduler.jain).toBeGreaterThan(oldSort.jain + 0.1);
    expect(scheduler.jain).toBeGreaterThan(random.jain - 0.05);
    expect(scheduler.cov).toBeLessThan(oldSort.cov * 0.6);

    expect(scheduler.unreliableShare).toBeLessThan(random.unreliableShare * 0.85);
    expect(scheduler.unreliableShare).toBeLessThan(oldSort.unreliableShare * 0.85);
  });
});
