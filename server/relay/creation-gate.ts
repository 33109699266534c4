/**
 * One job creation at a time per user, in memory, before the database is touched. Each creation
 * locks the user's account row; without this, a user's parallel `job.create`s (from many sockets)
 * would each take a pooled connection only to wait on that row lock, and a few such users would
 * hold the whole pool while everyone else's jobs queued behind them. Waiting here holds nothing:
 * the waiters are the user's own jobs, at most their concurrent-job cap (server/relay/job-slots.ts).
 */
export class CreationGate {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `fn` after the user's earlier creations have finished, whatever their outcome. */
  async run<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    const before = this.tails.get(userId) ?? Promise.resolve();
    let done: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => (done = resolve));
    this.tails.set(userId, mine);
    try {
      await before;
      return await fn();
    } finally {
      done();
      if (this.tails.get(userId) === mine) this.tails.delete(userId);
    }
  }

  /** Users with a creation running or waiting. */
  get size(): number {
    return this.tails.size;
  }
}
