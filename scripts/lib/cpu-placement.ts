import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Where the chat benchmark runs what. In production the engine is vLLM on a GPU, in the host's
 * machine, and the broker and the user's phone are other machines: the engine's work never takes
 * a CPU from the host agent, the broker or the client, nor theirs from it. On a one-machine bench
 * the demo engine decodes on a CPU, and left to the scheduler it shares one with them, so each
 * token's relay slows the engine down and the engine's decoding slows the relay, in ways a
 * deployment never sees (and which vary from run to run).
 *
 * So, with two CPUs or more, the engine gets the last CPU to itself (it stands for the GPU) and
 * everything else (client, broker, its database, host agent) shares the others. Both paths, the
 * engine called directly and through broker + host agent, run under the same placement, so the
 * ratio compares like with like. `BENCH_PLACEMENT=shared` leaves it all to the scheduler.
 */
export interface Placement {
  /** What the bench prints about it. */
  describe: string;
  /** Pins the engine's process (all its threads). */
  engine(pid: number): void;
  /** Gives this process back every CPU (after the chat benchmark). */
  release(): void;
}

/** Pins `pid`'s threads to `cpus` (a taskset list, "0-2"); false where util-linux's taskset is missing or refused. */
function pin(pid: number, cpus: string): boolean {
  const r = spawnSync('taskset', ['--all-tasks', '--cpu-list', '--pid', cpus, String(pid)], { stdio: 'ignore' });
  return r.status === 0;
}

const list = (from: number, to: number) => (from === to ? `${from}` : `${from}-${to}`);

/** Pins this process (and so the host agent it starts later) away from the engine's CPU, before anything is started. */
export function placeForChat(mode = process.env.BENCH_PLACEMENT): Placement {
  const cpus = availableParallelism();
  const shared: Placement = { describe: `shared: ${cpus} CPU(s), placed by the scheduler`, engine: () => {}, release: () => {} };
  if (mode === 'shared' || cpus < 2) return shared;
  const ours = list(0, cpus - 2);
  const engineCpu = `${cpus - 1}`;
  if (!pin(process.pid, ours)) return { ...shared, describe: `${shared.describe} (taskset unavailable)` };
  return {
    describe: `engine on CPU ${engineCpu} alone (it stands for the GPU); client, broker, database and host agent on CPU ${ours}`,
    engine: (pid) => {
      if (!pin(pid, engineCpu)) throw new Error(`could not pin the engine (pid ${pid}) to CPU ${engineCpu}`);
    },
    release: () => void pin(process.pid, list(0, cpus - 1)),
  };
}
