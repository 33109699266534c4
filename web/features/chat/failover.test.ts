import { describe, expect, it } from 'vitest';
import { mayFailOver, nextHost, type Turn } from './failover';

const listed = (hostId: string) => ({ hostId, priceCoefficientMilli: 1000 });
const turn = (over: Partial<Turn> = {}): Turn => ({
  jobId: 'job-1',
  model: 'demo/tiny',
  request: { messages: [{ role: 'user', content: 'hi' }] },
  pricing: { price: { promptPerMillion: 1n, completionPerMillion: 1n }, coefficientMilli: 1000n, maxCharge: 1_000_000n },
  attempts: 1,
  answered: false,
  cancelled: false,
  alternates: [listed('b'), listed('c')],
  ...over,
});

describe('Mini App failover', () => {
  it('hands a message whose host failed before its first token to the next host', () => {
    expect(mayFailOver(turn(), 'job.host_gone')).toBe(true);
    expect(mayFailOver(turn(), 'host.busy')).toBe(true);
    expect(mayFailOver(turn(), 'engine.unavailable')).toBe(true);
  });

  it('keeps the user\'s own errors, a stopped message and a started answer where they are', () => {
    expect(mayFailOver(turn(), 'ledger.insufficient_credits')).toBe(false);
    expect(mayFailOver(turn(), 'job.price_above_limit')).toBe(false);
    expect(mayFailOver(turn({ cancelled: true }), 'job.host_gone')).toBe(false);
    expect(mayFailOver(turn({ answered: true }), 'job.host_gone')).toBe(false);
  });

  it('stops after three jobs, or when no host is left', () => {
    expect(mayFailOver(turn({ attempts: 2 }), 'job.host_gone')).toBe(true);
    expect(mayFailOver(turn({ attempts: 3 }), 'job.host_gone')).toBe(false);
    expect(mayFailOver(turn({ alternates: [] }), 'job.host_gone')).toBe(false);
  });

  it('picks the first listed host that passes attestation, skipping offline and rejected ones', async () => {
    const verdicts: Record<string, boolean | null> = { b: null, c: false, d: true, e: true };
    const verified: string[] = [];
    const next = await nextHost([listed('b'), listed('c'), listed('d'), listed('e')], async (l) => {
      verified.push(l.hostId);
      const v = verdicts[l.hostId];
      return v === null || v === undefined ? null : { hostId: l.hostId, verification: { verified: v } };
    });
    expect(next?.host.hostId).toBe('d');
    expect(next?.rest.map((h) => h.hostId)).toEqual(['e']);
    expect(verified).toEqual(['b', 'c', 'd']);
  });

  it('has no next host when none passes', async () => {
    expect(await nextHost([listed('b')], async () => ({ verification: { verified: false } }))).toBeNull();
    expect(await nextHost([], async () => ({ verification: { verified: true } }))).toBeNull();
  });
});
