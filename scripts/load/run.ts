import { Driver, type DriverPlan, type PhaseFigures, type RampFigures } from './driver';
import type { LoadTarget } from './target';

/** One relay under load: its driver and target, and what was measured of it. */
export class TargetRun {
  ramp?: RampFigures;
  hold?: { figures: PhaseFigures; held: number };
  /** The saturation windows, each taken while the other relay was idle. */
  readonly windows: PhaseFigures[] = [];
  finish?: { finished: number; seconds: number };
  /** Streams each saturation window used (the same for the relays compared). */
  saturatedStreams = 0;

  private constructor(
    readonly name: string,
    readonly requested: number,
    readonly driver: Driver,
    readonly target: LoadTarget,
  ) {}

  static async start(name: string, plan: DriverPlan, start: (driver: Driver) => Promise<LoadTarget>): Promise<TargetRun> {
    let target: LoadTarget | undefined;
    const driver = new Driver(plan, () => target!);
    try {
      target = await start(driver);
    } catch (e) {
      driver.stop();
      throw e;
    }
    return new TargetRun(name, plan.streams, driver, target);
  }

  /** This relay's saturation windows together. */
  get saturated(): PhaseFigures | undefined {
    return aggregate(this.windows);
  }

  /** The bare relay paced with as many streams as this relay held, right after this relay's hold. */
  bareHold?: { figures: PhaseFigures; held: number };

  /** The bare relay's windows alternating with this relay's (same streams, same minutes). */
  readonly bareWindows: PhaseFigures[] = [];

  get bareSaturated(): PhaseFigures | undefined {
    return aggregate(this.bareWindows);
  }

  get held(): number {
    return this.hold?.held ?? 0;
  }

  /** (RSS at the end of the hold − RSS before the first stream) / streams held. */
  get memoryPerStreamBytes(): number {
    if (!this.ramp || !this.hold || this.hold.held === 0) return NaN;
    return (this.hold.figures.rssBytes - this.ramp.baselineRssBytes) / this.hold.held;
  }

  private closed = false;

  /** Stops the driver, closes the sockets and the relay's own processes; once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.driver.stop();
    await this.target.close();
  }
}

/** Windows together: chunks over their summed time; latency and CPU as each window's median. */
function aggregate(w: PhaseFigures[]): PhaseFigures | undefined {
  if (w.length === 0) return undefined;
  const median = (f: (p: PhaseFigures) => number) => w.map(f).sort((a, b) => a - b)[Math.floor(w.length / 2)]!;
  const seconds = w.reduce((n, p) => n + p.seconds, 0);
  const chunks = w.reduce((n, p) => n + p.chunks, 0);
  return { seconds, chunks, chunksPerS: chunks / seconds, p50Ms: median((p) => p.p50Ms), p99Ms: median((p) => p.p99Ms), cores: median((p) => p.cores), rssBytes: Math.max(...w.map((p) => p.rssBytes)) };
}

/**
 * Saturation, alternating: `rounds` times a window of `ms` for the relay and for the bare relay
 * in turn while the other is idle, so that both see the same machine (this one is shared) within
 * seconds of each other, each with the same number of streams.
 */
export async function alternateSaturation(run: TargetRun, bare: TargetRun, rounds: number, ms: number): Promise<void> {
  const count = Math.min(run.driver.streaming, bare.driver.streaming);
  run.saturatedStreams = count;
  for (let r = 0; r < rounds; r++) {
    const bareFirst = r % 2 === 1;
    if (bareFirst) run.bareWindows.push(await bare.driver.saturate(ms, count));
    run.windows.push(await run.driver.saturate(ms, count));
    if (!bareFirst) run.bareWindows.push(await bare.driver.saturate(ms, count));
  }
}
