import { execFile } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Set when the program could not be run at all (not installed, not executable, timed out). */
  error?: string;
}

/** Runs a program (no shell) and reports what it printed; the seam tests replace with recorded outputs. */
export type RunCommand = (program: string, args: string[]) => Promise<CommandResult>;

/** The real runner: 20 s per command, 1 MiB of output, the given environment only. */
export const runCommand =
  (env: Record<string, string>, timeoutMs = 20_000): RunCommand =>
  (program, args) =>
    new Promise((resolve) => {
      const child = execFile(program, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1 << 20, encoding: 'utf8', env }, (err, stdout, stderr) => {
        if (!err) return resolve({ code: 0, stdout, stderr });
        if (typeof err.code === 'string') return resolve({ code: -1, stdout, stderr, error: err.code === 'ENOENT' ? 'not found' : `could not be run (${err.code})` });
        if (err.killed) return resolve({ code: -1, stdout, stderr, error: `did not finish within ${timeoutMs / 1000} s` });
        resolve({ code: typeof err.code === 'number' ? err.code : -1, stdout, stderr });
      });
      child.stdin?.end();
    });
