import { describe, expect, it } from 'vitest';
import { HostStats, rankHosts } from './host-choice';

describe('host choice', () => {
  it('ranks the cheapest first, then the most reliable, then the broker\'s order', () => {
    const hosts = [
      { hostId: 'a', priceCoefficientMilli: 1200 },
      { hostId: 'b', priceCoefficientMilli: 1000 },
      { hostId: 'c', priceCoefficientMilli: 1000 },
      { hostId: 'd', priceCoefficientMilli: 1000 },
    ];
    const stats = new HostStats();
    expect(rankHosts(hosts, stats).map((h) => h.hostId)).toEqual(['b', 'c', 'd', 'a']);
    stats.failed('b');
    stats.succeeded('c');
    expect(rankHosts(hosts, stats).map((h) => h.hostId)).toEqual(['c', 'd', 'b', 'a']);
    stats.failed('a');
    expect(rankHosts(hosts, stats).at(-1)!.hostId).toBe('a');
  });
});
