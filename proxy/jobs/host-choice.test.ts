import { describe, expect, it } from 'vitest';
import { HostStats, rankHosts } from './host-choice';

describe('host choice', () => {
  it('keeps the broker\'s order, with the hosts this proxy saw fail after the others', () => {
    const hosts = [
      { hostId: 'a', priceCoefficientMilli: 1200 },
      { hostId: 'b', priceCoefficientMilli: 1000 },
      { hostId: 'c', priceCoefficientMilli: 1000 },
      { hostId: 'd', priceCoefficientMilli: 1000 },
    ];
    const stats = new HostStats();
    expect(rankHosts(hosts, stats).map((h) => h.hostId)).toEqual(['a', 'b', 'c', 'd']);
    stats.failed('a');
    stats.succeeded('c');
    expect(rankHosts(hosts, stats).map((h) => h.hostId)).toEqual(['b', 'c', 'd', 'a']);
    stats.failed('b');
    stats.failed('b');
    expect(rankHosts(hosts, stats).map((h) => h.hostId)).toEqual(['c', 'd', 'a', 'b']);
  });
});
