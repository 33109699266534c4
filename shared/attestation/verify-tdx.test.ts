import { describe, expect, it } from 'vitest';
import type { AttestationBundle, Claims } from '../protocol/attestation-bundle';
import { canonicalJson, sha256, toB64u, toHex, utf8 } from '../protocol/encoding';
import { GpuEvidenceKinds } from '../protocol/gpu-evidence';
import { readVector, readVectorText } from '../testing/vectors';
import { BodyOffsets, forgeTdxQuote } from '../testing/tdx-forge';
import { encodeClaims, reportDataOf } from './claims';
import { verifyBundle, type VerificationResult } from './verify';

const cocoon = readVector('cocoon-tdx-v4-quote.dat');
const phala = readVector('phala-tdx-v4-quote.bin');
const now = new Date('2026-11-22T12:00:00Z');
const t = Math.floor(now.getTime() / 1000);
const policy = { allowSimulated: false };
const baseClaims: Claims = {
  version: 1,
  hostId: 'host-tdx',
  hpkePublicKey: toB64u(new Uint8Array(32).fill(1)),
  signingPublicKey: toB64u(new Uint8Array(32).fill(2)),
  models: [{ name: 'qwen3-8b', weightsDigest: 'ab'.repeat(32) }],
  engine: { name: 'vllm', imageDigest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000', version: 'test', args: [], agentConfigDigest: '0000000000000000000000000000000000000000000000000000000000000000' },
  gpuEvidenceDigests: [],
  createdAt: t - 60,
  expiresAt: t + 3600,
};
const gpuBlob = utf8(
  canonicalJson({
    version: 1,
    report: toB64u(Uint8Array.from(Buffer.from(readVectorText('nvidia/nvtrust-hopperAttestationReport.hex').trim(), 'hex'))),
    certChain: readVectorText('nvidia/nvtrust-hopperCertChain.pem'),
  }),
);
const gpuEvidence = [{ kind: GpuEvidenceKinds.nvidiaCcSpdm, data: toB64u(gpuBlob) }];

const tdxBundle = (quote: Uint8Array, claims: Claims, extra: Partial<AttestationBundle> = {}): AttestationBundle => ({
  version: 1, tee: 'tdx', claims: toB64u(encodeClaims(claims)), quote: toB64u(quote), gpuEvidence: [], ...extra,
});
/** A quote under a look-alike root whose REPORTDATA binds `claims`: everything but the anchor verifies. */
const boundQuote = async (claims: Claims) => {
  const rd = await reportDataOf(encodeClaims(claims));
  return forgeTdxQuote(cocoon, (body) => body.set(rd, BodyOffsets.reportData));
};
const failed = (r: VerificationResult) => r.checks.filter((c) => !c.ok && !c.skipped).map((c) => c.name);

describe('verifyBundle, tee tdx', () => {
  it('a genuine quote that does not commit to these claims fails the REPORTDATA binding and hands out no keys', async () => {
    const r = await verifyBundle(tdxBundle(cocoon, baseClaims), { policy, now });
    expect([r.ok, r.tee, r.simulated, failed(r), r.error?.code, r.claims]).toEqual([false, 'tdx', false, ['collateral.parse', 'claims.report_data_binding'], 'attestation.collateral_missing', undefined]);
    expect(r.checks.map((c) => c.name).slice(0, 3)).toEqual(['bundle.schema', 'claims.decode', 'quote.parse']);
    expect(r.measurements?.reportData).toBe(toHex(readVector('cocoon-tdx-v4-quote.dat').subarray(568, 632)));
  });

  it('a quote that binds the claims passes the binding (and fails only its look-alike anchor)', async () => {
    const r = await verifyBundle(tdxBundle(await boundQuote(baseClaims), baseClaims), { policy, now });
    expect([failed(r), r.checks.find((c) => c.name === 'claims.report_data_binding')?.ok]).toEqual([['pck.chain', 'collateral.parse'], true]);
  });

  it('expired claims are refused', async () => {
    const claims = { ...baseClaims, createdAt: t - 7200, expiresAt: t - 60 };
    const r = await verifyBundle(tdxBundle(await boundQuote(claims), claims), { policy, now });
    expect(failed(r)).toEqual(['pck.chain', 'collateral.parse', 'claims.not_expired']);
    expect(r.checks.at(-1)?.reason).toMatch(/^claims expired at/);
  });

  it('uses the bundle\'s collateral (UpToDate for Phala\'s quote on 2025-06-20)', async () => {
    const at = new Date('2025-06-20T12:00:00Z');
    const claims = { ...baseClaims, createdAt: Math.floor(at.getTime() / 1000) - 60, expiresAt: Math.floor(at.getTime() / 1000) + 3600 };
    const r = await verifyBundle(tdxBundle(phala, claims, { collateral: readVectorText('phala-tdx-v4-collateral.json') }), { policy, now: at });
    expect([r.tcb?.status, failed(r)]).toEqual(['UpToDate', ['claims.report_data_binding']]);
  });

  it('GPU evidence listed in the claims is verified; its nonce must derive from the claims', async () => {
    const claims = { ...baseClaims, gpuEvidenceDigests: [toHex(await sha256(gpuBlob))] };
    const r = await verifyBundle(tdxBundle(await boundQuote(claims), claims, { gpuEvidence }), { policy, now });
    const gpu = r.checks.filter((c) => c.name.startsWith('gpu'));
    expect(gpu.map((c) => [c.name, c.skipped ? 'skipped' : c.ok])).toEqual([
      ['gpu.evidence', true], ['gpu[0].parse', true], ['gpu[0].chain', true], ['gpu[0].signature', true], ['gpu[0].fwid', true], ['gpu[0].nonce', false],
      ['gpu[0].cc_mode', false], ['gpu[0].debug_off', false], ['gpu[0].firmware', 'skipped'],
    ]);
    expect(r.gpu?.[0]).toMatchObject({ driverVersion: '550.90.07', measurementCount: 64 });
  });

  it('GPU evidence the claims do not list is refused', async () => {
    const r = await verifyBundle(tdxBundle(await boundQuote(baseClaims), baseClaims, { gpuEvidence }), { policy, now });
    expect(r.checks.find((c) => c.name === 'gpu.evidence')).toMatchObject({ ok: false, reason: 'gpu[0]: its digest is not in claims.gpuEvidenceDigests' });
  });

  it('claims that list GPU evidence the bundle lacks are refused', async () => {
    const claims = { ...baseClaims, gpuEvidenceDigests: ['00'.repeat(32)] };
    const r = await verifyBundle(tdxBundle(await boundQuote(claims), claims), { policy, now });
    expect(r.checks.find((c) => c.name === 'gpu.evidence')).toMatchObject({ ok: false, reason: 'the claims list 1 GPU report(s) the bundle does not carry' });
  });

  it('a policy that requires GPU evidence refuses a bundle without it', async () => {
    const r = await verifyBundle(tdxBundle(await boundQuote(baseClaims), baseClaims), { policy: { ...policy, requireGpuEvidence: true }, now });
    expect(r.checks.find((c) => c.name === 'gpu.evidence')).toMatchObject({ ok: false, reason: 'the policy requires GPU evidence and the bundle has none' });
  });

  it('a quote field that is not base64url is malformed input', async () => {
    // 'A' (a length of 1 mod 4) decodes to no byte string: the bundle schema refuses it.
    const r = await verifyBundle({ ...tdxBundle(cocoon, baseClaims), quote: 'A' }, { policy, now });
    expect([failed(r), r.error?.code]).toEqual([['bundle.schema'], 'attestation.bundle_malformed']);
  });
});
