import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateSigningKeyPair } from '@cocoon/shared/crypto/ed25519';
import { GpuReferenceSchema, signPolicy } from '@cocoon/shared/attestation/policy';
import { encodeClaims } from '@cocoon/shared/attestation/claims';
import { toB64u } from '@cocoon/shared/protocol/encoding';
import { VECTORS_DIR } from '@cocoon/shared/testing/vectors';

const BIN = fileURLToPath(new URL('./bin/cocoon.js', import.meta.url));
const vector = (name: string) => join(VECTORS_DIR, name);
const tmp = mkdtempSync(join(tmpdir(), 'cocoon-cli-'));
const tmpFile = (name: string, content: string | Uint8Array) => {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
const cocoon = (...args: string[]): Promise<Run> =>
  new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
const CliJson = z.object({
  ok: z.boolean(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), skipped: z.boolean().optional(), reason: z.string().optional() })),
  measurements: z.record(z.string(), z.string()),
  tcb: z.object({ status: z.string(), fmspc: z.string().optional() }).loose(),
});
const json = (r: Run) => CliJson.parse(JSON.parse(r.stdout));
const failedChecks = (r: Run) => json(r).checks.filter((c) => !c.ok && !c.skipped).map((c) => c.name);

describe('cocoon attest verify', () => {
  it('a genuine quote without Intel collateral fails (exit 1), names the check, and still prints what it parsed', async () => {
    const r = await cocoon('attest', 'verify', vector('cocoon-tdx-v4-quote.dat'), '--at', '2026-11-22T12:00:00Z', '--json');
    expect(r.code).toBe(1);
    const out = json(r);
    expect(out.ok).toBe(false);
    expect(out.checks.slice(0, 6).map((c) => [c.name, c.ok])).toEqual([
      ['quote.parse', true], ['quote.header', true], ['quote.signature', true], ['qe.report_signature', true], ['qe.report_data_binding', true], ['pck.chain', true],
    ]);
    expect(failedChecks(r)).toEqual(['collateral.parse']);
    expect(out.checks.find((c) => c.name === 'collateral.parse')?.reason).toMatch(/^no Intel collateral/);
    expect(out.checks.find((c) => c.name === 'tcb.status')).toEqual({ name: 'tcb.status', ok: false, skipped: true, reason: 'not evaluated: collateral.parse failed' });
    expect(out.measurements.mrTd).toMatch(/^[0-9a-f]{96}$/);
    expect(out.tcb).toMatchObject({ status: 'NotEvaluated', fmspc: '90c06f000000' });
    const human = await cocoon('attest', 'verify', vector('cocoon-tdx-v4-quote.dat'), '--at', '2026-11-22T12:00:00Z');
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(out.measurements.mrTd);
    expect(human.stdout).toMatch(/collateral\.parse\s+FAIL\s+no Intel collateral/);
  });

  it('Phala\'s quote with its collateral inside its validity window is UpToDate (exit 0)', async () => {
    const r = await cocoon('attest', 'verify', vector('phala-tdx-v4-quote.bin'), '--collateral', vector('phala-tdx-v4-collateral.json'), '--at', '2025-06-20T12:00:00Z', '--json');
    expect([r.code, json(r).tcb.status, failedChecks(r)]).toEqual([0, 'UpToDate', []]);
  });

  it('stale collateral fails a check (exit 1) and prints a readable table', async () => {
    const r = await cocoon('attest', 'verify', vector('phala-tdx-v4-quote.bin'), '--collateral', vector('phala-tdx-v4-collateral.json'), '--at', '2025-08-01T00:00:00Z');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL /);
    expect(r.stdout).toMatch(/CHECK\s+RESULT\s+REASON/);
    expect(r.stdout).toMatch(/collateral\.fresh\s+FAIL\s+TCB info expired at 2025-07-19T10:16:03\.000Z/);
  });

  it('a quote with non-zero trailing bytes is unusable input (exit 2)', async () => {
    const q = readFileSync(vector('cocoon-tdx-v4-quote.dat'));
    q[q.length - 1] = 1;
    const r = await cocoon('attest', 'verify', tmpFile('dirty.dat', q), '--json');
    expect([r.code, failedChecks(r)]).toEqual([2, ['quote.parse']]);
  });

  it.each([
    ['a missing file', ['attest', 'verify', join(tmp, 'nope.dat')]],
    ['a bad --at', ['attest', 'verify', vector('cocoon-tdx-v4-quote.dat'), '--at', 'yesterday']],
    ['an unknown option', ['attest', 'verify', vector('cocoon-tdx-v4-quote.dat'), '--fast']],
    ['a collateral file that is not collateral', ['attest', 'verify', vector('phala-tdx-v4-quote.bin'), '--collateral', vector('SOURCES.md')]],
    ['an unknown command', ['attest', 'sign']],
  ])('%s is unusable input (exit 2)', async (_, args) => {
    const r = await cocoon(...args);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).not.toBe('');
  });

  it('a policy allowlist decides the measurement check; a signed policy needs its key', async () => {
    const quote = vector('phala-tdx-v4-quote.bin');
    const at = ['--collateral', vector('phala-tdx-v4-collateral.json'), '--at', '2025-06-20T12:00:00Z'];
    const m = json(await cocoon('attest', 'verify', quote, ...at, '--json')).measurements;
    const image = { name: 'cocoon-test', mrTd: m.mrTd!, rtmr0: m.rtmr0!, rtmr1: m.rtmr1!, rtmr2: m.rtmr2! };
    const other = tmpFile('other.json', JSON.stringify({ allowSimulated: false, images: [{ ...image, rtmr2: '00'.repeat(48) }] }));
    const refused = await cocoon('attest', 'verify', quote, '--policy', other, ...at, '--json');
    expect([refused.code, failedChecks(refused)]).toEqual([1, ['td.measurements']]);
    const none = tmpFile('none.json', JSON.stringify({ allowSimulated: false, images: [] }));
    const empty = await cocoon('attest', 'verify', quote, '--policy', none, ...at, '--json');
    expect([empty.code, json(empty).checks.find((c) => c.name === 'td.measurements')?.reason]).toEqual([1, 'the policy allows no image']);
    const key = await generateSigningKeyPair();
    const signed = await signPolicy({ version: 2, sequence: 1, allowSimulated: false, images: [image], engines: [], webBuilds: [], gpuReferences: [], acceptedTcbStatuses: ['UpToDate'], maxCollateralAgeDays: 30, expiresAt: 1_900_000_000 }, key);
    const file = tmpFile('signed.json', JSON.stringify(signed));
    const ok = await cocoon('attest', 'verify', quote, '--policy', file, `--policy-key=${toB64u(key.publicKey)}`, ...at, '--json');
    expect([ok.code, json(ok).checks.find((c) => c.name === 'td.measurements')?.reason]).toEqual([0, 'image "cocoon-test"']);
    expect((await cocoon('attest', 'verify', quote, '--policy', file, '--at', '2026-11-22T12:00:00Z')).code).toBe(2);
  });

  it('verifies a bundle file: a genuine quote that does not bind the claims fails (exit 1)', async () => {
    const claims = encodeClaims({
      version: 1, hostId: 'host-cli', hpkePublicKey: toB64u(new Uint8Array(32)), signingPublicKey: toB64u(new Uint8Array(32)),
      models: [{ name: 'm', weightsDigest: 'ab'.repeat(32) }], engine: { name: 'vllm', imageDigest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000', version: 'test', args: [], agentConfigDigest: '0000000000000000000000000000000000000000000000000000000000000000' }, gpuEvidenceDigests: [], createdAt: 1_790_000_000, expiresAt: 1_900_000_000,
    });
    const bundle = { version: 1, tee: 'tdx', claims: toB64u(claims), quote: toB64u(readFileSync(vector('cocoon-tdx-v4-quote.dat'))), gpuEvidence: [] };
    const r = await cocoon('attest', 'verify', tmpFile('bundle.json', JSON.stringify(bundle)), '--at', '2026-11-22T12:00:00Z', '--json');
    expect([r.code, failedChecks(r)]).toEqual([1, ['collateral.parse', 'claims.report_data_binding']]);
    const broken = await cocoon('attest', 'verify', tmpFile('broken.json', '{"version": 1'));
    expect(broken.code).toBe(2);
  });
});

