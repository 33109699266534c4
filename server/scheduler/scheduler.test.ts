import { describe, expect, it } from 'vitest';
import { holdFor } from '@cocoon/shared/pricing';
import { HostsQuerySchema } from '@cocoon/shared/protocol/api';
import { seededRandom } from './random';
import { MAX_RANKED, rankHosts, type SchedulableHost } from './scheduler';

const MODEL = 'demo/tiny';
const host = (hostId: string, over: Partial<SchedulableHost> = {}): SchedulableHost => ({
  hostId,
  priceCoefficientMilli: 1000,
  activeJobs: 0,
  maxConcurrentJobs: 4,
  draining: false,
  claims: { models: [{ name: MODEL }] },
  ...over,
});
const ids = (hs: SchedulableHost[]) => hs.map((h) => h.hostId);
const none = new Map<string, number>();
const price = { promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n };

describe('rankHosts', () => {
  it('leaves out draining hosts, other models and hosts whose worst case is above the cap', () => {
    const cap = { price, maxTokens: 256, requestBytes: 1024, maxCharge: holdFor(price, 1024, 256, 1200n) };
    const hosts = [
      host('ok'),
      host('draining', { draining: true }),
      host('other', { claims: { models: [{ name: 'demo/other' }] } }),
      host('at-cap', { priceCoefficientMilli: 1200 }),
      host('dear', { priceCoefficientMilli: 1201 }),
    ];
    expect(ids(rankHosts(hosts, none, { model: MODEL, cap }, seededRandom(1))).sort()).toEqual(['at-cap', 'ok']);
    expect(ids(rankHosts(hosts, none, { model: MODEL }, seededRandom(1))).sort()).toEqual(['at-cap', 'dear', 'ok']);
    expect(rankHosts(hosts, none, { model: 'demo/none' }, seededRandom(1))).toEqual([]);
  });

  it('with two hosts, the better one leads whatever the random draw: cheaper, more reliable, less loaded', () => {
    for (let seed = 0; seed < 50; seed++) {
      const r = seededRandom(seed);
      expect(ids(rankHosts([host('dear', { priceCoefficientMilli: 1100, maxConcurrentJobs: 5 }), host('cheap', { priceCoefficientMilli: 900, maxConcurrentJobs: 1 })], none, { model: MODEL }, r))).toEqual(['cheap', 'dear']);
      expect(ids(rankHosts([host('flaky'), host('solid')], new Map([['flaky', 0.3], ['solid', 0.9]]), { model: MODEL }, r))).toEqual(['solid', 'flaky']);
      expect(ids(rankHosts([host('busy', { activeJobs: 3 }), host('idle')], none, { model: MODEL }, r))).toEqual(['idle', 'busy']);
    }
  });

  it('puts full hosts last, least loaded first, and returns at most MAX_RANKED', () => {
    const hosts = [host('full-a', { activeJobs: 6, maxConcurrentJobs: 4 }), host('full-b', { activeJobs: 4, maxConcurrentJobs: 4 }), host('open', { activeJobs: 1 })];
    expect(ids(rankHosts(hosts, none, { model: MODEL }, seededRandom(2)))).toEqual(['open', 'full-b', 'full-a']);
    const many = Array.from({ length: 40 }, (_, i) => host(`h${i}`));
    expect(rankHosts(many, none, { model: MODEL }, seededRandom(3))).toHaveLength(MAX_RANKED);
  });

  it('spreads equal hosts, and leads with roomier and more reliable ones more often', () => {
    const r = seededRandom(4);
    const equal = Array.from({ length: 10 }, (_, i) => host(`h${i}`));
    const leaders = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const first = rankHosts(equal, none, { model: MODEL }, r)[0]!.hostId;
      leaders.set(first, (leaders.get(first) ?? 0) + 1);
    }
    expect(leaders.size).toBe(10);
    expect(Math.min(...leaders.values())).toBeGreaterThan(100);

    const mixed = [...Array.from({ length: 8 }, (_, i) => host(`small${i}`, { maxConcurrentJobs: 1 })), host('big', { maxConcurrentJobs: 8 }), host('flaky', { maxConcurrentJobs: 8 })];
    const scores = new Map([['flaky', 0.2]]);
    let big = 0;
    let flaky = 0;
    for (let i = 0; i < 2000; i++) {
      const first = rankHosts(mixed, scores, { model: MODEL }, r)[0]!.hostId;
      if (first === 'big') big++;
      if (first === 'flaky') flaky++;
    }
    // Uniform would be 200 each: the big reliable machine leads far more, the flaky one far less.
    expect(big).toBeGreaterThan(400);
    expect(flaky).toBeLessThan(100);
  });

  it('is a pure function of its inputs: the same seed gives the same list', () => {
    const many = Array.from({ length: 50 }, (_, i) => host(`h${i}`, { activeJobs: i % 4, priceCoefficientMilli: 900 + i }));
    expect(ids(rankHosts(many, none, { model: MODEL }, seededRandom(9)))).toEqual(ids(rankHosts(many, none, { model: MODEL }, seededRandom(9))));
  });

  it('GET /api/hosts takes the cap as optional query fields, and refuses malformed ones', () => {
    expect(HostsQuerySchema.parse({ model: MODEL })).toEqual({ model: MODEL });
    expect(HostsQuerySchema.parse({ model: MODEL, maxCharge: '2000000', maxTokens: '256', requestBytes: '900' })).toEqual({ model: MODEL, maxCharge: '2000000', maxTokens: 256, requestBytes: 900 });
    for (const bad of [{ maxCharge: '-1' }, { maxCharge: '1.5' }, { maxTokens: '0' }, { maxTokens: 'many' }, { requestBytes: String(10 ** 9) }]) {
      expect(HostsQuerySchema.safeParse({ model: MODEL, ...bad }).success).toBe(false);
    }
  });
});
