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

/** The `--json` shape: `{ ok, checks: [{ name, ok, skipped?, reason? }], measurements, tcb: { status, ... } }`, hex lower-case. */
export function toJsonReport(r: AttestReport) {
  return {
    ok: r.ok,
    input: r.input,
    tee: r.tee,
    verifiedAt: r.at.toISOString(),
    policy: r.policySource,
    checks: r.checks.map((c) => ({ name: c.name, ok: c.ok, ...(c.skipped ? { skipped: true } : {}), ...(c.reason ? { reason: c.reason } : {}) })),
    measurements: r.measurements ?? {},
    tcb: r.tcb ?? { status: 'NotEvaluated' },
    ...(r.gpu?.length ? { gpu: r.gpu } : {}),
    ...(r.image ? { image: r.image } : {}),
    ...(r.error ? { error: r.error } : {}),
  };
}

const pad = (s: string, n: number) => s.padEnd(n);
const MEASUREMENT_ORDER = ['mrTd', 'rtmr0', 'rtmr1', 'rtmr2', 'rtmr3', 'reportData', 'mrSeam', 'xfam', 'mrConfigId', 'tdAttributes'];

/** A readable table: one row per check, then measurements, TCB and GPU facts. */
export function formatHuman(r: AttestReport): string {
  const lines = [`${r.ok ? 'PASS' : 'FAIL'}  ${r.file} (${r.input}${r.tee ? `, ${r.tee}` : ''}) at ${r.at.toISOString()}, ${r.policySource} policy`, ''];
  const width = Math.max(5, ...r.checks.map((c) => c.name.length)) + 2;
  lines.push(`${pad('CHECK', width)}${pad('RESULT', 8)}REASON`);
  for (const c of r.checks) lines.push(`${pad(c.name, width)}${pad(c.skipped ? 'skip' : c.ok ? 'pass' : 'FAIL', 8)}${c.reason ?? ''}`.trimEnd());
  const m = r.measurements ?? {};
  const keys = [...MEASUREMENT_ORDER.filter((k) => k in m), ...Object.keys(m).filter((k) => !MEASUREMENT_ORDER.includes(k))];
  if (keys.length) lines.push('', 'MEASUREMENTS', ...keys.map((k) => `  ${pad(k, 16)}${m[k]}`));
  if (r.tcb) lines.push('', 'TCB', ...Object.entries(r.tcb).filter(([, v]) => v !== undefined).map(([k, v]) => `  ${pad(k, 26)}${Array.isArray(v) ? v.join(', ') || '-' : String(v)}`));
  for (const g of r.gpu ?? []) lines.push('', `GPU ${g.index}`, ...Object.entries(g).filter(([k, v]) => k !== 'index' && v !== undefined).map(([k, v]) => `  ${pad(k, 18)}${String(v)}`));
  if (r.image) lines.push('', `IMAGE  ${r.image}`);
  if (r.error) lines.push('', `ERROR  ${r.error.code}: ${r.error.message}`);
  return `${lines.join('\n')}\n`;
}
