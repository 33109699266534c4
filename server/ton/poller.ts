import type { FastifyBaseLogger } from 'fastify';

export interface PollerOptions<T> {
  name: string;
  log: FastifyBaseLogger;
  intervalMs: number;
  round: () => Promise<T>;
  /** True when the round did something and the next one should run at once. */
  again?: (result: T) => boolean;
}

/** Runs `round` every `intervalMs` while started; rounds never overlap; `stop` waits for the running one. */
export class Poller<T> {
  private running: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(private readonly opts: PollerOptions<T>) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Runs a round soon (after the current one), e.g. after a new payout was recorded. */
  poke(): void {
    if (!this.stopped) this.schedule(0);
  }

  /** One round, after the current one. */
  once(): Promise<T> {
    const round = this.running.then(() => this.opts.round());
    this.running = round.catch(() => undefined);
    return round;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      let next = this.opts.intervalMs;
      this.once()
        .then((r) => {
          if (this.opts.again?.(r)) next = 0;
        })
        .catch((err: unknown) => this.opts.log.warn({ err }, `${this.opts.name}: round failed`))
        .finally(() => this.stopped || this.schedule(next));
    }, delayMs);
    this.timer.unref();
  }
}
