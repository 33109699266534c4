import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { EngineConfig } from '@cocoon/host/agent/engine-setup';

/** The one line `dev/engine/main.ts --json` prints. */
const EngineLineSchema = z.object({
  engine: z.object({
    url: z.string().url(),
    apiKey: z.string().optional(),
    name: z.string(),
    imageDigest: z.string(),
    version: z.string(),
    args: z.array(z.string()),
    modelDigests: z.record(z.string(), z.string()),
  }),
}) satisfies z.ZodType<{ engine: EngineConfig }>;

const ENGINE_MAIN = fileURLToPath(new URL('../../dev/engine/main.ts', import.meta.url));

/**
 * The demo engine in a process of its own, as production runs vLLM beside the host agent: a
 * benchmark that ran it inside the broker's process would make the engine and the relay share one
 * event loop, and charge the broker for the engine's work (and the engine for the broker's).
 */
export async function startEngineProcess(timeoutMs = 120_000): Promise<{ config: EngineConfig; child: ChildProcess; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENGINE_MAIN, '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const config = await new Promise<EngineConfig>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo engine did not start in ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code) => reject(new Error(`the demo engine exited (${code}) before it listened`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(EngineLineSchema.parse(JSON.parse(line)).engine);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
  const close = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return { config, child, close };
}
