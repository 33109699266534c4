import { setTimeout as sleep } from 'node:timers/promises';
import { coresUsed, sampleProcs, type ProcSample } from './proc-usage';
import { LatencyRecorder, Stream } from './stream';
import { failureCode, type LoadTarget, type StreamEvents } from './target';

/** How one relay is loaded. */
export interface DriverPlan {
  streams: number;
  streamsPerHost: number;
  streamsPerUser: number;
  chunkIntervalMs: number;
  /** Chunks each stream may have in flight while saturating. */
  window: number;
  /** Job opens in flight at once while ramping up. */
  openConcurrency: number;
}

/** The figures of one measured phase. */
export interface PhaseFigures {
  seconds: number;
  chunks: number;
  chunksPerS: number;
  p50Ms: number;
  p99Ms: number;
  /** The relay's CPU over the phase, in cores (1.0 = one core busy). */
  cores: number;
  rssBytes: number;
}

export interface RampFigures {
  opened: number;
  seconds: number;
  /** From the client's job.create to the host's job.start reaching the client. */
  openP50Ms: number;
  openP99Ms: number;
  cores: number;
  /** The relay's RSS before the first stream. */
  baselineRssBytes: number;
}

const TICK_MS = 10;
/** A paced stream with this many chunks in flight skips its turn: the relay is not keeping up. */
const PACED_MAX_IN_FLIGHT = 8;

/**
 * Drives one target through phases the caller sequences: ramp up (each stream paced from the
 * moment it starts: one chunk per interval), hold (all paced, measured), saturate windows (each
 * stream keeps `window` chunks in flight, sending the next as one arrives), idle between, finish.
 */
export class Driver implements StreamEvents {
  private mode: 'paced' | 'saturate' | 'idle' = 'idle';
  private chunks = 0;
  private latency = new LatencyRecorder();
  private readonly opens = new LatencyRecorder(50_000);
  outOfOrder = 0;
  skippedSends = 0;
  readonly failures = new Map<string, number>();
  private readonly streams: Stream[];
  private readonly buckets: Stream[][];
  private readonly ticker: NodeJS.Timeout;
  private readonly t0 = performance.now();
  private lastTick = 0;

  constructor(
    private readonly plan: DriverPlan,
    private readonly target: () => LoadTarget,
  ) {
    this.streams = Array.from({ length: plan.streams }, (_, i) => new Stream(crypto.randomUUID(), Math.floor(i / plan.streamsPerHost), Math.floor(i / plan.streamsPerUser)));
    this.buckets = Array.from({ length: Math.max(1, Math.round(plan.chunkIntervalMs / TICK_MS)) }, () => []);
    this.ticker = setInterval(() => this.tick(), TICK_MS);
  }

  chunk(s: Stream, seq: number): void {
    const ms = s.arrived(seq, performance.now());
    if (ms === undefined) this.outOfOrder++;
    else {
      this.chunks++;
      this.latency.add(ms);
    }
    if (this.mode === 'saturate' && s.saturating) this.fill(s);
  }

  resumed(s: Stream): void {
    if (this.mode === 'saturate' && s.saturating) this.fill(s);
  }

  failed(s: Stream, code: string): void {
    if (s.state === 'done' || s.state === 'failed') return;
    s.state = 'failed';
    s.failure = code;
    this.failures.set(code, (this.failures.get(code) ?? 0) + 1);
  }

  get streaming(): number {
    return this.streams.filter((s) => s.state === 'streaming').length;
  }

  /** Opens streams `openConcurrency` at a time until all are open or `ms` have passed; they stream paced as they open. */
  async ramp(ms: number): Promise<RampFigures> {
    const t = this.target();
    const a = sampleProcs(t.pids);
    const deadline = performance.now() + ms;
    this.mode = 'paced';
    let next = 0;
    const worker = async () => {
      while (next < this.streams.length && performance.now() < deadline) {
        const i = next++;
        const s = this.streams[i]!;
        s.state = 'opening';
        try {
          const at = performance.now();
          await t.open(s);
          this.opens.add(performance.now() - at);
          if (s.state !== 'opening') continue;
          s.state = 'streaming';
          s.pacing = true;
          this.buckets[i % this.buckets.length]!.push(s);
        } catch (e) {
          this.failed(s, failureCode(e));
        }
      }
    };
    await Promise.all(Array.from({ length: this.plan.openConcurrency }, worker));
    const b = sampleProcs(t.pids);
    return { opened: this.streaming, seconds: (b.atMs - a.atMs) / 1000, openP50Ms: this.opens.quantile(0.5), openP99Ms: this.opens.quantile(0.99), cores: coresUsed(a, b), baselineRssBytes: a.rssBytes };
  }

