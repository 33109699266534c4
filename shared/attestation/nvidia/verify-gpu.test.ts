import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bytesEqual, concatBytes, fromHex, toB64u, toHex } from '../../protocol/encoding';
import { readVectorText } from '../../testing/vectors';
import { lookAlikeChain, signRaw } from '../../testing/forge';
import { withBlocks, withOpaque } from '../../testing/spdm-forge';
import { referenceFromReport } from '../../testing/gpu-reference';
import { CheckLog } from '../checks';
import { GpuReferenceSchema } from '../policy';
import { parseCertificateChain } from '../x509/certificate';
import { pemBlocks } from '../x509/pem';
import { gpuNonceFor } from './nonce';
import { NVIDIA_DEVICE_IDENTITY_CA_SPKI } from './nvidia-root';
import { OpaqueField } from './opaque';
import { NO_GPU_REFERENCES } from './reference-measurements';
import { parseSpdmReport } from './spdm';
import { verifyNvidiaReport, type GpuVerifyOptions } from './verify-gpu';

const report = fromHex(readVectorText('nvidia/nvtrust-hopperAttestationReport.hex').trim());
const chain = readVectorText('nvidia/nvtrust-hopperCertChain.pem');
const vectorNonce = report.slice(4, 36);
const now = new Date('2026-11-22T12:00:00Z');

async function run(bytes: Uint8Array, pem = chain, opts: Partial<GpuVerifyOptions> = {}) {
  const log = new CheckLog();
  const facts = await verifyNvidiaReport(bytes, pem, { index: 0, now, expectedNonce: vectorNonce, ...opts }, log);
  const failed = log.checks.filter((c) => !c.ok && !c.skipped).map((c) => c.name);
  return { facts, log, failed };
}
/** Without reference measurements: no report states devtools/debug mode, and nvtrust's (driver 550) states no CC mode: both fail closed. */
const modeUnproven = ['gpu[0].cc_mode', 'gpu[0].debug_off'];
const flip = (b: Uint8Array, i: number) => {
  const out = b.slice();
  out[i]! ^= 0x01;
  return out;
};