describe('cocoon attest verify prints what it parsed when it rejects', () => {
  it('a quote with a flipped signature byte fails (exit 1) and still shows MRTD and the RTMRs', async () => {
    const q = readFileSync(vector('cocoon-tdx-v4-quote.dat'));
    const m = json(await cocoon('attest', 'verify', vector('cocoon-tdx-v4-quote.dat'), '--json')).measurements;
    q[48 + 584 + 4 + 4]! ^= 0x01; // inside the quote's ECDSA signature: after the header, the TD report body and the signature length
    const r = await cocoon('attest', 'verify', tmpFile('bad-signature.dat', q), '--at', '2026-11-22T12:00:00Z');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/quote\.signature\s+FAIL/);
    for (const k of ['mrTd', 'rtmr0', 'rtmr1', 'rtmr2', 'rtmr3']) expect(r.stdout).toMatch(new RegExp(`\\n  ${k}\\s+${m[k]}\\n`));
  });
});

/** NVIDIA's serialized GPU evidence, the format `nvattest` reads and writes: the repository's recorded H100 report in it. */
const nvtrustReport = Buffer.from(readFileSync(vector('nvidia/nvtrust-hopperAttestationReport.hex'), 'utf8').trim(), 'hex');
const nvtrustEntry = (report: Uint8Array = nvtrustReport) => ({
  arch: 'HOPPER',
  certificate: readFileSync(vector('nvidia/nvtrust-hopperCertChain.pem')).toString('base64'),
  evidence: Buffer.from(report).toString('base64'),
  nonce: nvtrustReport.subarray(4, 36).toString('hex'),
});
const nvtrustFile = tmpFile('nvtrust-gpu-evidence.json', JSON.stringify([nvtrustEntry()]));

