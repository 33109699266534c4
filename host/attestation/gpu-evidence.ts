import { execFile, type ExecFileException } from 'node:child_process';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import { fromHex, toHex } from '@cocoon/shared/protocol/encoding';
import { NVIDIA_GPU_REPORT_MAX_BYTES } from '@cocoon/shared/protocol/gpu-evidence';
import type { Logger } from '../agent/logger';

/** One GPU's confidential-computing evidence, as the driver gives it. */
export interface CollectedGpuEvidence {
  /** The SPDM attestation report (GET_MEASUREMENTS request + response + signature). */
  report: Uint8Array;
  /** The device certificate chain, PEM, leaf first. */
  certChainPem: string;
}

/** Where the host's GPU evidence comes from (ARCHITECTURE.md, "The confidential path", step 2). */
export interface GpuEvidenceSource {
  /** One entry per GPU, each report requested with `nonce` (32 bytes). */
  collect(nonce: Uint8Array): Promise<CollectedGpuEvidence[]>;
}

export interface GpuEvidenceCommandOptions {
  /** The program (absolute path) and its fixed arguments; no shell is involved. */
  command: readonly [string, ...string[]];
  /** 60 s unless told; then the command is killed (SIGKILL). */
  timeoutMs?: number;
  /**
   * The command's whole environment. It never inherits the agent's, which holds the enrollment
   * token and the engine's API key; config.ts passes only what NVIDIA tooling needs.
   */
  env?: Record<string, string>;
}

const MAX_OUTPUT_BYTES = 1 << 20;

/**
 * What the command prints: one entry per GPU, the report as hex (as nvtrust and NVML's
 * `nvmlDeviceGetConfComputeGpuAttestationReport` give it) and the chain as PEM. The bounds are
 * those of `NvidiaGpuEvidenceSchema` and of a bundle (at most 16 GPU reports).
 */
const CommandOutputSchema = z
  .array(
    z.object({
      report: z.string().regex(/^(?:[0-9a-fA-F]{2})+$/, 'expected hex').max(2 * NVIDIA_GPU_REPORT_MAX_BYTES),
      certChain: z.string().includes('-----BEGIN CERTIFICATE-----', { message: 'expected PEM certificates' }).max(16_384),
    }),
  )
  .min(1, 'no GPUs reported')
  .max(16);

/**
 * GPU evidence from an operator's command (`COCOON_GPU_EVIDENCE_CMD`). The contract, for a wrapper
 * around NVML (`nvmlDeviceGetConfComputeGpuAttestationReport` with the nonce, and
 * `nvmlDeviceGetConfComputeGpuCertificate`) or nvtrust's tools: the command gets the 32-byte nonce
 * as 64 lowercase hex characters, appended as its last argument; it prints to stdout a JSON array
 * `[{ "report": "<hex>", "certChain": "<PEM, leaf first>" }]`, one entry per GPU in CC mode, and
 * exits 0. Anything else (non-zero exit, no GPUs, other output, over the time limit) is
 * `attestation.gpu_evidence_unavailable`, with the command's last stderr line in the message.
 * @example const evidence = await createCommandGpuEvidenceSource({ command: ['/opt/cocoon/gpu-evidence'] }).collect(nonce)
 */
export function createCommandGpuEvidenceSource(opts: GpuEvidenceCommandOptions): GpuEvidenceSource {
  const [file, ...args] = opts.command;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const fail = (reason: string, cause?: unknown) => new CocoonError('attestation.gpu_evidence_unavailable', `GPU evidence command: ${reason}`, { cause });

  const run = (nonce: Uint8Array) =>
    new Promise<string>((resolve, reject) => {
      const child = execFile(file, [...args, toHex(nonce)], { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8', env: opts.env ?? {} }, (err, stdout, stderr) => {
        if (err) reject(fail(describeFailure(err, stderr, timeoutMs), err));
        else resolve(stdout);
      });
      // Nothing comes on stdin: a wrapper that reads it sees end-of-file rather than waiting out the limit.
      child.stdin?.end();
    });

  return {
    async collect(nonce) {
      if (nonce.length !== 32) throw new RangeError('a GPU nonce is 32 bytes');
      const stdout = await run(nonce);
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch (cause) {
        throw fail('printed something that is not JSON', cause);
      }
      const parsed = CommandOutputSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw fail(`printed JSON not in the expected shape (${issue.path.join('.') || 'output'}: ${issue.message})`);
      }
      return parsed.data.map((g) => ({ report: fromHex(g.report), certChainPem: g.certChain }));
    },
  };
}

function describeFailure(err: ExecFileException, stderr: string, timeoutMs: number): string {
  const said = stderr.trim().split('\n').at(-1)?.slice(0, 300);
  const tail = said ? `: ${said}` : '';
  if (err.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return `printed more than ${MAX_OUTPUT_BYTES} bytes`;
  if (typeof err.code === 'string') return `could not be run (${err.code})`;
  if (err.killed) return `did not finish within ${timeoutMs / 1000} s`;
  if (err.signal) return `killed by ${err.signal}${tail}`;
  return `exited with code ${String(err.code)}${tail}`;
}

export interface GpuEvidenceConfig {
  /** `auto`: collect GPU evidence with `command` when one is configured; `off`: never. */
  mode: 'auto' | 'off';
  command?: readonly [string, ...string[]];
  /** The command's environment (see GpuEvidenceCommandOptions.env). */
  env?: Record<string, string>;
}

/**
 * The agent's GPU evidence source, or undefined where its claims list no GPUs. Where an NVIDIA
 * device exists but nothing will be collected, the log says so: verifiers will see a GPU-less host.
 */
export function resolveGpuEvidenceSource(config: GpuEvidenceConfig, logger: Logger, nvidiaDevice = '/dev/nvidia0'): GpuEvidenceSource | undefined {
  if (config.mode === 'auto' && config.command) return createCommandGpuEvidenceSource({ command: config.command, env: config.env });
  if (existsSync(nvidiaDevice)) {
    logger.warn({ device: nvidiaDevice, gpu: config.mode }, 'an NVIDIA GPU is present but no GPU evidence is collected (COCOON_GPU_EVIDENCE_CMD unset or COCOON_GPU=off)');
  }
  return undefined;
}
