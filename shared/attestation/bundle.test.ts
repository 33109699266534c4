import { describe, expect, it } from 'vitest';
import type { Claims } from '../protocol/attestation-bundle';
import { fromB64u, sha256, toB64u, toHex, utf8 } from '../protocol/encoding';
import { buildBundle } from './bundle';
import { createSimulatedProvider, type TeeProvider } from './simulated';

const claims: Claims = {
  version: 1,
  hostId: 'host-test',
  hpkePublicKey: toB64u(new Uint8Array(32).fill(1)),
  signingPublicKey: toB64u(new Uint8Array(32).fill(2)),
  models: [{ name: 'cocoon-demo-bigram', weightsDigest: 'ab'.repeat(32) }],
  engine: { name: 'llama.cpp', imageDigest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000', version: 'test', args: [], agentConfigDigest: '0000000000000000000000000000000000000000000000000000000000000000' },
  gpuEvidenceDigests: [],
  createdAt: 1_700_000_000,
  expiresAt: 1_700_003_600,
};
/** A TDX-kind provider whose "quote" is the reportData itself: enough to see what the hook is given. */
const tdxStub: TeeProvider = { kind: 'tdx', quote: async (reportData) => reportData.slice() };

describe('buildBundle and collateral', () => {
  it('asks for collateral with the fresh TDX quote and carries the answer', async () => {
    const seen: Uint8Array[] = [];
    const b = await buildBundle(claims, tdxStub, { collateral: async (q) => (seen.push(q), '{"collateral":true}') });
    expect(seen).toEqual([fromB64u(b.quote)]);
    expect(b.collateral).toBe('{"collateral":true}');
  });

  it('leaves the field out when no collateral could be had', async () => {
    const b = await buildBundle(claims, tdxStub, { collateral: async () => undefined });
    expect('collateral' in b).toBe(false);
  });

  it('never asks for collateral for the simulated TEE', async () => {
    let asked = 0;
    const b = await buildBundle(claims, createSimulatedProvider(), { collateral: async () => (asked++, '{}') });
    expect([asked, 'collateral' in b]).toEqual([0, false]);
  });
});

describe('buildBundle and GPU evidence', () => {
  const blobs = [utf8('{"gpu":0}'), utf8('{"gpu":1}')];

  it('carries the evidence the claims list, as nvidia-cc-spdm-v1, in their order', async () => {
    const listed = { ...claims, gpuEvidenceDigests: await Promise.all(blobs.map(async (b) => toHex(await sha256(b)))) };
    const b = await buildBundle(listed, createSimulatedProvider(), { gpuEvidence: blobs });
    expect(b.gpuEvidence).toEqual(blobs.map((blob) => ({ kind: 'nvidia-cc-spdm-v1', data: toB64u(blob) })));
  });

  it('refuses evidence the claims do not list, and listed evidence it is not given', async () => {
    await expect(buildBundle(claims, tdxStub, { gpuEvidence: blobs })).rejects.toMatchObject({ code: 'internal' });
    const listed = { ...claims, gpuEvidenceDigests: [toHex(await sha256(blobs[0]!))] };
    await expect(buildBundle(listed, tdxStub)).rejects.toMatchObject({ code: 'internal' });
  });
});
