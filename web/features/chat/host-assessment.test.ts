import { describe, expect, it } from 'vitest';
import type { HostVerification } from '../../crypto/api';
import { assessHost, type HostListing } from './host-assessment';

const listing: HostListing = {
  hostId: 'host-1',
  priceCoefficientMilli: 1000,
  bundle: { version: 1, tee: 'simulated', claims: 'e30', quote: 'e30', gpuEvidence: [] },
};
const verification: HostVerification = {
  bundleDigest: 'd',
  verified: true,
  hostId: 'host-1',
  tee: 'simulated',
  simulated: true,
  checks: [{ name: 'quote.signature', ok: true }],
  models: [{ name: 'demo', weightsDigest: 'ab'.repeat(32) }],
  engine: { name: 'llama.cpp', imageDigest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000', version: 'test', args: [], agentConfigDigest: '0000000000000000000000000000000000000000000000000000000000000000', allowedAs: null },
  expiresAt: 1,
  measurements: {},
  tcbStatus: null,
  image: null,
  gpus: [],
  policy: null,
  error: null,
};

describe('assessHost', () => {
  it('passes when the claims name the listed host and serve the model', () => {
    const v = assessHost(listing, 'demo', { ok: true, value: verification });
    expect(v.verified).toBe(true);
    expect(v.checks.map((c) => [c.name, c.ok])).toEqual([
      ['quote.signature', true],
      ['host.listed_id', true],
      ['host.serves_model', true],
    ]);
  });

  it('fails a valid bundle listed under another host id, or without the model', () => {
    expect(assessHost({ ...listing, hostId: 'host-2' }, 'demo', { ok: true, value: verification })).toMatchObject({
      verified: false,
      error: { code: 'attestation.host_mismatch' },
    });
    expect(assessHost(listing, 'other', { ok: true, value: verification }).verified).toBe(false);
  });

  it('keeps the verifier’s own error and turns a worker failure into a failed check', () => {
    const failed = { ...verification, verified: false, error: { code: 'attestation.signature_invalid' as const, message: 'bad' } };
    expect(assessHost(listing, 'demo', { ok: true, value: failed }).error?.code).toBe('attestation.signature_invalid');
    const broken = assessHost(listing, 'demo', { ok: false, error: { code: 'protocol.malformed_message', message: 'no' } });
    expect(broken).toMatchObject({ verified: false, simulated: true, error: { code: 'protocol.malformed_message' } });
    expect(broken.checks[0]).toEqual({ name: 'bundle.verify', ok: false, reason: 'no' });
  });
});