it('the repository\'s evidence file is the recorded H100 report in NVIDIA\'s format, and verifies with its reference set (exit 0)', async () => {
  const committed = vector('nvidia/nvtrust-hopper-evidence.json');
  expect(JSON.parse(readFileSync(committed, 'utf8'))).toEqual([nvtrustEntry()]);
  const r = await cocoon('attest', 'verify-gpu', committed, '--reference', vector('nvidia/nvtrust-hopper-reference.json'), `--nonce=${nvtrustEntry().nonce}`);
  expect(r.code).toBe(0);
});
const ppcieFile = vector('nvidia/nvat-hopper-ppcie-evidence.json');
const GpuCliJson = z.object({
  ok: z.boolean(),
  nonce: z.enum(['--nonce', 'file']),
  references: z.object({ source: z.enum(['reference', 'policy', 'signed-policy', 'none']), sets: z.number() }),
  gpus: z.array(z.object({
    index: z.number(), arch: z.string(), ok: z.boolean(),
    checks: z.array(z.object({ name: z.string(), ok: z.boolean(), skipped: z.boolean().optional(), reason: z.string().optional() })),
    facts: z.object({ driverVersion: z.string(), vbiosVersion: z.string(), ccMode: z.string() }).loose().optional(),
  })),
});
const gpuJson = (r: Run) => GpuCliJson.parse(JSON.parse(r.stdout));
const gpuFailed = (r: Run) => gpuJson(r).gpus.flatMap((g) => g.checks.filter((c) => !c.ok && !c.skipped).map((c) => c.name));
const at = ['--at', '2026-11-22T12:00:00Z'];
/** Without reference measurements no NVIDIA report shows devtools/debug off (only NVIDIA's RIM does) and this one states no CC mode. */
const modeUnproven = ['gpu[0].cc_mode', 'gpu[0].debug_off'];
/** The repository's reference set for that report: its own measurements, standing in for NVIDIA's RIM of driver 550.90.07 / VBIOS 96.00.9F.00.01. */
const referenceFile = vector('nvidia/nvtrust-hopper-reference.json');
const nvtrustReference = z.array(GpuReferenceSchema).parse(JSON.parse(readFileSync(referenceFile, 'utf8')));
const withReference = ['--reference', referenceFile, '--nonce', nvtrustEntry().nonce];

