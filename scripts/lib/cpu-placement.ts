import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Where the chat benchmark runs what. In production the engine is vLLM decoding on a GPU: its work
 * never takes a CPU from the host agent, the broker or the client, nor theirs from it. On this
 * one-machine bench the demo engine decodes on a CPU, and left to the scheduler it shares one with
 * the rest, so each relayed token slows the engine's decoding and the engine slows the relay, in
 * ways no deployment sees, and by more from run to run than the targets' margins.
 *
 * So, with two CPUs or more, the engine gets the last CPU to itself (it stands for the GPU), and
 * everything else (the client, the broker with its database, the host agent) shares the others:
 * on this 2-CPU machine, one CPU for all of our side, a harder place than any deployment (where
 * phone, broker and host are different machines). Both paths, the engine called directly and
 * through broker + host agent, run under the same placement, so the ratios compare like with
 * like. `BENCH_PLACEMENT=shared` leaves it all to the scheduler; the bench prints which was used.
 */
export interface Placement {
  describe: string;
  /** Pins the engine's process (all its threads) to its CPU. */
  engine(pid: number): void;
  /** Gives this process back every CPU (after the chat benchmark). */
  release(): void;
}

/** Pins `pid`'s threads to `cpus` (a taskset list, "0-2"); false where util-linux's taskset is missing or refused. */
function pin(pid: number, cpus: string): boolean {
  return spawnSync('taskset', ['--all-tasks', '--cpu-list', '--pid', cpus, String(pid)], { stdio: 'ignore' }).status === 0;
}

const list = (from: number, to: number) => (from === to ? `${from}` : `${from}-${to}`);

/** Pins this process, and so what it starts later (the host agent), away from the engine's CPU: call it before starting anything. */
export function placeForChat(mode: 'pinned' | 'shared'): Placement {
  const cpus = availableParallelism();
  const shared = (why: string): Placement => ({ describe: `shared: ${cpus} CPU(s), all placed by the scheduler (${why})`, engine: () => {}, release: () => {} });
  if (mode === 'shared') return shared('BENCH_PLACEMENT=shared');
  if (cpus < 2) return shared('one CPU');
  const ours = list(0, cpus - 2);
  const engineCpu = `${cpus - 1}`;
  if (!pin(process.pid, ours)) return shared('taskset could not pin this process');
  return {
    describe: `engine alone on CPU ${engineCpu} (it stands for the GPU); client, broker, database and host agent on CPU ${ours}`,
    engine: (pid) => {
      if (!pin(pid, engineCpu)) throw new Error(`could not pin the engine (pid ${pid}) to CPU ${engineCpu}; BENCH_PLACEMENT=shared runs without pinning`);
    },
    release: () => void pin(process.pid, list(0, cpus - 1)),
  };
}
