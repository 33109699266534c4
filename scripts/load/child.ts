import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inheritedEnv } from './options';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A process of the load test (a broker, the bare relay): started from source through tsx, always killed at the end. */
export interface Child {
  readonly pid: number;
  /** The first match of the ready line. */
  readonly ready: RegExpExecArray;
  /** The last output, for an error message. */
  output(): string;
  kill(): Promise<void>;
}

const live = new Set<ChildProcess>();

/** SIGKILLs every child still running (the entry calls it on exit, whatever happened). */
export function killAllChildren(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/**
 * Runs `node --import tsx <entry>` (a path from the repository root) with exactly `env` (plus
 * PATH) and waits for a line matching `readyLine` on its output.
 */
export async function startChild(entry: string, env: Record<string, string>, readyLine: RegExp, timeoutMs: number, onLine?: (line: string) => void): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: REPO_ROOT,
    env: { ...inheritedEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => (live.delete(child), resolve())));
  let out = '';
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} not ready after ${timeoutMs} ms:\n${out.slice(-2000)}`)), timeoutMs);
    let found = false;
    const onData = (d: string) => {
      out = (out + d).slice(-20_000);
      for (const line of d.split('\n')) if (line) onLine?.(line);
      const m = found ? null : readyLine.exec(out);
      if (m) {
        found = true;
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited before it was ready:\n${out.slice(-2000)}`));
    });
  }).catch(async (e: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw e;
  });
  return {
    pid: child.pid!,
    ready,
    output: () => out,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
