/** What each party may have parsed per second: a token bucket of bytes. */
export interface InboundBudget {
  bytesPerS: number;
  burstBytes: number;
}

interface Task {
  run(): void;
  /** Bytes charged to the key's budget; only metered tasks are charged or held back. */
  cost: number;
  metered: boolean;
}

/** How often buckets that have refilled and have nothing waiting are forgotten. */
const PRUNE_EVERY_MS = 10_000;

/**
 * Shares the broker's event loop between the parties behind its sockets. Sockets submit "handle
 * my next message" under a key (a user, a host, or before authentication the peer's address);
 * each turn, one `setImmediate` after the sockets' I/O, runs one task per key, round-robin, so a
 * user flooding from many sockets gets one message per turn like any other user. Metered keys
 * (users and unauthenticated peers, not hosts) also spend a token bucket of bytes: a key in debt
 * is skipped until it has refilled, its sockets' queues fill and they are paused, so what one
 * party makes the broker parse (and allocate, and collect) per second is bounded whatever it sends.
 * A message larger than the bucket still goes through (the bucket goes into debt), so the budget
 * never refuses a frame the frame limits allow.
 */
export class FairDispatcher {
  private readonly ready = new Map<string, Task[]>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private scheduled = false;
  private wake: NodeJS.Timeout | undefined;
  private prunedAt: number;

  constructor(
    private readonly budget: InboundBudget,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.prunedAt = now();
  }

  submit(key: string, run: () => void, cost = 0, metered = false): void {
    const task = { run, cost, metered };
    const tasks = this.ready.get(key);
    if (tasks) tasks.push(task);
    else this.ready.set(key, [task]);
    this.schedule();
  }

  /** Keys with work waiting. */
  get pendingKeys(): number {
    return this.ready.size;
  }

  /** Bytes `key` may still have parsed before it waits (negative: in debt). */
  tokens(key: string): number {
    return this.bucket(key).tokens;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.turn);
  }

  private bucket(key: string): { tokens: number; at: number } {
    const now = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.budget.burstBytes, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.budget.burstBytes, b.tokens + ((now - b.at) * this.budget.bytesPerS) / 1000);
    b.at = now;
    return b;
  }

  private readonly turn = (): void => {
    this.scheduled = false;
    let ran = false;
    let waitMs = Infinity;
    try {
      // A snapshot: a task that submits again (its socket has more) runs in a later turn.
      for (const [key, tasks] of [...this.ready]) {
        const task = tasks[0];
        if (!task) continue;
        if (task.metered) {
          const b = this.bucket(key);
          if (b.tokens <= 0) {
            waitMs = Math.min(waitMs, (-b.tokens * 1000) / this.budget.bytesPerS);
            continue;
          }
          b.tokens -= task.cost;
        }
        tasks.shift();
        if (tasks.length === 0) this.ready.delete(key);
        ran = true;
        task.run();
      }
    } finally {
      // More waiting: the next turn at once if anything could run, else when the first debt is paid.
      if (this.ready.size > 0) {
        if (ran || waitMs === Infinity) this.schedule();
        else this.wakeIn(waitMs);
      }
      this.prune();
    }
  };

  private wakeIn(ms: number): void {
    clearTimeout(this.wake);
    this.wake = setTimeout(() => {
      this.wake = undefined;
      this.schedule();
    }, Math.ceil(ms) + 1);
    this.wake.unref();
  }

  private prune(): void {
    const now = this.now();
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    for (const [key] of this.buckets) if (!this.ready.has(key) && this.bucket(key).tokens >= this.budget.burstBytes) this.buckets.delete(key);
  }
}