  /**
   * The first `count` streaming streams paced for `ms` (after one interval, so each has sent; the
   * others idle): the figures, and how many streams received chunks throughout.
   */
  async hold(ms: number, count = this.streams.length): Promise<{ figures: PhaseFigures; held: number }> {
    const chosen = new Set(this.streams.filter((s) => s.state === 'streaming').slice(0, count));
    for (const s of this.streams) s.pacing = chosen.has(s);
    this.mode = 'paced';
    await sleep(this.plan.chunkIntervalMs);
    const before = this.streams.map((s) => s.received);
    const figures = await this.measure(ms);
    const held = this.streams.filter((s, i) => s.state === 'streaming' && s.received > before[i]!).length;
    this.mode = 'idle';
    await this.drain();
    return { figures, held };
  }

  /**
   * The first `count` streaming streams at their window for `ms` (the others idle); then idle,
   * once what is in flight has arrived (or half a second has passed).
   */
  async saturate(ms: number, count = this.streams.length): Promise<PhaseFigures> {
    const chosen = this.streams.filter((s) => s.state === 'streaming').slice(0, count);
    for (const s of chosen) s.saturating = true;
    const figures = await this.measure(ms, () => {
      this.mode = 'saturate';
      for (const s of chosen) this.fill(s);
    });
    for (const s of chosen) s.saturating = false;
    this.mode = 'idle';
    await this.drain();
    return figures;
  }

  /** Ends every streaming stream; returns how many ended cleanly (settled) within `ms`. */
  async finish(ms: number): Promise<{ finished: number; seconds: number }> {
    this.mode = 'idle';
    clearInterval(this.ticker);
    const t = this.target();
    const start = performance.now();
    let done = 0;
    const all = this.streams.filter((s) => s.state === 'streaming').map(async (s) => {
      s.state = 'finishing';
      try {
        await t.finish(s);
        s.state = 'done';
        done++;
      } catch (e) {
        this.failed(s, failureCode(e));
      }
    });
    await Promise.race([Promise.all(all), sleep(Math.max(0, ms), undefined, { ref: false })]);
    const unfinished = this.streams.filter((s) => s.state === 'finishing').length;
    if (unfinished > 0) this.failures.set('unfinished at the deadline', unfinished);
    return { finished: done, seconds: (performance.now() - start) / 1000 };
  }

  stop(): void {
    this.mode = 'idle';
    clearInterval(this.ticker);
  }

  /** Resets the counters, runs `start`, waits `ms`, and reads chunks, latency and the relay's CPU and memory. */
  private async measure(ms: number, start?: () => void): Promise<PhaseFigures> {
    const pids = this.target().pids;
    this.chunks = 0;
    this.latency = new LatencyRecorder();
    const a: ProcSample = sampleProcs(pids);
    start?.();
    await sleep(ms);
    const b = sampleProcs(pids);
    const seconds = (b.atMs - a.atMs) / 1000;
    return { seconds, chunks: this.chunks, chunksPerS: this.chunks / seconds, p50Ms: this.latency.quantile(0.5), p99Ms: this.latency.quantile(0.99), cores: coresUsed(a, b), rssBytes: b.rssBytes };
  }

  private async drain(maxMs = 500): Promise<void> {
    const until = performance.now() + maxMs;
    while (performance.now() < until && this.streams.some((s) => s.state === 'streaming' && s.inFlight > 0)) await sleep(20);
  }

  /** Paced mode: each tick, the streams of the due buckets send one chunk (catching up on late ticks). */
  private tick(): void {
    const due = Math.floor((performance.now() - this.t0) / TICK_MS);
    if (this.mode !== 'paced') {
      this.lastTick = due;
      return;
    }
    const t = this.target();
    for (; this.lastTick < due; this.lastTick++) {
      for (const s of this.buckets[this.lastTick % this.buckets.length]!) {
        if (s.state !== 'streaming' || s.paused || !s.pacing) continue;
        if (s.inFlight >= PACED_MAX_IN_FLIGHT) this.skippedSends++;
        else t.sendChunk(s);
      }
    }
  }

  private fill(s: Stream): void {
    if (s.state !== 'streaming') return;
    const t = this.target();
    while (!s.paused && s.inFlight < this.plan.window && s.state === 'streaming') t.sendChunk(s);
  }
}
