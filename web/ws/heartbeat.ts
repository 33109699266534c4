/** Quiet this long, the Mini App asks the broker for a sign of life (`ping`). */
export const HEARTBEAT_IDLE_MS = 5_000;
/** After a ping, nothing heard for this long means the connection is dead: at most ~10 s from the last frame. */
export const HEARTBEAT_TIMEOUT_MS = 5_000;

export interface HeartbeatOptions {
  idleMs?: number;
  timeoutMs?: number;
  /** Sends the app-level `ping` (shared/protocol/ws-messages.ts). */
  ping(): void;
  /** Nothing was heard within `timeoutMs` of a ping: the connection vanished without a close. */
  onDead(): void;
  now?: () => number;
}

/**
 * Notices a WebSocket that died silently. Browsers answer the broker's protocol pings by
 * themselves but never tell the page about them, and a connection dropped without a close frame
 * (a phone changing networks, a NAT forgetting it) stays "open" for minutes. So the page pings at
 * the app level when the socket has been quiet for `idleMs`, and gives up `timeoutMs` later if
 * nothing at all arrived. Any frame counts as a sign of life: a streaming answer needs no pings.
 * Receiving a frame only records the time (no timer churn per chunk).
 */
export class Heartbeat {
  private readonly idleMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private lastHeard = 0;
  /** When the unanswered ping went out; null when none is pending. */
  private pingedAt: number | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: HeartbeatOptions) {
    this.idleMs = options.idleMs ?? HEARTBEAT_IDLE_MS;
    this.timeoutMs = options.timeoutMs ?? HEARTBEAT_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
  }

  /** Starts watching (the socket just authenticated): it counts as heard now. */
  start(): void {
    this.stop();
    this.lastHeard = this.now();
    this.schedule(this.idleMs);
  }

  /** A frame arrived. */
  heard(): void {
    this.lastHeard = this.now();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pingedAt = null;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => this.check(), Math.max(0, ms));
  }

  private check(): void {
    const now = this.now();
    if (this.pingedAt !== null) {
      if (this.lastHeard >= this.pingedAt) this.pingedAt = null;
      // The timer fired far later than asked: the page was frozen or throttled in the background,
      // and the answer may be queued behind this timer. Ask again rather than drop a live socket.
      else if (now - this.pingedAt > 2 * this.timeoutMs) return this.ping(now);
      else return this.options.onDead();
    }
    const quiet = now - this.lastHeard;
    if (quiet < this.idleMs) return this.schedule(this.idleMs - quiet);
    this.ping(now);
  }

  private ping(now: number): void {
    this.pingedAt = now;
    this.options.ping();
    this.schedule(this.timeoutMs);
  }
}
