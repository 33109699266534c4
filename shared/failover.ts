/**
 * Failover before the first token (ARCHITECTURE.md, "Storage and scale", Scheduling): the broker
 * lists a few hosts best first; the client (Mini App, developer proxy) verifies and seals to the
 * first and, when that job fails before its first answer piece for a reason that is the host's,
 * seals anew to the next with a new job id. One decision, shared by both clients.
 *
 * @example
 * shouldFailOver({ code: 'host.busy', answered: false, attempts: 1, cancelled: false }) // true
 * shouldFailOver({ code: 'ledger.insufficient_credits', answered: false, attempts: 1, cancelled: false }) // false
 */

/** Jobs sent for one user message at most (hosts that fail verification are skipped, not counted). */
export const MAX_HOST_ATTEMPTS = 3;

/**
 * How long a client waits for `job.start` before it cancels the job and tries the next host: the
 * host sends it as soon as it has opened the request, before its engine runs.
 */
export const START_TIMEOUT_MS = 10_000;

/**
 * Failures that are the host's (or its broker's), not the request's: another host may answer.
 * Attestation failures count too (a host whose evidence no longer verifies), except the
 * operator policy's, which is the same for every host.
 */
const HOST_FAILURES: ReadonlySet<string> = new Set([
  'job.host_gone',
  'job.broker_gone',
  'job.timeout',
  'job.model_unavailable',
  'host.busy',
  'host.not_found',
  'engine.unavailable',
  'engine.stream_failed',
  'engine.model_not_found',
  // The host could not open the request: it restarted with new keys, or offers no key for the suite.
  'envelope.open_failed',
  'envelope.suite_unsupported',
]);

/**
 * Whether `code` is a host-side or capacity failure. Never the user's own: credits, their price
 * cap, rate limits, auth, a cancel, a request the engine refuses, or a tampered answer.
 */
export function isHostFailure(code: string): boolean {
  return HOST_FAILURES.has(code) || (code.startsWith('attestation.') && !code.startsWith('attestation.policy_'));
}

export interface FailedAttempt {
  code: string;
  /** An answer piece (a delta or a tool call) of this job reached the user: it is theirs now. */
  answered: boolean;
  /** Jobs sent for this message so far, the failed one included. */
  attempts: number;
  /** The user stopped it (or went away). */
  cancelled: boolean;
}

/** Whether to seal the same message to the next listed host. */
export function shouldFailOver(f: FailedAttempt): boolean {
  return !f.answered && !f.cancelled && f.attempts < MAX_HOST_ATTEMPTS && isHostFailure(f.code);
}
