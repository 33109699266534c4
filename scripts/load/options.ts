import { z } from 'zod';

/**
 * `npm run load`'s settings: the only module of the load test that reads `process.env`
 * (CONVENTIONS.md, 8). Every value has a default that fits this 2-core machine; a bad one fails
 * at start with its name.
 */
const int = (fallback: number, min: number, max: number) =>
  z.string().regex(/^\d+$/, 'expected a non-negative integer').transform(Number).pipe(z.number().min(min).max(max)).default(fallback);

const OptionsSchema = z.object({
  /** Hard limit for the whole run (its ramps get what the other phases leave: 240 s lets one broker open 10,000 streams here at ~180/s): past it every child is killed and what was measured is printed. */
  LOAD_SECONDS: int(240, 10, 3600),
  /** Concurrent streams each relay is asked to hold. */
  LOAD_STREAMS: int(10_000, 1, 200_000),
  /** Streams over two brokers (hosts on A, clients on B); 0 skips that part. */
  LOAD_CLUSTER_STREAMS: int(1_000, 0, 200_000),
  /** Bytes of each sealed chunk (ciphertext and tag): 80 is one padded delta (64 bytes) and its tag. */
  LOAD_CHUNK_BYTES: int(80, 17, 1_048_576),
  /** While holding, each stream sends one chunk per interval. */
  LOAD_CHUNK_INTERVAL_MS: int(1_000, 10, 60_000),
  /** How long all streams are held at the paced rate, then how long they stream as fast as the relay takes. */
  LOAD_HOLD_S: int(5, 1, 600),
  LOAD_SATURATE_S: int(4, 0, 600),
  /** Chunks each stream may have in flight while saturating (sent, not yet received). */
  LOAD_WINDOW: int(2, 1, 64),
  /**
   * Streams per simulated host and per simulated user (one socket each). A user's job creations
   * are serial in the broker (one socket's messages one at a time, one creation per user in the
   * database at a time), so many users open streams faster than a few.
   */
  LOAD_STREAMS_PER_HOST: int(1_000, 1, 4_096),
  LOAD_STREAMS_PER_USER: int(50, 1, 1_000),
  /** PostgreSQL server on which a throwaway database is made for the brokers (dropped at the end). */
  LOAD_PG_URL: z.string().regex(/^postgres(ql)?:\/\//).default('postgres://postgres@127.0.0.1:5432/test'),
  LOAD_NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  /** Print the brokers' own output (warnings and errors). */
  LOAD_VERBOSE: z.enum(['0', '1', 'true', 'false', '']).optional().transform((v) => v === '1' || v === 'true'),
});
export type LoadOptions = z.output<typeof OptionsSchema>;

export function loadOptions(env: Record<string, string | undefined>): LoadOptions {
  const picked = Object.fromEntries(Object.keys(OptionsSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = OptionsSchema.safeParse(picked);
  if (parsed.success) return parsed.data;
  throw new Error(`invalid load test settings:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
}

/** What a child process of the load test inherits from this one: PATH only, so no secret or setting leaks in. */
export const inheritedEnv = (): Record<string, string> => (process.env.PATH === undefined ? {} : { PATH: process.env.PATH });