describe('cocoon attest verify-gpu', () => {
  it('the recorded H100 report: signature, chain and nonce pass; it states neither CC nor debug mode, so it fails (exit 1)', async () => {
    const r = await cocoon('attest', 'verify-gpu', nvtrustFile, ...at, '--json');
    expect(r.code).toBe(1);
    const out = gpuJson(r);
    expect([out.ok, out.nonce, out.gpus.length, out.references]).toEqual([false, 'file', 1, { source: 'none', sets: 0 }]);
    expect(out.gpus[0]!.checks.map((c) => [c.name, c.skipped ? 'skipped' : c.ok])).toEqual([
      ['gpu[0].parse', true], ['gpu[0].chain', true], ['gpu[0].signature', true], ['gpu[0].fwid', true], ['gpu[0].nonce', true],
      ['gpu[0].cc_mode', false], ['gpu[0].debug_off', false], ['gpu[0].firmware', 'skipped'],
    ]);
    expect(out.gpus[0]!.facts).toMatchObject({ driverVersion: '550.90.07', vbiosVersion: '96.00.9F.00.01', ccMode: 'not-stated', protectedPcie: false });
    const human = await cocoon('attest', 'verify-gpu', nvtrustFile, ...at);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^FAIL .*\(1 NVIDIA GPU report\).*nonce from the file \(freshness not checked: pass --nonce\)\nno reference measurements, so debug_off fails: pass --reference <file>/);
    expect(human.stdout).toMatch(/gpu\[0\]\.signature\s+pass/);
    expect(human.stdout).toMatch(/gpu\[0\]\.nonce\s+pass\s+carries the file's nonce field/);
    expect(human.stdout).toMatch(/gpu\[0\]\.cc_mode\s+FAIL\s+the report does not state the GPU's CC mode/);
    expect(human.stdout).toMatch(/gpu\[0\]\.debug_off\s+FAIL\s+the report does not state GPU devtools\/debug mode/);
    for (const fact of [/driverVersion\s+550\.90\.07/, /vbiosVersion\s+96\.00\.9F\.00\.01/, /ccMode\s+not-stated/]) expect(human.stdout).toMatch(fact);
  });

  it('--nonce: the report\'s own nonce passes; another fails the nonce check (exit 1)', async () => {
    const right = await cocoon('attest', 'verify-gpu', nvtrustFile, ...at, '--nonce', nvtrustEntry().nonce, '--json');
    expect([right.code, gpuJson(right).nonce, gpuFailed(right)]).toEqual([1, '--nonce', modeUnproven]);
    expect(gpuJson(right).gpus[0]!.checks.find((c) => c.name === 'gpu[0].nonce')?.reason).toBe('carries --nonce');
    const wrong = await cocoon('attest', 'verify-gpu', nvtrustFile, ...at, '--nonce', 'ab'.repeat(32), '--json');
    expect([wrong.code, gpuFailed(wrong)]).toEqual([1, ['gpu[0].nonce', ...modeUnproven]]);
  });

  it('one flipped signature byte fails the signature check (exit 1)', async () => {
    const bad = Buffer.from(nvtrustReport);
    bad[bad.length - 5]! ^= 0x01;
    const r = await cocoon('attest', 'verify-gpu', tmpFile('bad-gpu-signature.json', JSON.stringify([nvtrustEntry(bad)])), ...at, '--json');
    expect([r.code, gpuFailed(r)]).toEqual([1, ['gpu[0].signature', ...modeUnproven]]);
  });

  it('NVIDIA\'s own file, also as collect-evidence prints it and beside another GPU: a genuine H100 in protected PCIe mode fails cc_mode', async () => {
    const r = await cocoon('attest', 'verify-gpu', ppcieFile, '--json');
    expect([r.code, gpuFailed(r)]).toEqual([1, modeUnproven]);
    expect(gpuJson(r).gpus[0]!.checks.find((c) => c.name === 'gpu[0].cc_mode')?.reason).toBe('the GPU runs in protected PCIe mode (feature flag 2), not in CC mode');
    expect(gpuJson(r).gpus[0]!.facts).toMatchObject({ driverVersion: '590.12', ccMode: 'protected-pcie', featureFlag: 2, opaqueDataVersion: 1 });
    const evidences = z.array(z.unknown()).parse(JSON.parse(readFileSync(ppcieFile, 'utf8')));
    const wrapped = await cocoon('attest', 'verify-gpu', tmpFile('collect-evidence.json', JSON.stringify({ result_code: 0, result_message: 'Ok', evidences })), '--json');
    expect([wrapped.code, gpuFailed(wrapped)]).toEqual([1, modeUnproven]);
    const two = await cocoon('attest', 'verify-gpu', tmpFile('two-gpus.json', JSON.stringify([nvtrustEntry(), ...evidences])), ...at, '--json');
    expect([two.code, gpuJson(two).gpus.map((g) => g.arch), gpuFailed(two)]).toEqual([1, ['HOPPER', 'HOPPER'], [...modeUnproven, 'gpu[1].cc_mode', 'gpu[1].debug_off']]);
  });

  it('with the reference file and the report\'s nonce, the recorded H100 passes every check (exit 0); a flipped signature byte fails (exit 1)', async () => {
    const r = await cocoon('attest', 'verify-gpu', nvtrustFile, ...at, ...withReference, '--json');
    const out = gpuJson(r);
    expect([r.code, out.ok, out.references, gpuFailed(r)]).toEqual([0, true, { source: 'reference', sets: 1 }, []]);
    expect(out.gpus[0]!.checks.map((c) => [c.name, c.skipped ? 'skipped' : c.ok])).toEqual([
      ['gpu[0].parse', true], ['gpu[0].chain', true], ['gpu[0].signature', true], ['gpu[0].fwid', true], ['gpu[0].nonce', true],
      ['gpu[0].cc_mode', true], ['gpu[0].debug_off', true], ['gpu[0].firmware', 'skipped'],
    ]);
    expect(out.gpus[0]!.facts).toMatchObject({ ccMode: 'not-stated', referenceSet: nvtrustReference[0]!.name });
    const human = await cocoon('attest', 'verify-gpu', nvtrustFile, ...at, ...withReference);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^PASS .*nonce from --nonce\nreference measurements: 1 set from --reference\n/);
    expect(human.stdout).toMatch(/gpu\[0\]\.debug_off\s+pass\s+every measurement matches reference set "nvtrust H100 sample/);
    expect(human.stdout).toMatch(/gpu\[0\]\.cc_mode\s+pass\s+not stated by the report .*; its measurements match reference set/);
    const bad = Buffer.from(nvtrustReport);
    bad[bad.length - 5]! ^= 0x01;
    const flipped = await cocoon('attest', 'verify-gpu', tmpFile('bad-gpu-signature-ref.json', JSON.stringify([nvtrustEntry(bad)])), ...at, ...withReference, '--json');
    expect([flipped.code, gpuFailed(flipped)]).toEqual([1, ['gpu[0].signature']]);
  });

  it('a reference set that differs in one block fails debug_off naming that index (exit 1); so does the PPCIe H100, which also fails cc_mode', async () => {
    const other = [{ ...nvtrustReference[0]!, measurements: { ...nvtrustReference[0]!.measurements, 22: 'ab'.repeat(48) } }];
    const r = await cocoon('attest', 'verify-gpu', nvtrustFile, ...at, '--reference', tmpFile('other-reference.json', JSON.stringify(other)), '--nonce', nvtrustEntry().nonce, '--json');
    expect([r.code, gpuFailed(r)]).toEqual([1, modeUnproven]);
    expect(gpuJson(r).gpus[0]!.checks.find((c) => c.name === 'gpu[0].debug_off')?.reason).toMatch(/^the measurements match no reference set: against ".*", index 22 \(SPDM block 23\) differs$/);
    const ppcie = await cocoon('attest', 'verify-gpu', ppcieFile, '--reference', referenceFile, '--json');
    expect([ppcie.code, gpuFailed(ppcie)]).toEqual([1, modeUnproven]);
    expect(gpuJson(ppcie).gpus[0]!.checks.find((c) => c.name === 'gpu[0].cc_mode')?.reason).toBe('the GPU runs in protected PCIe mode (feature flag 2), not in CC mode');
  });

  it('--policy supplies gpuReferences and the firmware allowlist, plain or signed with --policy-key', async () => {
    const plain = tmpFile('gpu-policy.json', JSON.stringify({ allowSimulated: false, gpuReferences: nvtrustReference, allowedGpuFirmware: ['96.00.9F.00.01'] }));
    const r = await cocoon('attest', 'verify-gpu', nvtrustFile, ...at, '--policy', plain, '--json');
    expect([r.code, gpuJson(r).references, gpuFailed(r)]).toEqual([0, { source: 'policy', sets: 1 }, []]);
    expect(gpuJson(r).gpus[0]!.checks.find((c) => c.name === 'gpu[0].firmware')).toMatchObject({ ok: true, reason: 'VBIOS 96.00.9F.00.01' });
    const empty = await cocoon('attest', 'verify-gpu', nvtrustFile, ...at, '--policy', tmpFile('empty-gpu-policy.json', JSON.stringify({ allowSimulated: false })));
    expect(empty.code).toBe(1);
    expect(empty.stdout).toMatch(/\nthe policy has no gpuReferences, so debug_off fails/);
    const key = await generateSigningKeyPair();
    const signed = await signPolicy({ version: 2, sequence: 1, allowSimulated: false, images: [], engines: [], webBuilds: [], gpuReferences: nvtrustReference, acceptedTcbStatuses: ['UpToDate'], maxCollateralAgeDays: 30, expiresAt: 1_900_000_000 }, key);
    const file = tmpFile('signed-gpu-policy.json', JSON.stringify(signed));
    const ok = await cocoon('attest', 'verify-gpu', nvtrustFile, ...at, '--policy', file, `--policy-key=${toB64u(key.publicKey)}`, '--json');
    expect([ok.code, gpuJson(ok).references, gpuFailed(ok)]).toEqual([0, { source: 'signed-policy', sets: 1 }, []]);
    const noneSigned = await signPolicy({ version: 2, sequence: 2, allowSimulated: false, images: [], engines: [], webBuilds: [], gpuReferences: [], acceptedTcbStatuses: ['UpToDate'], maxCollateralAgeDays: 30, expiresAt: 1_900_000_000 }, key);
    const refused = await cocoon('attest', 'verify-gpu', nvtrustFile, ...at, '--policy', tmpFile('signed-empty.json', JSON.stringify(noneSigned)), `--policy-key=${toB64u(key.publicKey)}`, '--json');
    expect([refused.code, gpuFailed(refused)]).toEqual([1, modeUnproven]);
    expect((await cocoon('attest', 'verify-gpu', nvtrustFile, ...at, '--policy', file)).code).toBe(2);
  });

  it.each([
    ['--reference and --policy together', () => nvtrustFile, ['--reference', vector('nvidia/nvtrust-hopper-reference.json'), '--policy', vector('nvidia/nvtrust-hopper-reference.json')]],
    ['a --reference file that is not a list of reference sets', () => nvtrustFile, ['--reference', vector('nvidia/nvat-hopper-ppcie-evidence.json')]],
    ['a --reference set without its CC-mode declaration', () => nvtrustFile, ['--reference', tmpFile('no-cc.json', JSON.stringify([{ ...nvtrustReference[0], ccMode: undefined }]))]],
    ['a --reference file that is not JSON', () => nvtrustFile, ['--reference', vector('SOURCES.md')]],
    ['garbage bytes', () => tmpFile('garbage.json', new Uint8Array([0xff, 0x00, 0x13, 0x37])), []],
    ['JSON that is not a list of evidence', () => tmpFile('object.json', '{"arch":"HOPPER"}'), []],
    ['an entry without its nonce', () => tmpFile('no-nonce.json', JSON.stringify([{ ...nvtrustEntry(), nonce: undefined }])), []],
    ['evidence that is not base64', () => tmpFile('not-b64.json', JSON.stringify([{ ...nvtrustEntry(), evidence: 'not base64!' }])), []],
    ['a --nonce that is not 32 bytes of hex', () => nvtrustFile, ['--nonce', 'abcd']],
    ['a bad --at', () => nvtrustFile, ['--at', 'yesterday']],
    ['a missing file', () => join(tmp, 'nope.json'), []],
  ])('%s is unusable input (exit 2)', async (_, file, extra) => {
    const r = await cocoon('attest', 'verify-gpu', file(), ...extra);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/^cocoon attest verify-gpu: /);
  });

  it('evidence that is not an SPDM report is unusable input too (exit 2), named by its parse check', async () => {
    const r = await cocoon('attest', 'verify-gpu', tmpFile('not-spdm.json', JSON.stringify([nvtrustEntry(new Uint8Array(64).fill(7))])), '--json');
    expect([r.code, gpuFailed(r)[0]]).toEqual([2, 'gpu[0].parse']);
  });
});
