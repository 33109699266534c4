import { readFileSync } from 'node:fs';
import { CC_DEVTOOLS_ARGS, CC_QUERY_ARGS, GPU_QUERY_ARGS } from '../../machine/nvidia-smi';
import type { CommandResult, RunCommand } from '../../machine/run-command';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/nvidia-smi/${name}`, import.meta.url), 'utf8');

export interface RecordedMachine {
  /** The query-gpu fixture; omitted: nvidia-smi is not installed. */
  query?: string;
  /** conf-compute -q fixture. */
  ccQuery?: string;
  /** conf-compute -d fixture. */
  devtools?: string;
  /** The driver is not loaded: every call exits 9 with NVIDIA's message. */
  noDriver?: boolean;
}

/** nvidia-smi replayed from the recorded samples in host/tests/fixtures/nvidia-smi/; records its calls. */
export function recordedNvidiaSmi(machine: RecordedMachine): RunCommand & { calls: string[][] } {
  const calls: string[][] = [];
  const ok = (stdout: string): CommandResult => ({ code: 0, stdout, stderr: '' });
  const run = async (program: string, args: string[]): Promise<CommandResult> => {
    calls.push([program, ...args]);
    if (!machine.query && !machine.noDriver) return { code: -1, stdout: '', stderr: '', error: 'not found' };
    if (machine.noDriver) return { code: 9, stdout: fixture('no-driver.txt'), stderr: '' };
    const key = args.join(' ');
    if (key === GPU_QUERY_ARGS.join(' ')) return ok(fixture(machine.query!));
    if (key === CC_QUERY_ARGS.join(' ')) return machine.ccQuery ? ok(fixture(machine.ccQuery)) : { code: 2, stdout: '', stderr: 'Invalid combination of input arguments.' };
    if (key === CC_DEVTOOLS_ARGS.join(' ')) return machine.devtools ? ok(fixture(machine.devtools)) : { code: 2, stdout: '', stderr: 'Invalid combination of input arguments.' };
    return { code: 2, stdout: '', stderr: `unexpected arguments ${key}` };
  };
  return Object.assign(run, { calls });
}

export const recordedFixture = fixture;
