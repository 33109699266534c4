/**
 * The reliability score (issue 11): one number 0..1 per machine, shown to its owner on the
 * Machines screen and used by the scheduler to prefer machines that stay online, finish their jobs
 * and answer quickly. One pure function, so the screen and the scheduler never disagree.
 */

export interface ReliabilityInput {
  /** Fraction 0..1 of the last 7 days the machine was online; null when it did not exist yet. */
  uptimeWeek: number | null;
  /** Jobs that ended on the machine in the last 30 days (settled or failed by the machine). */
  jobs: number;
  /** Of those, the ones the machine failed (lost, timed out, engine errors, bad receipts). */
  failures: number;
  /** Median time to first token over those jobs, ms; null without any. */
  medianTtftMs: number | null;
}

export interface Reliability {
  score: number;
  /** One line: what would raise the score most. */
  hint: string;
}

/** How much each part weighs; they sum to 1. */
export const RELIABILITY_WEIGHTS = { uptime: 0.5, success: 0.3, ttft: 0.2 } as const;
/** What a part with no history counts as: a new machine starts in the middle. */
export const NEUTRAL = 0.5;
/** A first token this fast scores full marks; this slow, none (linear between). */
export const TTFT_GOOD_MS = 1_000;
export const TTFT_BAD_MS = 10_000;

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const percent = (x: number) => `${Math.round(x * 100)} %`;

/**
 * @example reliabilityScore({ uptimeWeek: 0.62, jobs: 40, failures: 0, medianTtftMs: 800 })
 *   // { score: 0.80…, hint: 'Stay online: 7-day uptime is 62 %' }
 */
export function reliabilityScore(input: ReliabilityInput): Reliability {
  const uptime = input.uptimeWeek === null ? NEUTRAL : clamp01(input.uptimeWeek);
  // Laplace's rule: no jobs is 1/2, and a few jobs move it only a little either way.
  const jobs = Math.max(0, input.jobs);
  const failures = Math.min(jobs, Math.max(0, input.failures));
  const success = (jobs - failures + 1) / (jobs + 2);
  const ttft = input.medianTtftMs === null ? NEUTRAL : clamp01((TTFT_BAD_MS - input.medianTtftMs) / (TTFT_BAD_MS - TTFT_GOOD_MS));
  const w = RELIABILITY_WEIGHTS;
  const score = clamp01(w.uptime * uptime + w.success * success + w.ttft * ttft);
  return { score: Math.round(score * 1000) / 1000, hint: hintFor(input, { uptime, success, ttft }) };
}

function hintFor(input: ReliabilityInput, parts: { uptime: number; success: number; ttft: number }): string {
  if (input.uptimeWeek === null && input.jobs === 0) return 'New machine: the score grows as it stays online and serves jobs';
  const w = RELIABILITY_WEIGHTS;
  // The part with the most to gain, weighted: that is what raises the score most.
  const gains = [
    { gain: w.uptime * (1 - parts.uptime), hint: input.uptimeWeek === null ? 'Stay online: uptime counts from the first connection' : `Stay online: 7-day uptime is ${percent(input.uptimeWeek)}` },
    {
      gain: w.success * (1 - parts.success),
      hint:
        input.failures === 0
          ? 'Serve jobs: the score trusts a longer record of finished jobs'
          : `Finish jobs: ${input.failures} of ${input.jobs} failed in 30 days`,
    },
    {
      gain: w.ttft * (1 - parts.ttft),
      hint: input.medianTtftMs === null ? 'Answer jobs: time to first token counts once there are some' : `Answer sooner: median time to first token is ${(input.medianTtftMs / 1000).toFixed(1)} s`,
    },
  ].sort((a, b) => b.gain - a.gain);
  const best = gains[0]!;
  return best.gain < 0.02 ? 'Keep it up: online, finishing its jobs and answering fast' : best.hint;
}
