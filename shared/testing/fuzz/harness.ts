import fc from 'fast-check';
import { z, ZodError } from 'zod';
import { CocoonError } from '../../errors';

/**
 * Test-only: the fuzz harness shared by the `*.fuzz.test.ts` files (a few thousand cases each, a
 * fixed seed so CI is repeatable) and `npm run fuzz` (scripts/fuzz.ts: a million inputs per parser
 * or its time budget). A target feeds one input to one parser; the harness turns anything but the
 * parser's own rejection, an answer slower than `maxMs`, or an accepted alteration into a failure.
 */

/** The seed every run uses unless `FUZZ_SEED` says otherwise; fast-check prints it with any failure. */
export const FUZZ_SEED = 20_251_010;

/** An outcome no input may produce: a crash, a hang, or an altered input accepted. */
export class FuzzFailure extends Error {
  override readonly name = 'FuzzFailure';
}

export interface FuzzSpec<T> {
  name: string;
  /** Arbitrary data and mutations of the real vectors. */
  inputs: fc.Arbitrary<T>;
  /** Feeds one input to the parser; returns when it accepted or properly rejected it, throws `FuzzFailure` otherwise. */
  run(input: T): unknown;
  /** The parser's own rejections (default: a CocoonError other than `internal`, or a ZodError); anything else thrown is a crash. */
  rejects?(e: unknown): boolean;
  /** Cases under `npm test` (default 2000); targets that verify signatures run fewer. */
  testRuns?: number;
  /** The longest one input may take, in ms (default 1000). */
  maxMs?: number;
  /** Whether each input runs a full signature verifier (about 1 ms or more each). */
  verifies?: boolean;
}

export interface FuzzTarget {
  name: string;
  inputs: fc.Arbitrary<unknown>;
  testRuns: number;
  maxMs: number;
  verifies: boolean;
  /** One input through the parser; rejects with a `FuzzFailure` describing what went wrong. */
  check(input: unknown): Promise<void>;
}

/** A typed rejection of the parser itself: never `internal`, never a TypeError or RangeError. */
export const ownRejection = (e: unknown): boolean => (e instanceof CocoonError && e.code !== 'internal') || e instanceof ZodError;
/** For functions that must never throw at all (`safeParse`, verifiers that report failed checks). */
export const neverThrows = (): boolean => false;

/** Whether a verifier accepted: true when it resolved, false on its own rejection; anything else propagates as a crash. */
export async function accepted(verification: Promise<unknown>): Promise<boolean> {
  try {
    await verification;
    return true;
  } catch (e) {
    if (ownRejection(e)) return false;
    throw e;
  }
}

/** CPU time this process has used (all its threads: WebCrypto's thread pool included), in ms. */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * The least time before an input that has not answered counts as a hang. A parser never waits on
 * anything but its own work, so only starvation by other processes (`npm run fuzz` runs at low
 * priority beside other work) makes an answer this late; too slow is judged by CPU time below.
 */
const HANG_MS = 60_000;

const describeError = (e: unknown): string =>
  e instanceof Error ? `${e.name}${e instanceof CocoonError ? ` ${e.code}` : ''}: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 6).join('\n')}` : String(e);

export function fuzzTarget<T>(spec: FuzzSpec<T>): FuzzTarget {
  const maxMs = spec.maxMs ?? 1000;
  const rejects = spec.rejects ?? ownRejection;
  return {
    name: spec.name,
    inputs: spec.inputs as fc.Arbitrary<unknown>,
    testRuns: spec.testRuns ?? 2000,
    maxMs,
    verifies: spec.verifies ?? false,
    async check(input) {
      const started = performance.now();
      const cpuStarted = cpuMs();
      const hangMs = Math.max(maxMs * 5, HANG_MS);
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const result = spec.run(input as T);
        if (result instanceof Promise) {
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new FuzzFailure(`${spec.name}: no answer within ${hangMs} ms (hang)`)), hangMs);
          });
          await Promise.race([result, timeout]);
        }
      } catch (e) {
        if (e instanceof FuzzFailure) throw e;
        if (!rejects(e)) throw new FuzzFailure(`${spec.name}: crash (not the parser's own rejection): ${describeError(e)}`, { cause: e });
      } finally {
        clearTimeout(timer);
      }
      const ms = performance.now() - started;
      // Too slow = more than maxMs of wall time AND of CPU time: an input that really costs that much
      // has both; a process starved by the scheduler only the first (only one input runs at a time,
      // so the process's CPU time over the input is the input's).
      if (ms > maxMs) {
        const cpu = cpuMs() - cpuStarted;
        if (cpu > maxMs) throw new FuzzFailure(`${spec.name}: one input took ${ms.toFixed(0)} ms, ${cpu.toFixed(0)} ms of CPU (limit ${maxMs} ms)`);
      }
    },
  };
}

