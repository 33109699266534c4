import type { ErrorCode } from '@cocoon/shared/errors';
import type { JobMeta } from '@cocoon/shared/protocol/jobs';
import { ResponseDigest } from '@cocoon/shared/receipt';
import type { OnlineHost } from '../hosts/registry';
import type { ClientLink } from './relay';

/** What the broker tracks of a job in flight: who, where, and the digests the receipt must match. */
export class LiveJob {
  readonly response = new ResponseDigest();
  /** Seq of the next chunk the host may send. */
  nextSeq = 0;
  /**
   * Engine deltas in the answer chunks relayed (each chunk frame's `pieces`): a cancelled answer
   * bills at most one token per piece (receipt-check.ts).
   */
  answerPieces = 0;
  started = false;
  finalSeen = false;
  cancelRequested = false;
  /** Its hold has committed: until then endings wait in `endAfterHold`. */
  held = false;
  /** Until the hold has committed and what the host sent before has been handled, what it sends waits in `waiting`, in order. */
  draining = true;
  /** The host has been sent the job. */
  forwarded = false;
  readonly waiting: (() => Promise<void>)[] = [];
  endAfterHold: { code: ErrorCode; message: string; cancelHost: boolean } | undefined;
  lastActivity: number;
  /**
   * Resolves once the host has answered the job (its first message or chunk) or the job is ending
   * before its hold: a job sent to its host before its hold places the hold then (in-process-relay.ts).
   */
  readonly answered: Promise<void>;
  /** Resolves `answered`; idempotent. */
  readonly markAnswered: () => void;

  constructor(
    readonly meta: JobMeta,
    readonly client: ClientLink,
    readonly host: OnlineHost,
    readonly hold: bigint,
    /** Byte length of the sealed request's ciphertext: bounds the receipt's prompt tokens. */
    readonly requestBytes: number,
    readonly requestDigest: string,
    /** When the broker opened the job (ms since the epoch): the start of its time to first token. */
    readonly openedAt: number,
    /** The host's price coefficient when the job was held: an owner's change applies from the next job. */
    readonly priceCoefficientMilli: number = host.priceCoefficientMilli,
  ) {
    this.lastActivity = openedAt;
    let resolve!: () => void;
    this.answered = new Promise<void>((r) => (resolve = r));
    this.markAnswered = resolve;
  }

  get jobId(): string {
    return this.meta.jobId;
  }
}
