import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** The newest policy sequence this proxy has accepted: an older policy is a replay (anti-rollback). */
export interface PolicyState {
  newestSequence(): Promise<number>;
  record(sequence: number): Promise<void>;
}

const StateSchema = z.object({ sequence: z.number().int().nonnegative() });

/** Kept in `<dataDir>/policy-state.json`, so a restart does not forget it. */
export function filePolicyState(dataDir: string): PolicyState {
  const path = join(dataDir, 'policy-state.json');
  let newest: number | undefined;
  return {
    async newestSequence() {
      if (newest !== undefined) return newest;
      const text = await readFile(path, 'utf8').catch((e: unknown) => {
        if (e instanceof Error && 'code' in e && e.code === 'ENOENT') return null;
        throw e;
      });
      const parsed = text === null ? null : StateSchema.safeParse(JSON.parse(text));
      if (parsed && !parsed.success) throw new Error(`${path} is not a policy state file; remove it only if you trust the policy the broker serves now`);
      newest = parsed?.data.sequence ?? 0;
      return newest;
    },
    async record(sequence) {
      if (sequence <= (await this.newestSequence())) return;
      newest = sequence;
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      await writeFile(path, JSON.stringify({ sequence }), { mode: 0o600 });
    },
  };
}
