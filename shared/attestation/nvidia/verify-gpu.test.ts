import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesEqual, concatBytes, fromHex, toB64u, toHex } from '../../protocol/encoding';
import { readVectorText } from '../../testing/vectors';
import { lookAlikeChain, signRaw } from '../../testing/forge';
import { CheckLog } from '../checks';
import { parseCertificateChain } from '../x509/certificate';
import { pemBlocks } from '../x509/pem';
import { gpuNonceFor } from './nonce';
import { NVIDIA_DEVICE_IDENTITY_CA_SPKI } from './nvidia-root';
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
const flip = (b: Uint8Array, i: number) => {
  const out = b.slice();
  out[i]! ^= 0x01;
  return out;
};

describe('NVIDIA GPU evidence', () => {
  it('nvtrust Hopper report: signature by the device leaf, chain to the pinned NVIDIA root, nonce', async () => {
    const { facts, log, failed } = await run(report);
    expect([log.ok, failed]).toEqual([true, []]);
    expect(log.checks.map((c) => [c.name, c.skipped ? 'skipped' : c.ok])).toEqual([
      ['gpu[0].parse', true], ['gpu[0].chain', true], ['gpu[0].signature', true], ['gpu[0].fwid', true], ['gpu[0].nonce', true], ['gpu[0].firmware', 'skipped'],
    ]);
    expect(facts).toMatchObject({ measurementCount: 64, driverVersion: '550.90.07', vbiosVersion: '96.00.9F.00.01', nonce: '931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb' });
    expect(facts?.device).toMatch(/CN=GH100 A01 GSP FMC LF/);
  });

  it('pins the NVIDIA Device Identity CA by the public key of the certificate in the vectors', () => {
    const root = parseCertificateChain(readVectorText('nvidia/nvtrust-verifier_device_root.pem'))[0]!;
    expect(bytesEqual(root.spki, NVIDIA_DEVICE_IDENTITY_CA_SPKI)).toBe(true);
  });

  it('the signature covers request and response: a flipped bit in either fails it', async () => {
    const blocks = 37 + 8 + 10; // inside the first measurement value
    expect((await run(flip(report, blocks), chain, { expectedNonce: undefined })).failed).toEqual(['gpu[0].signature']);
    expect((await run(flip(report, 36), chain, { expectedNonce: undefined })).failed).toEqual(['gpu[0].signature']);
    expect((await run(flip(report, report.length - 5))).failed).toEqual(['gpu[0].signature']);
  });

  it('a report requested with another nonce is refused', async () => {
    const { failed, log } = await run(report, chain, { expectedNonce: new Uint8Array(32) });
    expect([failed, log.error?.code]).toEqual([['gpu[0].nonce'], 'attestation.gpu_nonce_mismatch']);
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
    expect([failed, log.error?.code]).toEqual([['gpu[0].chain'], 'attestation.root_not_trusted']);
  });

  it('firmware outside the policy allowlist is refused; inside passes', async () => {
    expect((await run(report, chain, { allowedFirmware: ['96.00.9f.00.01'] })).failed).toEqual([]);
    const { failed, log } = await run(report, chain, { allowedFirmware: ['96.00.74.00.11'] });
    expect([failed, log.error?.code]).toEqual([['gpu[0].firmware'], 'attestation.gpu_firmware_not_allowed']);
  });

  it('answers every truncation with a typed parse failure', async () => {
    for (const n of [0, 5, 36, 37, 44, 1000, 37 + 8 + 3520 + 20]) {
      const { log } = await run(report.subarray(0, n));
      expect([log.checks[0]?.name, log.error?.code]).toEqual(['gpu[0].parse', 'attestation.gpu_evidence_invalid']);
    }
  });

  it('derives the GPU nonce from the enclave keys and creation time', async () => {
    const claims = { hpkePublicKey: toB64u(new Uint8Array(32).fill(1)), signingPublicKey: toB64u(new Uint8Array(32).fill(2)), createdAt: 1_700_000_000 };
    const ts = Buffer.alloc(8);
    ts.writeBigUInt64BE(1_700_000_000n);
    const expected = createHash('sha256').update('gpu-nonce-v1').update(Buffer.alloc(32, 1)).update(Buffer.alloc(32, 2)).update(ts).digest('hex');
    expect(toHex(await gpuNonceFor(claims))).toBe(expected);
  });
});
