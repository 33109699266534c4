import type { GpuInfo } from '@cocoon/shared/protocol/ws-messages';
import type { RunCommand } from './run-command';

/**
 * The machine's GPUs as `nvidia-smi` reports them: the owner's Machines screen shows them, and
 * `doctor` checks their confidential-computing mode. Parsed from the text nvidia-smi prints
 * (recorded samples under host/tests/fixtures/), never trusted for anything but display.
 */
export const GPU_QUERY_ARGS = ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits'] as const;
export const CC_QUERY_ARGS = ['conf-compute', '-q'] as const;
export const CC_DEVTOOLS_ARGS = ['conf-compute', '-d'] as const;

/** `NVIDIA H100 80GB HBM3, 81559` per line: name, memory in MiB. */
export function parseGpuQuery(stdout: string): Omit<GpuInfo, 'ccMode'>[] {
  const gpus: Omit<GpuInfo, 'ccMode'>[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\s*(.+?),\s*(\d+)\s*$/.exec(line);
    if (m) gpus.push({ name: m[1]!.slice(0, 128), memoryMiB: Number(m[2]) });
  }
  return gpus;
}

export interface CcStatus {
  /** CC State / CC status: `on` or `off` as the driver says it (lower case), null when not reported. */
  state: string | null;
  /** DevTools (debug) mode: true when on; null when not reported. */
  devTools: boolean | null;
  /** CC GPUs Ready State: whether the driver has accepted work in CC mode, null when not reported. */
  ready: boolean | null;
}

/** `Key : Value` lines of `nvidia-smi conf-compute -q`, `-f` (`CC status: ON`) and `-d` (`DevTools Mode: OFF`). */
export function parseConfCompute(...outputs: string[]): CcStatus {
  const status: CcStatus = { state: null, devTools: null, ready: null };
  for (const line of outputs.join('\n').split('\n')) {
    const m = /^\s*([A-Za-z][A-Za-z -]*?)\s*:\s*(\S.*?)\s*$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!.toLowerCase();
    if (key === 'cc state' || key === 'cc status' || key === 'cc mode') status.state = value;
    else if (key === 'devtools mode' || key === 'cc devtools mode') status.devTools = value === 'on';
    else if (key === 'cc gpus ready state' || key === 'confidential compute gpus ready state') status.ready = value === 'ready';
  }
  return status;
}

/** The GPU's CC mode in the one word the Machines screen shows: `devtools` whenever debugging is on. */
export const ccModeOf = (cc: CcStatus): string | undefined => (cc.devTools ? 'devtools' : (cc.state ?? undefined));

export interface GpuSurvey {
  /** Empty when there is no nvidia-smi or no GPU. */
  gpus: GpuInfo[];
  cc: CcStatus;
  /** Why the GPU list is empty or partial (nvidia-smi missing, failed). */
  problem?: string;
}

/** Runs nvidia-smi (query, then conf-compute) and parses what it prints. Never throws. */
export async function surveyGpus(run: RunCommand, nvidiaSmi: string): Promise<GpuSurvey> {
  const none: CcStatus = { state: null, devTools: null, ready: null };
  const q = await run(nvidiaSmi, [...GPU_QUERY_ARGS]);
  if (q.error) return { gpus: [], cc: none, problem: `${nvidiaSmi}: ${q.error}` };
  if (q.code !== 0) return { gpus: [], cc: none, problem: `${nvidiaSmi} exited with code ${q.code}${lastLine(q.stdout + q.stderr)}` };
  const base = parseGpuQuery(q.stdout);
  const [cq, cd] = await Promise.all([run(nvidiaSmi, [...CC_QUERY_ARGS]), run(nvidiaSmi, [...CC_DEVTOOLS_ARGS])]);
  const cc = parseConfCompute(cq.code === 0 ? cq.stdout : '', cd.code === 0 ? cd.stdout : '');
  const ccMode = ccModeOf(cc);
  return { gpus: base.map((g) => (ccMode ? { ...g, ccMode } : g)), cc };
}

const lastLine = (s: string) => {
  const l = s.trim().split('\n').at(-1)?.slice(0, 200);
  return l ? `: ${l}` : '';
};
