import { describe, expect, it } from 'vitest';
import type { HostVerification } from '../../crypto/api';
import { sendReadiness, type ReadinessInput } from './send-readiness';
import type { HostState } from './use-verified-host';

const verification = (verified: boolean): HostVerification => ({
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
  error: null,
});
const host = (state: 'verified' | 'rejected'): HostState => ({ state, host: { hostId: 'host-1', coefficientMilli: 1000n, verification: verification(state === 'verified') } });
const ready: ReadinessInput = { model: 'm', modelsLoading: false, host: host('verified'), hostLoading: false, hostFailed: false, socket: 'ready' };

describe('sendReadiness', () => {
  it('is ready with a verified host and an authenticated socket', () => {
    expect(sendReadiness(ready)).toEqual({ ready: true });
  });

  it('blocks on a host that failed attestation, explaining why', () => {
    const r = sendReadiness({ ...ready, host: host('rejected') });
    expect(r).toMatchObject({ ready: false, pending: false });
    expect(r.ready || r.reason).toMatch(/attestation/);
  });

  it('waits while verifying and connecting', () => {
    expect(sendReadiness({ ...ready, hostLoading: true, host: undefined })).toMatchObject({ ready: false, pending: true });
    expect(sendReadiness({ ...ready, socket: 'waiting' })).toMatchObject({ ready: false, pending: true });
  });

  it('blocks with no model or no host', () => {
    expect(sendReadiness({ ...ready, model: null })).toMatchObject({ ready: false, pending: false });
    expect(sendReadiness({ ...ready, host: { state: 'none' } })).toMatchObject({ ready: false, pending: false });
    expect(sendReadiness({ ...ready, hostFailed: true, host: undefined })).toMatchObject({ ready: false, pending: false });
  });
});
