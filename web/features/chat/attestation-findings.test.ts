import { beforeAll, describe, expect, it } from 'vitest';
import type { HostVerification } from '../../crypto/api';
import { loadAreas } from '../../i18n';
import { findingsOf, verdictOf } from './attestation-findings';

const now = 1_700_000_000_000;
const base: HostVerification = {
  bundleDigest: 'ab'.repeat(32),
  verified: true,
  hostId: 'host-1',
  tee: 'tdx',
  simulated: false,
  checks: [],
  models: [],
  engine: { name: 'llama.cpp', version: 'b1', imageDigest: 'sha256:00', args: [], agentConfigDigest: '00', allowedAs: 'llama' },
  expiresAt: now / 1000 + 600,
  measurements: {},
  tcbStatus: 'UpToDate',
  image: null,
  gpus: [],
  policy: { source: 'signed', signerPublicKey: 'k', expiresAt: null, imageCount: 1, sequence: 1, webBuilds: null, allowSimulated: false, check: { name: 'policy.signature', ok: true }, error: null },
  error: null,
};

describe('findingsOf', () => {
  beforeAll(() => loadAreas(['attestation', 'errors']));

  it('a real enclave: every finding holds, the hardware named', () => {
    const findings = findingsOf(base, now);
    expect(verdictOf(base)).toBe('verified');
    expect(findings.map((f) => f.tone)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(findings[0]!.text).toContain('TDX');
    expect(findings.at(-1)!.text).toContain('in 10 min');
  });

  it('a simulated TEE never reads as verified: the host can read the messages', () => {
    const v: HostVerification = { ...base, tee: 'simulated', simulated: true, policy: { ...base.policy!, source: 'unpinned' } };
    const findings = findingsOf(v, now);
    expect(verdictOf(v)).toBe('simulated');
    expect(findings.find((f) => f.id === 'hardware')).toMatchObject({ tone: 'bad' });
    expect(findings.find((f) => f.id === 'key')!.text).toMatch(/host itself can open them/);
    expect(findings.filter((f) => f.id !== 'fresh').every((f) => f.tone !== 'ok')).toBe(true);
  });

  it('a failed verification says why in plain words, nothing else', () => {
    const v: HostVerification = { ...base, verified: false, error: { code: 'attestation.signature_invalid', message: 'bad sig' } };
    expect(verdictOf(v)).toBe('failed');
    expect(findingsOf(v, now)).toEqual([{ id: 'failed', tone: 'bad', text: expect.stringMatching(/genuine enclave/) as string }]);
  });
});
