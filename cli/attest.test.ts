import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateSigningKeyPair } from '@cocoon/shared/crypto/ed25519';
import { signPolicy } from '@cocoon/shared/attestation/policy';
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
  it('Cocoon\'s raw quote passes (exit 0); --json has checks, lower-case hex measurements, tcb', async () => {
    const r = await cocoon('attest', 'verify', vector('cocoon-tdx-v4-quote.dat'), '--at', '2026-11-22T12:00:00Z', '--json');
    expect(r.code).toBe(0);
    const out = json(r);
    expect(out.ok).toBe(true);
    expect(out.checks.slice(0, 6).map((c) => [c.name, c.ok])).toEqual([
      ['quote.parse', true], ['quote.header', true], ['quote.signature', true], ['qe.report_signature', true], ['qe.report_data_binding', true], ['pck.chain', true],
    ]);
    expect(out.checks.find((c) => c.name === 'tcb.status')).toEqual({ name: 'tcb.status', ok: false, skipped: true, reason: 'no collateral supplied' });
    expect(out.measurements.mrTd).toMatch(/^[0-9a-f]{96}$/);
    expect(out.tcb).toMatchObject({ status: 'NotEvaluated', fmspc: '90c06f000000' });
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
    const quote = vector('cocoon-tdx-v4-quote.dat');
    const m = json(await cocoon('attest', 'verify', quote, '--at', '2026-11-22T12:00:00Z', '--json')).measurements;
    const image = { name: 'cocoon-test', mrTd: m.mrTd!, rtmr0: m.rtmr0!, rtmr1: m.rtmr1!, rtmr2: m.rtmr2! };
    const other = tmpFile('other.json', JSON.stringify({ allowSimulated: false, images: [{ ...image, rtmr2: '00'.repeat(48) }] }));
    const refused = await cocoon('attest', 'verify', quote, '--policy', other, '--at', '2026-11-22T12:00:00Z', '--json');
    expect([refused.code, failedChecks(refused)]).toEqual([1, ['td.measurements']]);
    const key = await generateSigningKeyPair();
    const signed = await signPolicy({ version: 1, allowSimulated: false, images: [image], acceptedTcbStatuses: ['UpToDate'], maxCollateralAgeDays: 30, expiresAt: 1_900_000_000 }, key);
    const file = tmpFile('signed.json', JSON.stringify(signed));
    const ok = await cocoon('attest', 'verify', quote, '--policy', file, '--policy-key', toB64u(key.publicKey), '--at', '2026-11-22T12:00:00Z', '--json');
    expect([ok.code, json(ok).checks.find((c) => c.name === 'td.measurements')?.reason]).toEqual([0, 'image "cocoon-test"']);
    expect((await cocoon('attest', 'verify', quote, '--policy', file, '--at', '2026-11-22T12:00:00Z')).code).toBe(2);
  });

  it('verifies a bundle file: a genuine quote that does not bind the claims fails (exit 1)', async () => {
    const claims = encodeClaims({
      version: 1, hostId: 'host-cli', hpkePublicKey: toB64u(new Uint8Array(32)), signingPublicKey: toB64u(new Uint8Array(32)),
      models: [{ name: 'm', weightsDigest: 'ab'.repeat(32) }], engine: 'vllm', gpuEvidenceDigests: [], createdAt: 1_790_000_000, expiresAt: 1_900_000_000,
    });
    const bundle = { version: 1, tee: 'tdx', claims: toB64u(claims), quote: toB64u(readFileSync(vector('cocoon-tdx-v4-quote.dat'))), gpuEvidence: [] };
    const r = await cocoon('attest', 'verify', tmpFile('bundle.json', JSON.stringify(bundle)), '--at', '2026-11-22T12:00:00Z', '--json');
    expect([r.code, failedChecks(r)]).toEqual([1, ['claims.report_data_binding']]);
    const broken = await cocoon('attest', 'verify', tmpFile('broken.json', '{"version": 1'));
    expect(broken.code).toBe(2);
  });
});
