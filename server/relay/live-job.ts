import type { JobMeta } from '@cocoon/shared/protocol/jobs';
import { ResponseDigest } from '@cocoon/shared/receipt';
import type { OnlineHost } from '../hosts/registry';
import type { ClientLink } from './relay';

/** What the broker tracks of a job in flight: who, where, and the digests the receipt must match. */
export class LiveJob {
  readonly response = new ResponseDigest();
  /** Seq of the next chunk the host may send. */
  nextSeq = 0;
  started = false;
  finalSeen = false;
  cancelRequested = false;
  lastActivity: number;

  constructor(
    readonly meta: JobMeta,
    readonly client: ClientLink,
    readonly host: OnlineHost,
    readonly hold: bigint,
    /** Byte length of the sealed request's ciphertext: bounds the receipt's prompt tokens. */
    readonly requestBytes: number,
    readonly requestDigest: string,
    now: number,
    /** The host's price coefficient when the job was held: an owner's change applies from the next job. */
    readonly priceCoefficientMilli: number = host.priceCoefficientMilli,
  ) {
    this.lastActivity = now;
  }

  get jobId(): string {
    return this.meta.jobId;
  }

  /** Non-final chunks relayed: the answer's deltas, one or more tokens each. */
  get answerChunks(): number {
    return this.nextSeq - (this.finalSeen ? 1 : 0);
  }
}
