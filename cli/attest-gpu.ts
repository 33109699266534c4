import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CheckLog } from '@cocoon/shared/attestation/checks';
import { verifyNvidiaReport } from '@cocoon/shared/attestation/nvidia/verify-gpu';
import { GpuReferenceSchema, type GpuReference } from '@cocoon/shared/attestation/policy';
import { fromHex, fromUtf8 } from '@cocoon/shared/protocol/encoding';
import { parseAt, readPolicy, UnusableInput, unusableReason } from './attest';
import { formatGpuHuman, toGpuJsonReport, type GpuAttestReport, type GpuReferenceSource, type GpuResult } from './attest-format';
import { Exit, type CliIo } from './cli';

const Base64 = z.string().regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'expected base64');
const Nonce = z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected 32 bytes of hex');

/**
 * NVIDIA's serialized GPU evidence (attestation-sdk `GpuEvidence` JSON): the list `nvattest attest
 * --gpu-evidence-source=file` reads; `nvattest collect-evidence` prints it as `evidences`.
 */
const NvidiaEvidenceList = z
  .array(z.object({ arch: z.string().min(1).max(32), certificate: Base64.max(65_536), evidence: Base64.max(65_536), nonce: Nonce }))
  .min(1)
  .max(64);

interface GpuEvidence {
  arch: string;
  report: Uint8Array;
  certChain: string;
  nonce: Uint8Array;
}

/** `--reference <file>`: a JSON list of reference sets in the policy's `gpuReferences` format. */
const ReferenceList = z.array(GpuReferenceSchema).min(1).max(64);

interface GpuInputs {
  file: string;
  evidence: GpuEvidence[];
  nonce?: Uint8Array;
  references: readonly GpuReference[];
  referenceSource: GpuReferenceSource;
  allowedFirmware?: readonly string[];
  at: Date;
  json: boolean;
}

/**
 * `cocoon attest verify-gpu <nvidia-evidence.json> [--nonce hex] [--reference f | --policy f
 * [--policy-key k]...] [--at ISO] [--json]`: verifies every GPU report in the file (signature, chain
 * to the pinned NVIDIA root, nonce = `--nonce` or else the file's own nonce field, CC mode on, debug
 * off by comparison with the reference measurements of `--reference` or the policy's
 * `gpuReferences`, the policy's firmware allowlist). Exit 0 when every GPU passes, 1 when one fails,
 * 2 on unusable input (including a report that does not parse).
 */
export async function attestVerifyGpu(args: string[], io: CliIo): Promise<number> {
  let inputs: GpuInputs;
  try {
    inputs = await readGpuInputs(args);
  } catch (e) {
    io.stderr.write(`cocoon attest verify-gpu: ${unusableReason(e)}\nrun "cocoon --help" for usage\n`);
    return Exit.unusable;
  }
  const gpus: GpuResult[] = [];
  for (const [index, e] of inputs.evidence.entries()) {
    const log = new CheckLog();
    const source = inputs.nonce ? '--nonce' : 'the file\'s nonce field';
    const opts = { index, now: inputs.at, expectedNonce: inputs.nonce ?? e.nonce, expectedNonceSource: source, references: inputs.references, allowedFirmware: inputs.allowedFirmware };
    const facts = await verifyNvidiaReport(e.report, e.certChain, opts, log);
    gpus.push({ index, arch: e.arch, ok: log.ok, checks: log.checks, facts, error: log.error });
  }
  const references = { source: inputs.referenceSource, sets: inputs.references.length };
  const report: GpuAttestReport = { file: inputs.file, at: inputs.at, nonceSource: inputs.nonce ? 'option' : 'file', references, ok: gpus.every((g) => g.ok), gpus };
  io.stdout.write(inputs.json ? `${JSON.stringify(toGpuJsonReport(report), null, 2)}\n` : formatGpuHuman(report));
  if (report.ok) return Exit.ok;
  const unparsed = gpus.some((g) => g.checks.some((c) => c.name === `gpu[${g.index}].parse` && !c.ok));
  return unparsed ? Exit.unusable : Exit.failed;
}

async function readGpuInputs(args: string[]): Promise<GpuInputs> {
  const { values, positionals } = parseGpuArgs(args);
  if (positionals.length !== 1) throw new UnusableInput('expected exactly one NVIDIA GPU evidence file');
  const at = parseAt(values.at);
  if (values.nonce !== undefined && !Nonce.safeParse(values.nonce).success) throw new UnusableInput('--nonce must be 32 bytes of hex');
  const file = positionals[0]!;
  const evidence = evidenceOf(await readFile(file, 'utf8'));
  const refs = await readReferences(values.reference, values.policy, values['policy-key'] ?? [], at);
  return { file, evidence, nonce: values.nonce === undefined ? undefined : fromHex(values.nonce), ...refs, at, json: values.json ?? false };
}

/** The reference sets of `--reference`, or the policy's `gpuReferences` and firmware allowlist; none without either. */
async function readReferences(referenceFile: string | undefined, policyFile: string | undefined, keys: string[], at: Date) {
  if (referenceFile !== undefined && policyFile !== undefined) throw new UnusableInput('give --reference or --policy, not both');
  if (referenceFile !== undefined) {
    const parsed = ReferenceList.safeParse(await readJson(referenceFile, 'the --reference file'));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UnusableInput(`the --reference file is not a list of GPU reference sets (the policy's gpuReferences): ${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'}`);
    }
    return { references: parsed.data, referenceSource: 'reference' as const };
  }
  if (policyFile === undefined) return { references: [], referenceSource: 'none' as const };
  const { policy, source } = await readPolicy(policyFile, keys, at);
  return { references: policy.gpuReferences ?? [], referenceSource: source === 'signed' ? ('signed-policy' as const) : ('policy' as const), allowedFirmware: policy.allowedGpuFirmware };
}

async function readJson(file: string, what: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new UnusableInput(`${what} is not JSON`);
  }
}

function parseGpuArgs(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        nonce: { type: 'string' },
        reference: { type: 'string' },
        policy: { type: 'string' },
        'policy-key': { type: 'string', multiple: true },
        at: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new UnusableInput(e instanceof Error ? e.message : 'bad arguments');
  }
}

function evidenceOf(text: string): GpuEvidence[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UnusableInput('the file is not JSON NVIDIA GPU evidence');
  }
  const list = json !== null && typeof json === 'object' && !Array.isArray(json) && 'evidences' in json ? json.evidences : json;
  const parsed = NvidiaEvidenceList.safeParse(list);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UnusableInput(`the file is not NVIDIA GPU evidence (a list of { arch, certificate, evidence, nonce }): ${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data.map((e, i) => ({ arch: e.arch, report: new Uint8Array(Buffer.from(e.evidence, 'base64')), certChain: pemOf(e.certificate, i), nonce: fromHex(e.nonce) }));
}

function pemOf(base64: string, i: number): string {
  try {
    return fromUtf8(Buffer.from(base64, 'base64'));
  } catch {
    throw new UnusableInput(`GPU ${i}: the certificate is not base64 of a PEM chain`);
  }
}
