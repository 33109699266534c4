import { describe, expect, it } from 'vitest';
import type { AppliedPolicy, HostVerification } from '../../crypto/api';
import { sendReadiness, type ReadinessInput } from './send-readiness';
import type { HostState } from './use-verified-host';

const unpinned: AppliedPolicy = {
  source: 'unpinned',
  signerPublicKey: null,
  expiresAt: null,
  imageCount: null, sequence: null, webBuilds: null,
  allowSimulated: true,
  check: { name: 'policy.signature', ok: false, skipped: true, reason: 'no operator key pinned in this build' },
  error: null,
};
const refused: AppliedPolicy = {
  ...unpinned,
  source: 'rejected',
  allowSimulated: false,
  check: { name: 'policy.signature', ok: false, reason: 'the policy signature does not verify' },
  error: { code: 'attestation.policy_invalid', message: 'the policy signature does not verify' },
};
const verification = (verified: boolean, policy: AppliedPolicy = unpinned): HostVerification => ({
  bundleDigest: 'd',
  verified,
  hostId: 'host-1',
  tee: 'simulated',
  simulated: true,
  checks: [],
  models: [],
  engine: null,
  expiresAt: null,
  measurements: {},
  tcbStatus: null,
  image: null,
  gpus: [],
  policy,
  error: null,
});
const host = (state: 'verified' | 'rejected'): HostState => {
  const chosen = { hostId: 'host-1', coefficientMilli: 1000n, verification: verification(state === 'verified') };
  return state === 'verified' ? { state, host: chosen, alternates: [] } : { state, host: chosen };
};
const ready: ReadinessInput = { model: 'm', modelsLoading: false, policy: unpinned, policyFailed: false, host: host('verified'), hostLoading: false, hostFailed: false, socket: 'ready' };

describe('sendReadiness', () => {
  it('is ready with a verified host and an authenticated socket', () => {
    expect(sendReadiness(ready)).toEqual({ ready: true });
  });

  it('blocks on a host that failed attestation, explaining why', () => {
    const r = sendReadiness({ ...ready, host: host('rejected') });
    expect(r).toMatchObject({ ready: false, pending: false });
    expect(r.ready || r.reason).toMatch(/attestation/);
  });

  it('blocks when the operator policy is refused, naming the reason, before looking at hosts', () => {
    const r = sendReadiness({ ...ready, policy: refused, host: undefined, hostLoading: true });
    expect(r).toMatchObject({ ready: false, pending: false });
    expect(r.ready || r.reason).toMatch(/attestation policy could not be verified \(the policy signature does not verify\)/);
  });

  it('blocks with the policy reason when the policy expired after loading and the worker refused the host', () => {
    const expired = { ...refused, check: { name: 'policy.signature', ok: false, reason: 'the policy expired at 2026-01-01T00:00:00.000Z' } };
    const rejected: HostState = { state: 'rejected', host: { hostId: 'host-1', coefficientMilli: 1000n, verification: verification(false, expired) } };
    const r = sendReadiness({ ...ready, policy: { ...unpinned, source: 'signed' }, host: rejected });
    expect(r.ready || r.reason).toMatch(/policy expired/);
  });

  it('waits for the policy, and blocks when it cannot be loaded', () => {
    expect(sendReadiness({ ...ready, policy: undefined })).toMatchObject({ ready: false, pending: true });
    expect(sendReadiness({ ...ready, policy: undefined, policyFailed: true })).toMatchObject({ ready: false, pending: false });
  });

  it('waits while verifying and connecting', () => {
    expect(sendReadiness({ ...ready, hostLoading: true, host: undefined })).toMatchObject({ ready: false, pending: true });
    expect(sendReadiness({ ...ready, socket: 'connecting' })).toEqual({ ready: false, pending: true, reason: 'Connecting securely…' });
  });

  it('disables Send while reconnecting after a drop, saying so', () => {
    expect(sendReadiness({ ...ready, socket: 'waiting' })).toEqual({ ready: false, pending: true, reason: 'Connection lost. Reconnecting…' });
  });

  it('puts being offline first: it is why everything else is still loading or failed', () => {
    const r = sendReadiness({ ...ready, socket: 'offline', modelsLoading: true, host: undefined, hostFailed: true });
    expect(r).toMatchObject({ ready: false, pending: true });
    expect(r.ready || r.reason).toMatch(/offline/);
  });

  it('tells a model list that failed to load from one with no model', () => {
    expect(sendReadiness({ ...ready, model: null, modelsFailed: true })).toEqual({ ready: false, pending: false, reason: 'Couldn’t load the models. Retrying…' });
    expect(sendReadiness({ ...ready, model: null })).toEqual({ ready: false, pending: false, reason: 'No models are available right now.' });
  });

  it('blocks with no model or no host', () => {
    expect(sendReadiness({ ...ready, model: null })).toMatchObject({ ready: false, pending: false });
    expect(sendReadiness({ ...ready, host: { state: 'none' } })).toMatchObject({ ready: false, pending: false });
    expect(sendReadiness({ ...ready, hostFailed: true, host: undefined })).toMatchObject({ ready: false, pending: false });
  });
});
