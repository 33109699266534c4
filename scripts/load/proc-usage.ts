import { readFileSync } from 'node:fs';

/**
 * What a child process costs, read from Linux's /proc: CPU time (user + system) and resident
 * memory. Read from outside, so measuring costs the measured process nothing.
 */
export interface ProcSample {
  /** performance.now() when read. */
  atMs: number;
  cpuMs: number;
  rssBytes: number;
}

const CLOCK_TICKS_PER_S = 100; // USER_HZ: 100 on every Linux ABI Node supports

export function sampleProc(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name (which may hold spaces): utime is the 14th field, stime the 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return { atMs: performance.now(), cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_S, rssBytes: rssKb * 1024 };
}

/** Summed over several processes (two brokers): CPU adds up, memory too. */
export function sampleProcs(pids: number[]): ProcSample {
  const s = pids.map(sampleProc);
  return { atMs: performance.now(), cpuMs: s.reduce((n, x) => n + x.cpuMs, 0), rssBytes: s.reduce((n, x) => n + x.rssBytes, 0) };
}

/** CPU used between two samples, as a share of one core (1.0 = one core busy all the time). */
export const coresUsed = (a: ProcSample, b: ProcSample): number => (b.cpuMs - a.cpuMs) / (b.atMs - a.atMs);