describe('NVIDIA GPU evidence', () => {
  it('nvtrust Hopper report without reference measurements: signature by the device leaf, chain to the pinned NVIDIA root, nonce; it states neither CC nor debug mode', async () => {
    const { facts, log, failed } = await run(report);
    expect([log.ok, failed, log.error?.code]).toEqual([false, modeUnproven, 'attestation.gpu_cc_mode_not_on']);
    expect(log.checks.map((c) => [c.name, c.skipped ? 'skipped' : c.ok])).toEqual([
      ['gpu[0].parse', true], ['gpu[0].chain', true], ['gpu[0].signature', true], ['gpu[0].fwid', true], ['gpu[0].nonce', true],
      ['gpu[0].cc_mode', false], ['gpu[0].debug_off', false], ['gpu[0].firmware', 'skipped'],
    ]);
    expect(log.checks.find((c) => c.name === 'gpu[0].cc_mode')?.reason).toMatch(/^the report does not state the GPU's CC mode: no feature flag under opaque data version >= 1 \(version absent\)/);
    expect(log.checks.find((c) => c.name === 'gpu[0].cc_mode')?.reason).toMatch(/; not stated and no reference match: /);
    expect(log.checks.find((c) => c.name === 'gpu[0].debug_off')?.reason).toBe(NO_GPU_REFERENCES);
    expect(facts).toMatchObject({ ccMode: 'not-stated', opaqueDataVersion: undefined, featureFlag: undefined, protectedPcie: false });
    expect(facts).toMatchObject({ measurementCount: 64, driverVersion: '550.90.07', vbiosVersion: '96.00.9F.00.01', nonce: '931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb' });
    expect(facts?.device).toMatch(/CN=GH100 A01 GSP FMC LF/);
  });

  it('pins the NVIDIA Device Identity CA by the public key of the certificate in the vectors', () => {
    const root = parseCertificateChain(readVectorText('nvidia/nvtrust-verifier_device_root.pem'))[0]!;
    expect(bytesEqual(root.spki, NVIDIA_DEVICE_IDENTITY_CA_SPKI)).toBe(true);
  });

  it('the signature covers request and response: a flipped bit in either fails it', async () => {
    const blocks = 37 + 8 + 10; // inside the first measurement value
    expect((await run(flip(report, blocks), chain, { expectedNonce: undefined })).failed).toEqual(['gpu[0].signature', ...modeUnproven]);
    expect((await run(flip(report, 36), chain, { expectedNonce: undefined })).failed).toEqual(['gpu[0].signature', ...modeUnproven]);
    expect((await run(flip(report, report.length - 5))).failed).toEqual(['gpu[0].signature', ...modeUnproven]);
  });

  it('a report requested with another nonce is refused', async () => {
    const { failed, log } = await run(report, chain, { expectedNonce: new Uint8Array(32) });
    expect([failed, log.error?.code]).toEqual([['gpu[0].nonce', ...modeUnproven], 'attestation.gpu_nonce_mismatch']);
  });

  it('trailing bytes make the signature the wrong size', async () => {
    const { log } = await run(concatBytes(report, new Uint8Array(1)));
    expect(log.checks.find((c) => c.name === 'gpu[0].signature')?.reason).toBe('the signature is 97 bytes, expected 96');
  });

  it('a look-alike chain with NVIDIA\'s names under a self-made root is refused by the pinned key', async () => {
    const fake = await lookAlikeChain(pemBlocks(chain, 'CERTIFICATE'), 'P-384');
    const spdm = parseSpdmReport(report);
    const forged = concatBytes(spdm.signedBytes, await signRaw(fake.keys[0]!, spdm.signedBytes));
    const { failed, log } = await run(forged, fake.pem);
    expect([failed, log.error?.code]).toEqual([['gpu[0].chain', ...modeUnproven], 'attestation.root_not_trusted']);
  });

  it('firmware outside the policy allowlist is refused; inside passes', async () => {
    expect((await run(report, chain, { allowedFirmware: ['96.00.9f.00.01'] })).failed).toEqual(modeUnproven);
    const { failed, log } = await run(report, chain, { allowedFirmware: ['96.00.74.00.11'] });
    expect([failed, log.checks.at(-1)?.reason]).toEqual([[...modeUnproven, 'gpu[0].firmware'], 'VBIOS 96.00.9F.00.01 is not in the policy\'s allowlist']);
  });

  it('answers every truncation with a typed parse failure', async () => {
    for (const n of [0, 5, 36, 37, 44, 1000, 37 + 8 + 3520 + 20]) {
      const { log } = await run(report.subarray(0, n));
      expect([log.checks[0]?.name, log.error?.code]).toEqual(['gpu[0].parse', 'attestation.gpu_evidence_invalid']);
    }
  });

  it('a measurement block index that appears twice is a parse failure (a comparison must see one value per index)', async () => {
    const second = 37 + 8 + 4 + 3 + 48; // block 2's index byte: after the request, the response header and block 1
    expect(report[second]).toBe(2);
    const dup = report.slice();
    dup[second] = 1;
    const { log } = await run(dup);
    expect([log.checks[0]?.name, log.error?.code, log.checks[0]?.reason]).toEqual(['gpu[0].parse', 'attestation.gpu_evidence_invalid', expect.stringMatching(/block 1 appears twice/)]);
  });

  it('derives the GPU nonce from the enclave keys and creation time', async () => {
    const claims = { hpkePublicKey: toB64u(new Uint8Array(32).fill(1)), signingPublicKey: toB64u(new Uint8Array(32).fill(2)), createdAt: 1_700_000_000 };
    const ts = Buffer.alloc(8);
    ts.writeBigUInt64BE(1_700_000_000n);
    const expected = createHash('sha256').update('gpu-nonce-v1').update(Buffer.alloc(32, 1)).update(Buffer.alloc(32, 2)).update(ts).digest('hex');
    expect(toHex(await gpuNonceFor(claims))).toBe(expected);
  });
});

/** NVIDIA's serialized GPU evidence (attestation-sdk): a genuine H100 in protected PCIe mode, driver 590.12. */
const NvidiaEvidenceFile = z.array(z.object({ arch: z.string(), certificate: z.string(), evidence: z.string(), nonce: z.string() }));
const ppcie = NvidiaEvidenceFile.parse(JSON.parse(readVectorText('nvidia/nvat-hopper-ppcie-evidence.json')))[0]!;
const ppcieReport = new Uint8Array(Buffer.from(ppcie.evidence, 'base64'));
const ppcieChain = Buffer.from(ppcie.certificate, 'base64').toString('utf8');
const ccMode = (log: CheckLog) => log.checks.find((c) => c.name === 'gpu[0].cc_mode');

describe('NVIDIA GPU evidence: CC mode on and debug off, as the signed report states them', () => {
  it('NVIDIA\'s PPCIe-mode H100 is genuine and fresh, but states protected PCIe mode, not CC mode', async () => {
    const { facts, log, failed } = await run(ppcieReport, ppcieChain, { expectedNonce: fromHex(ppcie.nonce) });
    expect([failed, log.error?.code]).toEqual([modeUnproven, 'attestation.gpu_cc_mode_not_on']);
    expect(ccMode(log)?.reason).toBe('the GPU runs in protected PCIe mode (feature flag 2), not in CC mode');
    expect(facts).toMatchObject({ ccMode: 'protected-pcie', opaqueDataVersion: 1, featureFlag: 2, protectedPcie: true, driverVersion: '590.12', vbiosVersion: '96.00.A5.00.01' });
  });

  it('reads the feature flag: a passthrough flag passes cc_mode; PPCIe, unknown flags, contradictions and old versions fail', async () => {
    const fake = await lookAlikeChain(pemBlocks(ppcieChain, 'CERTIFICATE'), 'P-384');
    const edited = async (edits: Record<number, Uint8Array | undefined>, base = ppcieReport) => run(await withOpaque(base, edits, fake.keys[0]!), fake.pem, { expectedNonce: undefined });
    const cc = { [OpaqueField.featureFlag]: new Uint8Array([1, 0]), [OpaqueField.protectedPcieStatus]: new Uint8Array([0x55]) };
    const on = await edited(cc);
    expect([on.failed, ccMode(on.log)?.reason, on.facts?.ccMode]).toEqual([['gpu[0].chain', 'gpu[0].debug_off'], 'CC mode on (feature flag 1: GPU passthrough)', 'on']);
    expect((await edited({ ...cc, [OpaqueField.featureFlag]: new Uint8Array([0, 0]) })).failed).toEqual(['gpu[0].chain', 'gpu[0].debug_off']);
    const contradicted = await edited({ [OpaqueField.featureFlag]: new Uint8Array([1, 0]) });
    expect(ccMode(contradicted.log)?.reason).toBe('the feature flag (1) says CC mode but the protected PCIe status says on');
    expect(ccMode((await edited({ ...cc, [OpaqueField.featureFlag]: new Uint8Array([3, 0]) })).log)?.reason).toBe('the report\'s feature flag is not a mode this verifier knows');
    const oldVersion = await edited({ ...cc, [OpaqueField.opaqueDataVersion]: new Uint8Array([0, 0]) });
    expect(ccMode(oldVersion.log)?.reason).toMatch(/^the report does not state the GPU's CC mode: no feature flag under opaque data version >= 1 \(version 0\)/);
    expect((await edited({ ...cc, [OpaqueField.featureFlag]: undefined })).failed).toEqual(['gpu[0].chain', ...modeUnproven]);
    // nvtrust's CC-era report, given the fields newer drivers write, would state CC mode.
    const fakeNvtrust = await lookAlikeChain(pemBlocks(chain, 'CERTIFICATE'), 'P-384');
    const stated = await withOpaque(report, { [OpaqueField.opaqueDataVersion]: new Uint8Array([1, 0]), [OpaqueField.featureFlag]: new Uint8Array([1, 0]) }, fakeNvtrust.keys[0]!);
    expect((await run(stated, fakeNvtrust.pem)).failed).toEqual(['gpu[0].chain', 'gpu[0].debug_off']);
  });

  it('the feature flag is signed: flipping it in NVIDIA\'s genuine report breaks the signature', async () => {
    const at = ppcieReport.length - 96 - 1; // the last opaque byte: the feature flag's high byte
    expect(ppcieReport.subarray(at - 5, at + 1)).toEqual(new Uint8Array([OpaqueField.featureFlag, 0, 2, 0, 2, 0]));
    const { failed } = await run(flip(ppcieReport, at - 1), ppcieChain, { expectedNonce: undefined });
    expect(failed).toEqual(['gpu[0].signature', ...modeUnproven]);
  });

  it('without reference measurements debug_off fails on every report, even one that states CC mode: nothing short of NVIDIA\'s RIM proves devtools off', async () => {
    const fake = await lookAlikeChain(pemBlocks(ppcieChain, 'CERTIFICATE'), 'P-384');
    const stated = await withOpaque(ppcieReport, { [OpaqueField.featureFlag]: new Uint8Array([1, 0]), [OpaqueField.protectedPcieStatus]: new Uint8Array([0x55]) }, fake.keys[0]!);
    for (const [bytes, pem] of [[report, chain], [ppcieReport, ppcieChain], [stated, fake.pem]] as const) {
      const { log } = await run(bytes, pem, { expectedNonce: undefined });
      expect(log.checks.find((c) => c.name === 'gpu[0].debug_off')).toEqual({ name: 'gpu[0].debug_off', ok: false, reason: NO_GPU_REFERENCES });
      expect((await run(bytes, pem, { expectedNonce: undefined, references: [] })).log.checks.find((c) => c.name === 'gpu[0].debug_off')?.reason).toBe(NO_GPU_REFERENCES);
    }
  });
});

const GpuReferenceList = z.array(GpuReferenceSchema);
/** The repository's reference set for nvtrust's H100 sample: that GPU's own measurements, standing in for NVIDIA's RIM. */
const nvtrustReference = GpuReferenceList.parse(JSON.parse(readVectorText('nvidia/nvtrust-hopper-reference.json')));
const reason = (log: CheckLog, check: string) => log.checks.find((c) => c.name === `gpu[0].${check}`)?.reason;
const MATCHED = /^every measurement matches reference set "nvtrust H100 sample, driver 550\.90\.07 \/ VBIOS 96\.00\.9F\.00\.01: golden measurements of the recorded GPU" \(25 compared; index 35 not compared: NVDEC0 disabled\)$/;

describe('NVIDIA GPU evidence against reference measurements (debug_off, and cc_mode where the report states none)', () => {
  it('nvtrust\'s H100 report with its reference set and its nonce: every check passes', async () => {
    const { log, failed, facts } = await run(report, chain, { references: nvtrustReference });
    expect([log.ok, failed]).toEqual([true, []]);
    expect(log.checks.map((c) => [c.name, c.skipped ? 'skipped' : c.ok])).toEqual([
      ['gpu[0].parse', true], ['gpu[0].chain', true], ['gpu[0].signature', true], ['gpu[0].fwid', true], ['gpu[0].nonce', true],
      ['gpu[0].cc_mode', true], ['gpu[0].debug_off', true], ['gpu[0].firmware', 'skipped'],
    ]);
    expect(reason(log, 'debug_off')).toMatch(MATCHED);
    expect(reason(log, 'cc_mode')).toBe(
      `not stated by the report (no feature flag under opaque data version >= 1 (version absent)); its measurements match reference set "${nvtrustReference[0]!.name}", measured with CC mode on and devtools off`,
    );
    expect(facts).toMatchObject({ ccMode: 'not-stated', referenceSet: nvtrustReference[0]!.name });
    expect((await run(report, chain, { references: nvtrustReference, allowedFirmware: ['96.00.9f.00.01'] })).log.ok).toBe(true);
  });

  it('a flipped signature byte or another nonce still fails, reference or not', async () => {
    expect((await run(flip(report, report.length - 5), chain, { references: nvtrustReference })).failed).toEqual(['gpu[0].signature']);
    expect((await run(report, chain, { references: nvtrustReference, expectedNonce: new Uint8Array(32) })).failed).toEqual(['gpu[0].nonce']);
  });

  it('a reference set that differs in one block fails debug_off naming that index, and cc_mode with it', async () => {
    const other = [{ ...nvtrustReference[0]!, measurements: { ...nvtrustReference[0]!.measurements, 11: 'ab'.repeat(48) } }];
    const { failed, log, facts } = await run(report, chain, { references: other });
    expect([failed, log.error?.code]).toEqual([modeUnproven, 'attestation.gpu_cc_mode_not_on']);
    expect(reason(log, 'debug_off')).toBe(`the measurements match no reference set: against "${other[0]!.name}", index 11 (SPDM block 12) differs`);
    expect(reason(log, 'cc_mode')).toMatch(/; not stated and no reference match: /);
    expect(facts?.referenceSet).toBeUndefined();
  });

  it('a re-signed report with one measurement block changed fails debug_off though everything but the look-alike chain passes', async () => {
    const fake = await lookAlikeChain(pemBlocks(chain, 'CERTIFICATE'), 'P-384');
    const resigned = await withBlocks(report, {}, fake.keys[0]!);
    expect((await run(resigned, fake.pem, { references: nvtrustReference })).failed).toEqual(['gpu[0].chain']);
    const changed = await withBlocks(report, { 12: new Uint8Array(48).fill(0x5a) }, fake.keys[0]!);
    const r = await run(changed, fake.pem, { references: nvtrustReference });
    expect(r.failed).toEqual(['gpu[0].chain', ...modeUnproven]);
    expect(reason(r.log, 'debug_off')).toMatch(/, index 11 \(SPDM block 12\) differs$/);
    // The same change in a report that states CC mode: cc_mode passes on the flag, debug_off still fails.
    const stated = await withOpaque(changed, { [OpaqueField.opaqueDataVersion]: new Uint8Array([1, 0]), [OpaqueField.featureFlag]: new Uint8Array([1, 0]) }, fake.keys[0]!);
    expect((await run(stated, fake.pem, { references: nvtrustReference })).failed).toEqual(['gpu[0].chain', 'gpu[0].debug_off']);
    // A block that was zero and is now measured is one the set does not list.
    const extra = await run(await withBlocks(report, { 50: new Uint8Array(48).fill(1) }, fake.keys[0]!), fake.pem, { references: nvtrustReference });
    expect(reason(extra.log, 'debug_off')).toMatch(/, index 49 \(SPDM block 50\) is measured but the set does not list it$/);
  });

  it('NVIDIA\'s PPCIe report matching a reference set of its own measurements still fails cc_mode: it states protected PCIe mode', async () => {
    const own = [referenceFromReport(ppcieReport, 'the PPCIe sample\'s own measurements')];
    const { failed, log } = await run(ppcieReport, ppcieChain, { expectedNonce: undefined, references: own });
    expect(failed).toEqual(['gpu[0].cc_mode']);
    expect(reason(log, 'cc_mode')).toBe('the GPU runs in protected PCIe mode (feature flag 2), not in CC mode');
    expect(reason(log, 'debug_off')).toMatch(/^every measurement matches reference set "the PPCIe sample's own measurements"/);
    expect((await run(ppcieReport, ppcieChain, { expectedNonce: undefined, references: nvtrustReference })).failed).toEqual(modeUnproven);
  });
});
