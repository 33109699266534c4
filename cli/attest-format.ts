import type { WireError } from '@cocoon/shared/errors';
import type { Check } from '@cocoon/shared/protocol/attestation-bundle';
import type { GpuFacts } from '@cocoon/shared/attestation/nvidia/verify-gpu';
import type { TcbReport } from '@cocoon/shared/attestation/tdx/tcb-report';

/** Everything `cocoon attest verify` reports about one input. */
export interface AttestReport {
  file: string;
  input: 'quote' | 'bundle';
  tee?: string;
  at: Date;
  policySource: 'default' | 'plain' | 'signed';
  ok: boolean;
  checks: Check[];
  measurements?: Record<string, string>;
  tcb?: TcbReport;
  gpu?: GpuFacts[];
  image?: string;
  error?: WireError;
}

/** One NVIDIA GPU's result in `cocoon attest verify-gpu`: its checks (`gpu[i].*`) and what its report says. */
export interface GpuResult {
  index: number;
  /** As the evidence file names it (`HOPPER`). */
  arch: string;
  ok: boolean;
  checks: Check[];
  facts?: GpuFacts;
  error?: WireError;
}

/** Where verify-gpu's reference measurements came from: `--reference`, `--policy` (plain or signed), or nowhere. */
export type GpuReferenceSource = 'reference' | 'policy' | 'signed-policy' | 'none';

/** Everything `cocoon attest verify-gpu` reports about one evidence file. */
export interface GpuAttestReport {
  file: string;
  at: Date;
  /** Where the nonce each report must carry came from. */
  nonceSource: 'option' | 'file';
  /** The reference measurement sets debug_off compared with, and where they came from. */
  references: { source: GpuReferenceSource; sets: number };
  ok: boolean;
  gpus: GpuResult[];
}

const jsonCheck = (c: Check) => ({ name: c.name, ok: c.ok, ...(c.skipped ? { skipped: true } : {}), ...(c.reason ? { reason: c.reason } : {}) });

/** The `--json` shape: `{ ok, checks: [{ name, ok, skipped?, reason? }], measurements, tcb: { status, ... } }`, hex lower-case. */
export function toJsonReport(r: AttestReport) {
  return {
    ok: r.ok,
    input: r.input,
    tee: r.tee,
    verifiedAt: r.at.toISOString(),
    policy: r.policySource,
    checks: r.checks.map(jsonCheck),
    measurements: r.measurements ?? {},
    tcb: r.tcb ?? { status: 'NotEvaluated' },
    ...(r.gpu?.length ? { gpu: r.gpu } : {}),
    ...(r.image ? { image: r.image } : {}),
    ...(r.error ? { error: r.error } : {}),
  };
}

/** The verify-gpu `--json` shape: `{ ok, verifiedAt, nonce, references: { source, sets }, gpus: [{ index, arch, ok, checks, facts?, error? }] }`. */
export function toGpuJsonReport(r: GpuAttestReport) {
  return {
    ok: r.ok,
    input: 'nvidia-gpu-evidence',
    verifiedAt: r.at.toISOString(),
    nonce: r.nonceSource === 'option' ? '--nonce' : 'file',
    references: r.references,
    gpus: r.gpus.map((g) => ({ index: g.index, arch: g.arch, ok: g.ok, checks: g.checks.map(jsonCheck), ...(g.facts ? { facts: g.facts } : {}), ...(g.error ? { error: g.error } : {}) })),
  };
}

const pad = (s: string, n: number) => s.padEnd(n);

function checkTable(checks: Check[]): string[] {
  const width = Math.max(5, ...checks.map((c) => c.name.length)) + 2;
  return [`${pad('CHECK', width)}${pad('RESULT', 8)}REASON`, ...checks.map((c) => `${pad(c.name, width)}${pad(c.skipped ? 'skip' : c.ok ? 'pass' : 'FAIL', 8)}${c.reason ?? ''}`.trimEnd())];
}

const gpuFactLines = (g: GpuFacts) => Object.entries(g).filter(([k, v]) => k !== 'index' && v !== undefined).map(([k, v]) => `  ${pad(k, 18)}${String(v)}`);

const REFERENCE_SOURCE: Record<GpuReferenceSource, string> = { reference: '--reference', policy: 'the policy', 'signed-policy': 'the signed policy', none: 'nowhere' };
const NO_REFERENCE_HINT = {
  none: 'no reference measurements, so debug_off fails: pass --reference <file> (a JSON list of reference sets, as in the policy\'s gpuReferences, from NVIDIA\'s RIMs) or --policy <file> with gpuReferences',
  empty: 'the policy has no gpuReferences, so debug_off fails: add reference sets from NVIDIA\'s RIMs, or pass --reference <file> instead of --policy',
};

/** verify-gpu's readable output: per GPU its checks, then what its report says, whether or not it passed. */
export function formatGpuHuman(r: GpuAttestReport): string {
  const nonce = r.nonceSource === 'option' ? 'nonce from --nonce' : 'nonce from the file (freshness not checked: pass --nonce)';
  const lines = [`${r.ok ? 'PASS' : 'FAIL'}  ${r.file} (${r.gpus.length} NVIDIA GPU report${r.gpus.length === 1 ? '' : 's'}) at ${r.at.toISOString()}, ${nonce}`];
  if (r.references.sets === 0) lines.push(NO_REFERENCE_HINT[r.references.source === 'none' ? 'none' : 'empty']);
  else lines.push(`reference measurements: ${r.references.sets} set${r.references.sets === 1 ? '' : 's'} from ${REFERENCE_SOURCE[r.references.source]}`);
  for (const g of r.gpus) {
    lines.push('', `GPU ${g.index}  ${g.arch}  ${g.ok ? 'PASS' : 'FAIL'}`, ...checkTable(g.checks));
    if (g.facts) lines.push('', ...gpuFactLines(g.facts));
    if (g.error) lines.push('', `ERROR  ${g.error.code}: ${g.error.message}`);
  }
  return `${lines.join('\n')}\n`;
}
const MEASUREMENT_ORDER = ['mrTd', 'rtmr0', 'rtmr1', 'rtmr2', 'rtmr3', 'reportData', 'mrSeam', 'xfam', 'mrConfigId', 'tdAttributes'];

/** A readable table: one row per check, then measurements, TCB and GPU facts. */
export function formatHuman(r: AttestReport): string {
  const lines = [`${r.ok ? 'PASS' : 'FAIL'}  ${r.file} (${r.input}${r.tee ? `, ${r.tee}` : ''}) at ${r.at.toISOString()}, ${r.policySource} policy`, ''];
  lines.push(...checkTable(r.checks));
  const m = r.measurements ?? {};
  const keys = [...MEASUREMENT_ORDER.filter((k) => k in m), ...Object.keys(m).filter((k) => !MEASUREMENT_ORDER.includes(k))];
  if (keys.length) lines.push('', 'MEASUREMENTS', ...keys.map((k) => `  ${pad(k, 16)}${m[k]}`));
  if (r.tcb) lines.push('', 'TCB', ...Object.entries(r.tcb).filter(([, v]) => v !== undefined).map(([k, v]) => `  ${pad(k, 26)}${Array.isArray(v) ? v.join(', ') || '-' : String(v)}`));
  for (const g of r.gpu ?? []) lines.push('', `GPU ${g.index}`, ...gpuFactLines(g));
  if (r.image) lines.push('', `IMAGE  ${r.image}`);
  if (r.error) lines.push('', `ERROR  ${r.error.code}: ${r.error.message}`);
  return `${lines.join('\n')}\n`;
}
