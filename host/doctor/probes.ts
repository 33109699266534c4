import { randomBytes } from 'node:crypto';
import { configfsTsmAvailable, CONFIGFS_TSM_ROOT } from '../attestation/configfs-tsm';
import { createCommandGpuEvidenceSource } from '../attestation/gpu-evidence';
import { inspectNodeKeyFile, loadOrCreateNodeKey, type NodeKeyFileState } from '../agent/node-key';
import { runCommand, type RunCommand } from '../machine/run-command';

/**
 * Everything `doctor` asks the machine, behind one seam: tests replace it with recorded outputs
 * (host/tests/fixtures/) and stand-ins, the real one asks the kernel, nvidia-smi and the network.
 */
export interface DoctorProbes {
  /** Runs nvidia-smi (and nothing else through this seam). */
  run: RunCommand;
  /** Whether configfs-tsm is present and writable at `root`. */
  tsmAvailable(root: string): Promise<boolean>;
  /** Collects GPU evidence once with a fresh nonce; resolves with the number of GPUs reported. */
  collectGpuEvidence(command: readonly [string, ...string[]], env: Record<string, string>): Promise<number>;
  inspectNodeKey(file: string): NodeKeyFileState;
  /** The host id of the node key at `file` (which exists). */
  nodeKeyHostId(file: string): Promise<string>;
  fetch: typeof globalThis.fetch;
  /** Milliseconds since the epoch: compared with the broker's Date header. */
  now(): number;
  tsmRoot: string;
}

export function realProbes(env: Record<string, string>): DoctorProbes {
  return {
    run: runCommand(env),
    tsmAvailable: (root) => configfsTsmAvailable(root),
    async collectGpuEvidence(command, commandEnv) {
      return (await createCommandGpuEvidenceSource({ command, env: commandEnv }).collect(randomBytes(32))).length;
    },
    inspectNodeKey: inspectNodeKeyFile,
    nodeKeyHostId: async (file) => (await loadOrCreateNodeKey(file)).hostId,
    fetch: (input, init) => globalThis.fetch(input, init),
    now: () => Date.now(),
    tsmRoot: CONFIGFS_TSM_ROOT,
  };
}
