import type { ResponseSealer } from '@cocoon/shared/crypto/response-stream';
import { encodeChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import type { ChunkPayload } from '@cocoon/shared/protocol/jobs';
import { ResponseDigest } from '@cocoon/shared/receipt';

/**
 * How long engine deltas that follow the first are gathered into one sealed chunk. An engine
 * streams a token every millisecond or so; sealing, framing and relaying each one alone costs the
 * host, the broker and the client more than the token, and the decode rate falls. 2 ms keeps the
 * delay a reader could notice far below a frame of video while cutting the chunks 2-3 fold at that
 * pace; the first token goes at once (time to first token) and the rest at the end of the answer.
 */
export const COALESCE_WINDOW_MS = 2;
/** A frame's `pieces` is a u16: a chunk gathering this many deltas goes at once. */
const MAX_PIECES = 0xffff;

/**
 * Backpressure for one job: the broker says `job.pause` when the job's reader has too much unread
 * and `job.resume` when it caught up. While paused the job neither sends chunks nor reads its
 * engine stream (the engine is held back by its own HTTP stream); the host's other jobs go on.
 * An aborted job is never held here.
 */
export class JobGate {
  private paused = false;
  private waiters: (() => void)[] = [];

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener('abort', () => this.open(), { once: true });
  }

  get isPaused(): boolean {
    return this.paused;
  }

  pause(): void {
    if (!this.signal.aborted) this.paused = true;
  }

  resume(): void {
    this.open();
  }

  /** Resolves at once unless paused; then once resumed or aborted. */
  wait(): Promise<void> | undefined {
    if (!this.paused) return undefined;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private open(): void {
    this.paused = false;
    this.waiters.splice(0).forEach((w) => w());
  }
}

/**
 * A job's answer on its way out: engine deltas in, sealed chunk frames out, in order. The first
 * text delta is sealed and sent at once; the ones after it that arrive within `windowMs` of the
 * first waiting one go as one `{ type: 'delta' }` chunk whose frame counts them in `pieces`. A tool
 * call is never merged with text or another call. The response digest and the pieces sent (what a
 * cancelled receipt may bill) cover exactly the chunks sent.
 */
export class ChunkStream {
  readonly digest = new ResponseDigest();
  /** Engine deltas in the answer chunks sent so far. */
  sentPieces = 0;
  private started = false;
  private pendingText = '';
  private pendingPieces = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Seal-and-send steps run one after another: seq order is send order. */
  private tail: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly jobId: string,
    private readonly sealer: ResponseSealer,
    private readonly sendFrame: (frame: Uint8Array) => void,
    private readonly gate: JobGate,
    private readonly windowMs = COALESCE_WINDOW_MS,
  ) {}

  /** An engine text delta. */
  text(text: string): void {
    if (!this.started) {
      this.started = true;
      return this.enqueue({ type: 'delta', text }, 1);
    }
    this.pendingText += text;
    this.pendingPieces++;
    if (this.pendingPieces >= MAX_PIECES) return this.flushPending();
    this.timer ??= setTimeout(() => this.flushPending(), this.windowMs);
  }

  /** An engine tool-call delta: after the text before it, in a chunk of its own. */
  toolCall(piece: Extract<ChunkPayload, { type: 'tool_call' }>): void {
    this.started = true;
    this.flushPending();
    this.enqueue(piece, 1);
  }

  /** Sends what is gathered; resolves once every answer chunk is sent (and `digest` covers them all). */
  async flush(): Promise<void> {
    this.flushPending();
    await this.sent();
  }

  /** Sends what is gathered and the final chunk (`end` or `error`); resolves once all are sent. */
  async finish(payload: Extract<ChunkPayload, { type: 'end' | 'error' }>): Promise<void> {
    this.flushPending();
    this.enqueue(payload, 0, true);
    await this.sent();
  }

  /** Cancelled: what is gathered and not sent is dropped (never seen, never billed); resolves once the rest is sent. */
  async drop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pendingText = '';
    this.pendingPieces = 0;
    await this.sent();
  }

  private async sent(): Promise<void> {
    await this.tail;
    if (this.failure !== undefined) throw this.failure;
  }

  private flushPending(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pendingPieces === 0) return;
    const payload: ChunkPayload = { type: 'delta', text: this.pendingText };
    const pieces = this.pendingPieces;
    this.pendingText = '';
    this.pendingPieces = 0;
    this.enqueue(payload, pieces);
  }

  private enqueue(payload: ChunkPayload, pieces: number, final = false): void {
    const step = async () => {
      if (this.failure !== undefined) return;
      await this.gate.wait();
      const chunk = await this.sealer.seal(payload, final);
      if (!final) {
        this.digest.updateSync(chunk);
        this.sentPieces += pieces;
      }
      this.sendFrame(encodeChunkFrame({ jobId: this.jobId, ...chunk, pieces }));
    };
    // A failure (sealing cannot fail short of a bug) is kept for finish/drop to throw, never left unhandled.
    this.tail = this.tail.then(step).catch((e: unknown) => void (this.failure ??= e));
  }
}
