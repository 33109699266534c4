import { readEnrollment } from '../agent/enrollment-state';
import { parseBrokerList } from '../broker-url';
import { ConfigError, DEFAULT_NODE_KEY_FILE, gpuCommandEnv, loadLocalSettings, loadSettings, type HostSettings } from '../config';
import { isReady, runChecks, type CheckResult, type DoctorInput } from '../doctor/checks';
import { realProbes, type DoctorProbes } from '../doctor/probes';
import { ExitCodes } from './args';
import type { CliIo } from './io';

/** What doctor knows of the setup, even when the configuration is invalid: then from defaults. */
function doctorInput(opts: { config?: string; broker?: string[] }, env: NodeJS.ProcessEnv): DoctorInput {
  let settings: HostSettings | null = null;
  let configError: string | null = null;
  let configFile: string | null = null;
  try {
    const loaded = loadSettings({ env, file: opts.config, overrides: { broker: opts.broker } });
    settings = loaded.settings;
    configFile = loaded.file;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    configError = e.message;
  }
  let local: { nodeKeyFile: string; nvidiaSmi: string; broker?: string[] } = { nodeKeyFile: DEFAULT_NODE_KEY_FILE, nvidiaSmi: 'nvidia-smi' };
  try {
    local = settings ?? loadLocalSettings({ env, file: opts.config, overrides: { broker: opts.broker } });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
  }
  const enrollment = readEnrollment(local.nodeKeyFile);
  const brokerList = local.broker ?? (enrollment ? [enrollment.broker] : []);
  return {
    settings,
    configError,
    configFile,
    nodeKeyFile: local.nodeKeyFile,
    nvidiaSmi: local.nvidiaSmi,
    brokers: parseBrokerList(brokerList).brokers,
    enrollment,
    gpuEnv: gpuCommandEnv(env),
  };
}

const LABEL: Record<CheckResult['status'], string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

/** The report an operator reads: one line per check, the fix under each warning and failure. */
export function formatReport(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.id.length));
  const lines = ['cocoon-host doctor: is this machine ready to serve?', ''];
  for (const r of results) {
    lines.push(`${LABEL[r.status]}  ${r.id.padEnd(width)}  ${r.why}`);
    for (const d of r.details ?? []) lines.push(`${' '.repeat(width + 8)}- ${d}`);
    if (r.fix && (r.status === 'fail' || r.status === 'warn')) lines.push(`${' '.repeat(width + 8)}fix: ${r.fix}`);
  }
  const failed = results.filter((r) => r.status === 'fail');
  lines.push('');
  lines.push(
    failed.length
      ? `NOT READY: ${failed.length} check${failed.length > 1 ? 's' : ''} failed (${failed.map((r) => r.id).join(', ')}). Fix them and run cocoon-host doctor again.`
      : 'READY: this machine can serve.',
  );
  return lines.join('\n');
}

/** `cocoon-host doctor`: exit 0 only when every check passes or only warns. */
export async function doctor(opts: { config?: string; broker?: string[]; json: boolean }, io: CliIo, probes?: DoctorProbes): Promise<number> {
  const input = doctorInput(opts, io.env);
  const results = await runChecks(input, probes ?? realProbes(input.gpuEnv));
  const ready = isReady(results);
  io.out(opts.json ? JSON.stringify({ ready, checks: results }, null, 2) : formatReport(results));
  return ready ? ExitCodes.ok : ExitCodes.failure;
}
