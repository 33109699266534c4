import { CocoonError } from '../errors';
import type { AttestationBundle, Claims } from '../protocol/attestation-bundle';
import { fromB64u, fromUtf8, sha256, toHex } from '../protocol/encoding';
import { GpuEvidenceKinds, NvidiaGpuEvidenceSchema } from '../protocol/gpu-evidence';
import type { CheckLog } from './checks';
import { gpuNonceFor } from './nvidia/nonce';
import { verifyNvidiaReport, type GpuFacts } from './nvidia/verify-gpu';
import type { AttestationPolicy } from './policy';

/**
 * The bundle's GPU evidence (ARCHITECTURE.md, "The confidential path", steps 2-3): the set of
 * evidence blobs must be exactly the set `claims.gpuEvidenceDigests` lists (SHA-256 of each blob),
 * and each report must verify and carry the nonce derived from the claims' keys.
 */
export async function verifyBundleGpuEvidence(
  items: AttestationBundle['gpuEvidence'],
  claims: Claims,
  opts: { policy: AttestationPolicy; now: Date },
  log: CheckLog,
): Promise<GpuFacts[]> {
  if (items.length === 0 && claims.gpuEvidenceDigests.length === 0) {
    if (opts.policy.requireGpuEvidence) log.fail('gpu.evidence', 'attestation.gpu_evidence_missing', 'the policy requires GPU evidence and the bundle has none');
    else log.skip('gpu.evidence', 'no GPU evidence in the bundle');
    return [];
  }
  const evidence = await log.run('gpu.evidence', () => decodeAll(items, claims), (e) => `${e.length} GPU reports, each listed in the claims`);
  if (!evidence) return [];
  const nonce = await gpuNonceFor(claims);
  const facts: GpuFacts[] = [];
  for (const [index, e] of evidence.entries()) {
    const f = await verifyNvidiaReport(e.report, e.certChain, { index, now: opts.now, expectedNonce: nonce, allowedFirmware: opts.policy.allowedGpuFirmware, references: opts.policy.gpuReferences }, log);
    if (f) facts.push(f);
  }
  return facts;
}

interface DecodedEvidence {
  report: Uint8Array;
  certChain: string;
}

async function decodeAll(items: AttestationBundle['gpuEvidence'], claims: Claims): Promise<DecodedEvidence[]> {
  const blobs = items.map((item, i) => {
    if (item.kind !== GpuEvidenceKinds.nvidiaCcSpdm) throw new CocoonError('attestation.gpu_evidence_invalid', `gpu[${i}]: unknown evidence kind`);
    return b64uOrThrow(item.data, `gpu[${i}]`);
  });
  const digests = await Promise.all(blobs.map(async (b) => toHex(await sha256(b))));
  const listed = new Set(claims.gpuEvidenceDigests);
  const unlisted = digests.findIndex((d) => !listed.has(d));
  if (unlisted >= 0) throw new CocoonError('attestation.gpu_evidence_not_listed', `gpu[${unlisted}]: its digest is not in claims.gpuEvidenceDigests`);
  const carried = new Set(digests);
  if (digests.length !== carried.size) throw new CocoonError('attestation.gpu_evidence_invalid', 'the same GPU evidence appears twice');
  const missing = claims.gpuEvidenceDigests.filter((d) => !carried.has(d));
  if (missing.length) throw new CocoonError('attestation.gpu_evidence_missing', `the claims list ${missing.length} GPU report(s) the bundle does not carry`);
  return blobs.map((bytes, i) => decodeOne(bytes, `gpu[${i}]`));
}

function decodeOne(bytes: Uint8Array, which: string): DecodedEvidence {
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(bytes));
  } catch (cause) {
    throw new CocoonError('attestation.gpu_evidence_invalid', `${which}: evidence is not JSON`, { cause });
  }
  const e = NvidiaGpuEvidenceSchema.safeParse(json);
  if (!e.success) throw new CocoonError('attestation.gpu_evidence_invalid', `${which}: evidence does not match the schema`);
  return { report: b64uOrThrow(e.data.report, which), certChain: e.data.certChain };
}

function b64uOrThrow(s: string, which: string): Uint8Array {
  try {
    return fromB64u(s);
  } catch (cause) {
    throw new CocoonError('attestation.gpu_evidence_invalid', `${which}: not base64url`, { cause });
  }
}
