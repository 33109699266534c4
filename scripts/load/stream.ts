/**
 * One simulated answer stream as the load driver sees it: a job from a client through a relay to
 * a host, whose chunks the host side sends and the client side receives. Latency is measured in
 * this one process, from just before the host side's `send` to the client side's `message` event.
 */
export class Stream {
  /** Next chunk seq the host side sends. */
  nextSeq = 0;
  /** Chunks the client side received (non-final). */
  received = 0;
  /** Send times of chunks in flight, oldest first (relays keep a stream's order). */
  private readonly sentAt: number[] = [];
  /** The relay asked the host to stop sending (backpressure: job.pause), until job.resume. */
  paused = false;
  /** Sending one chunk per interval (all streams as they open; a chosen number while holding). */
  pacing = false;
  /** Chosen for the current saturation window. */
  saturating = false;
  state: 'new' | 'opening' | 'streaming' | 'finishing' | 'done' | 'failed' = 'new';
  /** Why it failed: a stable error code or a short reason. */
  failure?: string;

  constructor(
    readonly jobId: string,
    readonly hostIndex: number,
    readonly clientIndex: number,
  ) {}

  get inFlight(): number {
    return this.sentAt.length;
  }

  /** Records a send; returns the seq to put in the frame. */
  sent(now: number): number {
    this.sentAt.push(now);
    return this.nextSeq++;
  }

  /** Records a chunk's arrival; returns its latency in ms, or undefined for a chunk out of order. */
  arrived(seq: number, now: number): number | undefined {
    if (seq !== this.received) return undefined;
    this.received++;
    const t = this.sentAt.shift();
    return t === undefined ? undefined : now - t;
  }
}

/** Latency samples with a fixed memory bound: reservoir sampling (Vitter's algorithm R) past capacity. */
export class LatencyRecorder {
  private readonly samples: Float64Array;
  private n = 0;

  constructor(capacity = 200_000) {
    this.samples = new Float64Array(capacity);
  }

  get count(): number {
    return this.n;
  }

  add(ms: number): void {
    const cap = this.samples.length;
    if (this.n < cap) this.samples[this.n] = ms;
    else {
      const j = Math.floor(Math.random() * (this.n + 1));
      if (j < cap) this.samples[j] = ms;
    }
    this.n++;
  }

  /** The q-quantile (0..1) of what was recorded, NaN when nothing was. */
  quantile(q: number): number {
    const kept = this.samples.slice(0, Math.min(this.n, this.samples.length)).sort();
    if (kept.length === 0) return NaN;
    return kept[Math.min(kept.length - 1, Math.floor(q * kept.length))]!;
  }
}
