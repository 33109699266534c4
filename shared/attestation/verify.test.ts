import { describe, expect, it } from 'vitest';
import type { AttestationBundle, Claims } from '../protocol/attestation-bundle';
import { canonicalJson, fromB64u, fromHex, fromUtf8, sha256, toB64u, toHex, utf8 } from '../protocol/encoding';
import { encodeNvidiaGpuEvidence } from '../protocol/gpu-evidence';
import { readVectorText } from '../testing/vectors';
import { generateSigningKeyPair, sign } from '../crypto/ed25519';
import { buildBundle } from './bundle';
import { GpuReferenceSchema } from './policy';
import { createSimulatedProvider, simulatedSignedBytes, SIMULATED_SIGNER_PUBLIC_KEY, simulatedSignerKeyPair } from './simulated';
import { verifyBundle } from './verify';

const now = new Date('2026-11-22T12:00:00Z');
const t = Math.floor(now.getTime() / 1000);
const claims: Claims = {
  version: 1,
  hostId: 'host-test',
  hpkePublicKey: toB64u(new Uint8Array(32).fill(1)),
  signingPublicKey: toB64u(new Uint8Array(32).fill(2)),
  models: [{ name: 'cocoon-demo-bigram', weightsDigest: 'ab'.repeat(32) }],
  engine: { name: 'llama.cpp', imageDigest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000', version: 'test', args: [], agentConfigDigest: '0000000000000000000000000000000000000000000000000000000000000000' },
  gpuEvidenceDigests: [],
  createdAt: t - 60,
  expiresAt: t + 3600,
};
const allow = { policy: { allowSimulated: true }, now };
const bundle = () => buildBundle(claims, createSimulatedProvider());

function editQuote(b: AttestationBundle, edit: (q: Record<string, unknown>) => void): AttestationBundle {
  const q = JSON.parse(fromUtf8(fromB64u(b.quote))) as Record<string, unknown>;
  edit(q);
  return { ...b, quote: toB64u(utf8(JSON.stringify(q))) };
}
const failedCheck = (r: { checks: { name: string; ok: boolean; skipped?: boolean }[] }) => r.checks.find((c) => !c.ok && !c.skipped)?.name;

describe('simulated attestation', () => {
  it('the pinned signer key is the one derived from the published dev seed', async () => {
    expect(toB64u((await simulatedSignerKeyPair()).publicKey)).toBe(SIMULATED_SIGNER_PUBLIC_KEY);
  });

  it('verifies a fresh bundle and hands back its claims, naming every check', async () => {
    const r = await verifyBundle(await bundle(), allow);
    expect(r.ok).toBe(true);
    expect(r.simulated).toBe(true);
    expect(r.claims).toEqual(claims);
    expect(r.checks.map((c) => c.name)).toEqual([
      'bundle.schema', 'claims.decode', 'policy.simulated_allowed', 'quote.parse', 'quote.signer_pinned', 'quote.signature', 'claims.report_data_binding', 'engine.allowed', 'claims.not_expired',
    ]);
    expect(r.checks.find((c) => c.name === 'engine.allowed')).toEqual({ name: 'engine.allowed', ok: false, skipped: true, reason: 'no operator policy: the engine is shown, not matched' });
  });

  describe('the engine the host runs (the simulated TEE standing in for TDX)', () => {
    const allowed = { name: 'vllm-0.11', imageDigest: claims.engine.imageDigest, version: claims.engine.version, args: claims.engine.args, models: Object.fromEntries(claims.models.map((m) => [m.name, m.weightsDigest])) };
    const under = async (engines: (typeof allowed)[], c = claims) => verifyBundle(await buildBundle(c, createSimulatedProvider()), { policy: { allowSimulated: true, engines }, now });

    it('passes when the policy lists its image, version, arguments and model digests', async () => {
      const r = await under([allowed]);
      expect([r.ok, r.engine, r.checks.find((c) => c.name === 'engine.allowed')?.reason]).toEqual([true, 'vllm-0.11', 'engine "vllm-0.11"']);
    });

    it.each([
      ['a changed launch argument', { engine: { ...claims.engine, args: [...claims.engine.args, '--enable-remote-logging'] } }, /launch arguments .* are not/],
      ['another version', { engine: { ...claims.engine, version: '0.12.0' } }, /version 0.12.0 is not test/],
      ['another image', { engine: { ...claims.engine, imageDigest: `sha256:${'9'.repeat(64)}` } }, /engine image sha256:9{12}\.\.\. is in no allowed engine/],
      ['other model weights', { models: claims.models.map((m) => ({ ...m, weightsDigest: 'ef'.repeat(32) })) }, /has weights efefefef/],
      ['a model the policy does not list', { models: [...claims.models, { name: 'extra', weightsDigest: 'cd'.repeat(32) }] }, /model extra is not listed/],
    ])('refuses %s', async (_, change, reason) => {
      const r = await under([allowed], { ...claims, ...change });
      expect([r.ok, r.error?.code, failedCheck(r)]).toEqual([false, 'attestation.engine_not_allowed', 'engine.allowed']);
      expect(r.error?.message).toMatch(reason);
      expect(r.claims).toBeUndefined();
    });

    it('an empty engine list admits nothing', async () => {
      const r = await under([]);
      expect([r.ok, r.error?.message]).toEqual([false, 'the policy allows no engine']);
    });
  });

  it('refuses the simulated TEE when the policy does not allow it', async () => {
    const r = await verifyBundle(await bundle(), { policy: { allowSimulated: false }, now });
    expect([r.ok, r.error?.code, failedCheck(r)]).toEqual([false, 'attestation.simulated_not_allowed', 'policy.simulated_allowed']);
    expect(r.claims).toBeUndefined();
  });

  it('rejects claims swapped after quoting (reportData binding)', async () => {
    const b = await bundle();
    const other = { ...claims, hpkePublicKey: toB64u(new Uint8Array(32).fill(9)) };
    const r = await verifyBundle({ ...b, claims: toB64u(utf8(canonicalJson(other))) }, allow);
    expect([r.error?.code, failedCheck(r)]).toEqual(['attestation.report_data_mismatch', 'claims.report_data_binding']);
  });

  it('rejects a tampered quote signature', async () => {
    const b = editQuote(await bundle(), (q) => {
      q.reportData = '00'.repeat(64);
    });
    const r = await verifyBundle(b, allow);
    expect([r.error?.code, failedCheck(r)]).toEqual(['attestation.signature_invalid', 'quote.signature']);
  });

  it('rejects a quote signed by a look-alike key', async () => {
    const rogue = await generateSigningKeyPair();
    const b = await bundle();
    const forged = editQuote(b, (q) => {
      q.signerPublicKey = toB64u(rogue.publicKey);
    });
    const q = JSON.parse(fromUtf8(fromB64u(forged.quote)));
    const sig = await sign(rogue.privateKey, simulatedSignedBytes(q));
    const r = await verifyBundle(editQuote(forged, (x) => { x.signature = toB64u(sig); }), allow);
    expect([r.error?.code, failedCheck(r)]).toEqual(['attestation.signature_invalid', 'quote.signer_pinned']);
  });

  it('rejects expired and not-yet-valid claims', async () => {
    const b = await bundle();
    const late = await verifyBundle(b, { ...allow, now: new Date((claims.expiresAt + 1) * 1000) });
    expect([late.error?.code, failedCheck(late)]).toEqual(['attestation.claims_expired', 'claims.not_expired']);
    const early = await verifyBundle(b, { ...allow, now: new Date((claims.createdAt - 3600) * 1000) });
    expect(early.error?.code).toBe('attestation.claims_expired');
  });

  it.each([
    ['not an object', 'nope'],
    ['wrong version', { version: 2 }],
    ['claims not base64url JSON', { version: 1, tee: 'simulated', claims: 'AAAA', quote: 'AAAA', gpuEvidence: [] }],
  ])('answers malformed input with a typed error: %s', async (_, input) => {
    const r = await verifyBundle(input, allow);
    expect([r.ok, r.error?.code]).toEqual([false, 'attestation.bundle_malformed']);
  });

  it('rejects non-canonical claims encoding', async () => {
    const b = await bundle();
    const spaced = toB64u(utf8(JSON.stringify(claims, null, 1)));
    expect((await verifyBundle({ ...b, claims: spaced }, allow)).error?.code).toBe('attestation.bundle_malformed');
  });

  it('runs the GPU checks on a simulated bundle too: the recorded H100 report is genuine but carries another nonce, and without reference measurements states no CC or debug mode', async () => {
    const blob = encodeNvidiaGpuEvidence(fromHex(readVectorText('nvidia/nvtrust-hopperAttestationReport.hex').trim()), readVectorText('nvidia/nvtrust-hopperCertChain.pem'));
    const listed = { ...claims, gpuEvidenceDigests: [toHex(await sha256(blob))] };
    const built = await buildBundle(listed, createSimulatedProvider(), { gpuEvidence: [blob] });
    const r = await verifyBundle(built, allow);
    expect(r.checks.filter((c) => c.name.startsWith('gpu')).map((c) => [c.name, c.skipped ? 'skipped' : c.ok])).toEqual([
      ['gpu.evidence', true], ['gpu[0].parse', true], ['gpu[0].chain', true], ['gpu[0].signature', true], ['gpu[0].fwid', true], ['gpu[0].nonce', false],
      ['gpu[0].cc_mode', false], ['gpu[0].debug_off', false], ['gpu[0].firmware', 'skipped'],
    ]);
    expect([r.ok, r.error?.code, r.claims, r.gpu?.length]).toEqual([false, 'attestation.gpu_nonce_mismatch', undefined, 1]);
    // With the report's reference set in the policy, every GPU check passes but the nonce: the recorded report's nonce is not ours.
    const gpuReferences = GpuReferenceSchema.array().parse(JSON.parse(readVectorText('nvidia/nvtrust-hopper-reference.json')));
    const referenced = await verifyBundle(built, { ...allow, policy: { allowSimulated: true, gpuReferences } });
    expect(referenced.checks.filter((c) => c.name.startsWith('gpu') && !c.ok && !c.skipped).map((c) => c.name)).toEqual(['gpu[0].nonce']);
    expect(referenced.checks.filter((c) => c.name.startsWith('gpu')).map((c) => c.name)).toEqual(r.checks.filter((c) => c.name.startsWith('gpu')).map((c) => c.name));
    expect([referenced.error?.code, referenced.gpu?.[0]?.referenceSet]).toEqual(['attestation.gpu_nonce_mismatch', gpuReferences[0]!.name]);
    const unlisted = await verifyBundle({ ...(await bundle()), gpuEvidence: [{ kind: 'nvidia-cc-spdm-v1', data: toB64u(blob) }] }, allow);
    expect([unlisted.error?.code, failedCheck(unlisted)]).toEqual(['attestation.gpu_evidence_not_listed', 'gpu.evidence']);
    const required = await verifyBundle(await bundle(), { ...allow, policy: { allowSimulated: true, requireGpuEvidence: true } });
    expect([required.error?.code, failedCheck(required)]).toEqual(['attestation.gpu_evidence_missing', 'gpu.evidence']);
  });

  it('sends tdx bundles to the TDX verifier: a simulated quote relabelled tdx is not a TDX quote', async () => {
    const b = await bundle();
    const r = await verifyBundle({ ...b, tee: 'tdx' }, allow);
    expect([r.ok, r.error?.code, failedCheck(r), r.simulated]).toEqual([false, 'attestation.quote_malformed', 'quote.parse', false]);
  });
});
