import { describe, expect, it } from 'vitest';
import { buildBundle } from '@cocoon/shared/attestation/bundle';
import { signPolicy } from '@cocoon/shared/attestation/policy';
import { createSimulatedProvider } from '@cocoon/shared/attestation/simulated';
import { generateSigningKeyPair, type SigningKeyPair } from '@cocoon/shared/crypto/ed25519';
import { generateHpkeKeyPair } from '@cocoon/shared/crypto/hpke-suite';
import type { Claims } from '@cocoon/shared/protocol/attestation-bundle';
import { toB64u } from '@cocoon/shared/protocol/encoding';
import type { JobMeta } from '@cocoon/shared/protocol/jobs';
import { RequestSuites } from '@cocoon/shared/protocol/request-suite';
import type { Result } from './api';
import { createCryptoService } from './service';

/** The crypto worker under the operator's signed policy (ARCHITECTURE.md, "The confidential path", step 4). */
const now = new Date('2026-11-22T12:00:00Z');
const t = Math.floor(now.getTime() / 1000);
const operator = await generateSigningKeyPair();
const pinned = [toB64u(operator.publicKey)];
const image = { name: 'cocoon-1.0', mrTd: 'aa'.repeat(48), rtmr0: 'bb'.repeat(48), rtmr1: 'cc'.repeat(48), rtmr2: 'dd'.repeat(48) };

const ENGINE_ALLOWED = { name: 'demo', imageDigest: `sha256:${'0'.repeat(64)}`, version: 'test', args: [], models: { demo: 'ab'.repeat(32) } };

const policyDoc = (over: { allowSimulated?: boolean; expiresAt?: number; sequence?: number; engines?: [] } = {}) => ({
  version: 2 as const,
  sequence: over.sequence ?? 5,
  allowSimulated: over.allowSimulated ?? true,
  images: [image],
  engines: over.engines ?? [ENGINE_ALLOWED],
  webBuilds: [],
  gpuReferences: [],
  acceptedTcbStatuses: ['UpToDate' as const],
  maxCollateralAgeDays: 30,
  expiresAt: over.expiresAt ?? t + 86_400,
});
const signed = (over: Parameters<typeof policyDoc>[0] = {}, key: SigningKeyPair = operator) => signPolicy(policyDoc(over), key);

async function simulatedBundle() {
  const hpke = await generateHpkeKeyPair(RequestSuites.x25519);
  const xwing = await generateHpkeKeyPair(RequestSuites.xwing);
  const signing = await generateSigningKeyPair();
  const claims: Claims = {
    version: 1,
    hostId: 'host-test',
    hpkePublicKey: toB64u(hpke.publicKey),
    signingPublicKey: toB64u(signing.publicKey),
    xwingPublicKey: toB64u(xwing.publicKey),
    models: [{ name: 'demo', weightsDigest: 'ab'.repeat(32) }],
    engine: { name: 'llama.cpp', imageDigest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000', version: 'test', args: [], agentConfigDigest: '0000000000000000000000000000000000000000000000000000000000000000' },
    gpuEvidenceDigests: [],
    createdAt: t - 60,
    expiresAt: t + 7200,
  };
  return buildBundle(claims, createSimulatedProvider());
}
const bundle = await simulatedBundle();

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}
const meta = (): JobMeta => ({ jobId: crypto.randomUUID(), hostId: 'host-test', model: 'demo', maxTokens: 64, maxCharge: '5000000' });
const request = { messages: [{ role: 'user' as const, content: 'hi' }] };
const service = (opts: { keys?: string[]; allowSimulated?: boolean; clock?: () => Date } = {}) =>
  createCryptoService({ now: opts.clock ?? (() => now), pinnedPolicyKeys: opts.keys ?? pinned, allowSimulated: opts.allowSimulated ?? true });

/** Every host fails under a refused policy, with `policy.signature` first and nothing else evaluated. */
async function expectRefused(s: ReturnType<typeof service>, code: string, reason: RegExp) {
  const v = value(await s.verifyHost(bundle));
  expect(v).toMatchObject({ verified: false, hostId: 'host-test', error: { code }, policy: { source: 'rejected' } });
  expect(v.checks).toEqual([{ name: 'policy.signature', ok: false, reason: expect.stringMatching(reason) }]);
  const sealed = await s.seal(v.bundleDigest, meta(), request);
  expect(sealed.ok ? 'ok' : sealed.error.code).toBe(code);
}

