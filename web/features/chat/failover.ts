import { shouldFailOver } from '@cocoon/shared/failover';
import type { ChatRequest } from '@cocoon/shared/protocol/jobs';
import type { JobPricing } from './chat-state';
import type { ListedHost } from './use-verified-host';

/**
 * One user message on its way to a host (ARCHITECTURE.md, Scheduling): the job it is on now and
 * the hosts it may still go to. If the job fails before its first answer piece for a reason that
 * is the host's, the message is sealed anew to the next verified host, with a new job id, and the
 * user sees only the answer (shared/failover.ts decides when).
 */
export interface Turn {
  /** The job the message is on now: the assistant message's id. */
  jobId: string;
  model: string;
  request: ChatRequest;
  /** The pricing of the current host (its coefficient) under the user's cap. */
  pricing: JobPricing;
  /** Jobs sent for this message so far. */
  attempts: number;
  /** An answer piece of the current job reached the user: no other host may answer now. */
  answered: boolean;
  /** The user stopped the message. */
  cancelled: boolean;
  /** The hosts the broker listed after those tried, best first. */
  alternates: ListedHost[];
}

/** Whether a failure of the turn's current job hands the message to the next host. */
export function mayFailOver(turn: Turn, code: string): boolean {
  return turn.alternates.length > 0 && shouldFailOver({ code, answered: turn.answered, attempts: turn.attempts, cancelled: turn.cancelled });
}

/**
 * The next host to seal to: the first candidate `verify` passes (it fetches the bundle and checks
 * the attestation, null for a host gone offline); the ones skipped on the way are dropped. Null
 * when none is left. A host that failed attestation never gets the message.
 */
export async function nextHost<H extends { verification: { verified: boolean } }>(
  candidates: readonly ListedHost[],
  verify: (listed: ListedHost) => Promise<H | null>,
): Promise<{ host: H; rest: ListedHost[] } | null> {
  for (const [i, listed] of candidates.entries()) {
    const host = await verify(listed);
    if (host?.verification.verified) return { host, rest: candidates.slice(i + 1) };
  }
  return null;
}