export const fuzzSeed = (): number => (process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : FUZZ_SEED);

/**
 * Runs `target` for `numRuns` cases from the fixed seed; throws fast-check's report (seed, path and
 * the shrunk counterexample) on the first failure.
 */
export async function assertFuzz(target: FuzzTarget, numRuns = target.testRuns): Promise<void> {
  await fc.assert(
    fc.asyncProperty(target.inputs, (x) => target.check(x)),
    { seed: fuzzSeed(), numRuns },
  );
}

export const FuzzReportSchema = z.object({
  name: z.string(),
  inputs: z.number(),
  ms: z.number(),
  failures: z.number(),
  verifies: z.boolean(),
  /** fast-check's report of the first failure, shrunk, replayable with its seed and path. */
  firstFailure: z.string().optional(),
});
/** What one target's run reports (a worker prints it as one JSON line for `npm run fuzz`). */
export type FuzzReport = z.infer<typeof FuzzReportSchema>;

/** `npm run fuzz`: up to `runs` inputs within `seconds`; counts failures instead of stopping at the first. */
export async function runFuzz(target: FuzzTarget, opts: { runs: number; seconds: number; seed: number; progressEveryS?: number }): Promise<FuzzReport> {
  let inputs = 0;
  let failures = 0;
  let firstIndex: number | undefined;
  const started = performance.now();
  let lastProgress = started;
  // Parsers reject most mutants by throwing, and capturing a stack trace is most of a rejection's
  // cost (x509.der throws hundreds per input). Nothing checks stacks, so the loop runs without
  // them; the replay below, which reports the first failure, runs with them.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    await fc.check(
      fc.asyncProperty(target.inputs, async (x) => {
        const index = inputs++;
        if (opts.progressEveryS && index % 1000 === 0 && performance.now() - lastProgress > opts.progressEveryS * 1000) {
          lastProgress = performance.now();
          const s = (lastProgress - started) / 1000;
          console.error(`FUZZ ${target.name}: ${index.toLocaleString('en-US')} inputs after ${s.toFixed(0)} s (${Math.round(index / s).toLocaleString('en-US')}/s), ${failures} failures`);
        }
        try {
          await target.check(x);
        } catch (e) {
          failures++;
          firstIndex ??= index;
          // Said at once (the shrunk report comes at the end): a long run shows its findings as they happen.
          if (failures <= 5) console.error(`FUZZ ${target.name}: input #${index} failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      }),
      { seed: opts.seed, numRuns: opts.runs, ...(Number.isFinite(opts.seconds) ? { interruptAfterTimeLimit: opts.seconds * 1000 } : {}), markInterruptAsFailure: false },
    );
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  const ms = performance.now() - started;
  const report: FuzzReport = { name: target.name, inputs, ms, failures, verifies: target.verifies };
  if (firstIndex !== undefined) {
    // The same seed generates the same inputs: replay up to the first failure and let fast-check shrink it.
    const details = await fc.check(fc.asyncProperty(target.inputs, (x) => target.check(x)), {
      seed: opts.seed,
      numRuns: firstIndex + 1,
      interruptAfterTimeLimit: 60_000,
    });
    const error = details.errorInstance instanceof Error ? details.errorInstance.message : '';
    report.firstFailure = details.failed ? `${fc.defaultReportMessage(details) ?? ''}\n${error}` : 'failed, but did not fail again on replay';
  }
  return report;
}
