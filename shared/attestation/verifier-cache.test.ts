import { describe, expect, it } from 'vitest';
import type { Claims } from '../protocol/attestation-bundle';
import { toB64u } from '../protocol/encoding';
import { buildBundle } from './bundle';
import { createSimulatedProvider } from './simulated';
import { createVerifierCache } from './verifier-cache';

const now = new Date('2026-11-22T12:00:00Z');
const t = Math.floor(now.getTime() / 1000);
const claims: Claims = {
  version: 1,
  hostId: 'host-cache',
  hpkePublicKey: toB64u(new Uint8Array(32).fill(1)),
  signingPublicKey: toB64u(new Uint8Array(32).fill(2)),
  models: [{ name: 'm', weightsDigest: 'ab'.repeat(32) }],
  engine: { name: 'llama.cpp', imageDigest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000', version: 'test', args: [], agentConfigDigest: '0000000000000000000000000000000000000000000000000000000000000000' },
  gpuEvidenceDigests: [],
  createdAt: t - 60,
  expiresAt: t + 3600,
};
const policy = { allowSimulated: true };
const at = (s: number) => new Date((t + s) * 1000);

describe('verifier cache', () => {
  it('answers a repeated bundle from the cache until the earliest expiry, then re-verifies', async () => {
    const cache = createVerifierCache();
    const bundle = await buildBundle(claims, createSimulatedProvider());
    const first = await cache.verify(bundle, { policy, now });
    expect([first.ok, first.validUntil, cache.size]).toEqual([true, claims.expiresAt * 1000, 1]);
    expect((await cache.verify(bundle, { policy, now: at(1800) })).ok).toBe(true);
    expect(cache.hits).toBe(1);
    const late = await cache.verify(bundle, { policy, now: at(3600) });
    expect([late.ok, late.error?.code, cache.hits, cache.size]).toEqual([false, 'attestation.claims_expired', 1, 0]);
  });

  it('keys on the policy too, never answers for a time before verification, and does not cache failures', async () => {
    const cache = createVerifierCache();
    const bundle = await buildBundle(claims, createSimulatedProvider());
    await cache.verify(bundle, { policy, now });
    expect((await cache.verify(bundle, { policy: { allowSimulated: false }, now })).ok).toBe(false);
    expect(cache.hits).toBe(0);
    await cache.verify(bundle, { policy, now: at(-30) });
    expect([cache.hits, cache.size]).toEqual([0, 1]);
    await cache.verify({ ...bundle, claims: 'e30' }, { policy, now });
    expect(cache.size).toBe(1);
  });

  it('evicts the oldest entry beyond its capacity', async () => {
    const cache = createVerifierCache({ maxEntries: 1 });
    const a = await buildBundle(claims, createSimulatedProvider());
    const b = await buildBundle({ ...claims, hostId: 'host-other' }, createSimulatedProvider());
    await cache.verify(a, { policy, now });
    await cache.verify(b, { policy, now });
    await cache.verify(a, { policy, now });
    expect([cache.size, cache.hits]).toEqual([1, 0]);
  });
});
