import type { WebSocket } from 'ws';

/** How often a congested socket's unread bytes are looked at again: ws emits no event when `bufferedAmount` falls. */
const RECHECK_MS = 5;

export interface BackpressureMarks {
  /** Unread bytes above which the socket is congested: its streams are paused at their source. */
  high: number;
  /** Unread bytes at or below which a congested socket is clear again: its streams resume. */
  low: number;
}

/**
 * The marks for a socket whose slow-consumer bound (terminate) is `maxBufferedBytes`: pausing starts
 * at a quarter of it, so chunks already on their way from the host (a host sees `job.pause` one
 * round trip late) fit below the bound; resuming at a sixteenth keeps a reader that is merely
 * slower than the host fed without flapping between the two.
 */
export const backpressureMarks = (maxBufferedBytes: number): BackpressureMarks => ({ high: Math.floor(maxBufferedBytes / 4), low: Math.floor(maxBufferedBytes / 16) });

/**
 * Watches what a socket's peer leaves unread, so a slow reader slows its own streams and never the
 * broker: `check()` after each send; past `high` it calls `onChange(true)` once, then looks again
 * every few ms until the peer has read down to `low`, and calls
 * `onChange(false)`. The broker's memory for the reader stays near `high` plus what is in flight.
 */
export class Backpressure {
  private congested = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly marks: BackpressureMarks,
    private readonly onChange: (congested: boolean) => void,
  ) {
    socket.once('close', () => this.stop());
  }

  get isCongested(): boolean {
    return this.congested;
  }

  check(): void {
    if (this.congested || this.socket.bufferedAmount <= this.marks.high || this.socket.readyState !== this.socket.OPEN) return;
    this.congested = true;
    this.timer = setInterval(this.recheck, RECHECK_MS);
    this.timer.unref();
    this.onChange(true);
  }

  private readonly recheck = (): void => {
    if (this.socket.readyState !== this.socket.OPEN) return this.stop();
    if (this.socket.bufferedAmount > this.marks.low) return;
    this.stop();
    this.onChange(false);
  };

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.congested = false;
  }
}