describe('the crypto worker under the operator policy', () => {
  it('verifies hosts under a policy signed by a pinned key, and says which policy applied', async () => {
    const s = service();
    const applied = value(await s.setPolicy(await signed()));
    expect(applied).toMatchObject({ source: 'signed', signerPublicKey: pinned[0], expiresAt: t + 86_400, imageCount: 1, allowSimulated: true, error: null });
    const v = value(await s.verifyHost(bundle));
    expect(v.verified).toBe(true);
    expect(v.checks[0]).toEqual({ name: 'policy.signature', ok: true, reason: 'signed by a pinned operator key' });
    expect(v.policy).toEqual(applied);
    expect(value(await s.seal(v.bundleDigest, meta(), request)).enc).toBeTruthy();
  });

  it('accepts the simulated TEE only when both the policy and the build consent', async () => {
    for (const [policyAllows, buildAllows] of [[false, true], [true, false]] as const) {
      const s = service({ allowSimulated: buildAllows });
      expect(value(await s.setPolicy(await signed({ allowSimulated: policyAllows }))).allowSimulated).toBe(false);
      const v = value(await s.verifyHost(bundle));
      expect(v).toMatchObject({ verified: false, error: { code: 'attestation.simulated_not_allowed' } });
      expect(v.checks[0]).toMatchObject({ name: 'policy.signature', ok: true });
    }
  });

  it('refuses every host under a forged policy', async () => {
    const s = service();
    const forged = await signed({ allowSimulated: false });
    const applied = value(await s.setPolicy({ ...forged, policy: { ...forged.policy, allowSimulated: true } }));
    expect(applied).toMatchObject({ source: 'rejected', allowSimulated: false, error: { code: 'attestation.policy_invalid' } });
    await expectRefused(s, 'attestation.policy_invalid', /signature does not verify/);
  });

  it('refuses every host under a policy signed by a key this build does not pin', async () => {
    const s = service();
    value(await s.setPolicy(await signed({}, await generateSigningKeyPair())));
    await expectRefused(s, 'attestation.policy_invalid', /not signed by a pinned operator key/);
  });

  it('refuses every host under an expired policy, and once a loaded policy expires', async () => {
    const s = service();
    value(await s.setPolicy(await signed({ expiresAt: t - 1 })));
    await expectRefused(s, 'attestation.policy_expired', /expired/);

    let clock = now;
    const later = service({ clock: () => clock });
    value(await later.setPolicy(await signed({ expiresAt: t + 60 })));
    const v = value(await later.verifyHost(bundle));
    expect(v.verified).toBe(true);
    clock = new Date((t + 61) * 1000);
    const sealed = await later.seal(v.bundleDigest, meta(), request);
    expect(sealed.ok ? 'ok' : sealed.error.code).toBe('attestation.policy_expired');
    await expectRefused(later, 'attestation.policy_expired', /expired at/);
  });

  it('refuses a rolled-back policy: older than the newest this worker or this device has seen', async () => {
    const s = service();
    expect(value(await s.setPolicy(await signed({ sequence: 9 }))).sequence).toBe(9);
    value(await s.setPolicy(await signed({ sequence: 8 })));
    await expectRefused(s, 'attestation.policy_rollback', /sequence 8 is older than 9/);
    expect(value(await s.setPolicy(await signed({ sequence: 9 }))).source).toBe('signed');
    // A fresh worker on a device that saw sequence 12 (the app passes what it stored).
    const fresh = service();
    value(await fresh.setPolicy(await signed({ sequence: 11 }), 12));
    await expectRefused(fresh, 'attestation.policy_rollback', /sequence 11 is older than 12/);
  });

  it('refuses a host whose engine the policy does not list; an empty engine list admits none', async () => {
    const s = service();
    value(await s.setPolicy(await signed({ engines: [] })));
    const v = value(await s.verifyHost(bundle));
    expect(v).toMatchObject({ verified: false, error: { code: 'attestation.engine_not_allowed', message: 'the policy allows no engine' } });
    value(await s.setPolicy(await signed()));
    const ok = value(await s.verifyHost(bundle));
    expect([ok.verified, ok.engine?.allowedAs, ok.checks.find((c) => c.name === 'engine.allowed')?.ok]).toEqual([true, 'demo', true]);
  });

  it('refuses every host with keys pinned but no policy, before and after the broker says it has none', async () => {
    const s = service();
    await expectRefused(s, 'attestation.policy_invalid', /no signed policy has been loaded/);
    value(await s.setPolicy(null));
    await expectRefused(s, 'attestation.policy_invalid', /serves no signed policy/);
  });

  it('without pinned keys keeps the build flag alone and reports the policy check as skipped', async () => {
    const s = service({ keys: [] });
    const applied = value(await s.setPolicy(await signed({ allowSimulated: false })));
    expect(applied).toMatchObject({ source: 'unpinned', signerPublicKey: null, allowSimulated: true });
    const v = value(await s.verifyHost(bundle));
    expect(v.verified).toBe(true);
    expect(v.checks[0]).toEqual({ name: 'policy.signature', ok: false, skipped: true, reason: 'no operator key pinned in this build' });
    const strict = service({ keys: [], allowSimulated: false });
    expect(value(await strict.verifyHost(bundle)).error?.code).toBe('attestation.simulated_not_allowed');
  });

  it('forgets hosts verified under a policy that another one replaced', async () => {
    const s = service();
    value(await s.setPolicy(await signed()));
    const v = value(await s.verifyHost(bundle));
    value(await s.setPolicy(await signed({ expiresAt: t + 3600 })));
    const sealed = await s.seal(v.bundleDigest, meta(), request);
    expect(sealed.ok ? 'ok' : sealed.error.code).toBe('job.invalid_state');
    expect(value(await s.verifyHost(bundle)).verified).toBe(true);
  });
});
