import { reliabilityScore } from '../hosts/reliability';
import { exponential, seededRandom } from './random';
import { MAX_RANKED, rankHosts, type RandomSource, type SchedulableHost } from './scheduler';

/**
 * A discrete-event simulation of the scheduler (issue 13, item 2), in simulated time: hosts of mixed
 * speed, capacity, price and reliability; Poisson arrivals at a target utilisation; a client that
 * tries the ranked hosts in order as the real ones do (a full host answers `host.busy` at once, an
 * unreliable one may accept and fail before the first token, found out after FAIL_DETECT_S; all
 * refused: ask again after RETRY_S). Each policy runs on the same hosts and arrivals.
 */

export interface SimulationOptions {
  hosts: number;
  utilisation: number;
  /** Simulated seconds before measuring (the system fills up), then measured. */
  warmupS: number;
  measureS: number;
  seed: number;
}

export const DEFAULT_SIMULATION: SimulationOptions = { hosts: 1000, utilisation: 0.7, warmupS: 3, measureS: 5, seed: 13 };

/** Mean job size, in seconds on a speed-1 host. */
const MEAN_WORK_S = 4;
const FAIL_DETECT_S = 1;
const BUSY_RTT_S = 0.01;
const RETRY_S = 0.5;
const UNRELIABLE_SHARE = 0.15;
const MODEL = 'sim/model';

export interface SimHost extends SchedulableHost {
  speed: number;
  failProbability: number;
  unreliable: boolean;
  score: number;
  busyIntegral: number;
  lastChange: number;
}

export interface PolicyReport {
  policy: string;
  jobs: number;
  p50DelayMs: number;
  p95DelayMs: number;
  /** Jain's fairness index of host utilisation, 1 = perfectly even. */
  jain: number;
  /** Coefficient of variation of host utilisation (lower is more even). */
  cov: number;
  meanUtilisation: number;
  /** Of the hosts jobs were sent to (accepted), the share that went to unreliable hosts. */
  unreliableShare: number;
  failoversPerJob: number;
}

export type Policy = (hosts: readonly SimHost[], scores: ReadonlyMap<string, number>, random: RandomSource) => SimHost[];

const isFullHost = (h: SchedulableHost) => h.activeJobs >= h.maxConcurrentJobs;

export const POLICIES: Record<string, Policy> = {
  scheduler: (hosts, scores, random) => rankHosts(hosts, scores, { model: MODEL }, random),
  /** A client that picks hosts at random, blind to load and reliability. */
  random: (hosts, _scores, random) => {
    const picked = new Set<SimHost>();
    while (picked.size < Math.min(MAX_RANKED, hosts.length)) picked.add(hosts[Math.floor(random() * hosts.length)]!);
    return [...picked];
  },
  /** The broker's order before the scheduler: free slot, cheapest, least busy, id. */
  'old sort': (hosts) => {
    const better = (a: SimHost, b: SimHost) => Number(isFullHost(a)) - Number(isFullHost(b)) || a.priceCoefficientMilli - b.priceCoefficientMilli || a.activeJobs - b.activeJobs || (a.hostId < b.hostId ? -1 : 1);
    const top: SimHost[] = [];
    for (const h of hosts) {
      let i = top.length;
      while (i > 0 && better(h, top[i - 1]!) < 0) i--;
      if (i < MAX_RANKED) top.splice(i, 0, h);
      if (top.length > MAX_RANKED) top.pop();
    }
    return top;
  },
};

function makeHosts(n: number, random: RandomSource): SimHost[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  return Array.from({ length: n }, (_, i) => {
    const unreliable = random() < UNRELIABLE_SHARE;
    const speed = pick([0.5, 1, 2]);
    const failProbability = unreliable ? 0.3 : 0.01;
    const score = reliabilityScore({ uptimeWeek: unreliable ? 0.6 : 0.97, jobs: 200, failures: Math.round(200 * failProbability), medianTtftMs: 800 / speed + (unreliable ? 2000 : 0) }).score;
    return {
      hostId: `sim-${String(i).padStart(4, '0')}`,
      priceCoefficientMilli: 900 + 10 * Math.floor(random() * 21),
      activeJobs: 0,
      maxConcurrentJobs: pick([1, 2, 4, 8]),
      draining: false,
      claims: { models: [{ name: MODEL }] },
      speed,
      failProbability,
      unreliable,
      score,
      busyIntegral: 0,
      lastChange: 0,
    };
  });
}

/** A min-heap of events by time (ties in insertion order, so runs are deterministic). */
class EventQueue {
  private readonly heap: { t: number; seq: number; run: () => void }[] = [];
  private seq = 0;
  push(t: number, run: () => void): void {
    const h = this.heap;
    h.push({ t, seq: this.seq++, run });
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): { t: number; run: () => void } | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(l, m)) m = l;
        if (r < h.length && this.less(r, m)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
  private less(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.t < y.t || (x.t === y.t && x.seq < y.seq);
  }
}

const quantile = (sorted: number[], q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);

/** Runs one policy; the same seed gives the same hosts and arrivals for every policy. */
export function simulatePolicy(name: string, policy: Policy, opts: SimulationOptions = DEFAULT_SIMULATION): PolicyReport {
  const hosts = makeHosts(opts.hosts, seededRandom(opts.seed));
  const scores = new Map(hosts.map((h) => [h.hostId, h.score]));
  const capacity = hosts.reduce((sum, h) => sum + h.maxConcurrentJobs * h.speed, 0);
  const rate = (opts.utilisation * capacity) / MEAN_WORK_S;
  const arrivals = seededRandom(opts.seed + 1);
  const outcomes = seededRandom(opts.seed + 2);
  const choices = seededRandom(opts.seed + 3);
  const from = opts.warmupS;
  const to = opts.warmupS + opts.measureS;
  const events = new EventQueue();
  const delays: number[] = [];
  let sent = 0;
  let sentUnreliable = 0;
  let failovers = 0;

  // Busy slot-seconds inside the measured window, integrated at every change of a host's load.
  const account = (h: SimHost, now: number) => {
    const a = Math.max(h.lastChange, from);
    const b = Math.min(now, to);
    if (b > a) h.busyIntegral += h.activeJobs * (b - a);
    h.lastChange = now;
  };
  const setLoad = (h: SimHost, now: number, delta: number) => {
    account(h, now);
    h.activeJobs += delta;
  };

  const attempt = (arrivedAt: number, work: number, now: number, list: SimHost[], measured: boolean): void => {
    let t = now;
    for (let i = 0; i < list.length; i++) {
      const h = list[i]!;
      if (isFullHost(h)) {
        t += BUSY_RTT_S;
        if (measured) failovers++;
        continue;
      }
      setLoad(h, t, +1);
      if (measured) {
        sent++;
        if (h.unreliable) sentUnreliable++;
      }
      if (outcomes() < h.failProbability) {
        if (measured) failovers++;
        const rest = list.slice(i + 1);
        events.push(t + FAIL_DETECT_S, () => {
          setLoad(h, t + FAIL_DETECT_S, -1);
          attempt(arrivedAt, work, t + FAIL_DETECT_S, rest, measured);
        });
        return;
      }
      if (measured) delays.push(t - arrivedAt);
      const end = t + work / h.speed;
      events.push(end, () => setLoad(h, end, -1));
      return;
    }
    events.push(t + RETRY_S, () => attempt(arrivedAt, work, t + RETRY_S, policy(hosts, scores, choices), measured));
  };

  // Start in steady state: each slot busy with probability `utilisation`, for an exponential
  // remainder (memoryless, so the same law as a fresh job's), so a short warm-up suffices.
  for (const h of hosts) {
    for (let slot = 0; slot < h.maxConcurrentJobs; slot++) {
      if (arrivals() >= opts.utilisation) continue;
      h.activeJobs++;
      const end = exponential(arrivals, MEAN_WORK_S) / h.speed;
      events.push(end, () => setLoad(h, end, -1));
    }
  }
  for (let t = exponential(arrivals, 1 / rate); t < to; t += exponential(arrivals, 1 / rate)) {
    const arrivedAt = t;
    const work = exponential(arrivals, MEAN_WORK_S);
    events.push(arrivedAt, () => attempt(arrivedAt, work, arrivedAt, policy(hosts, scores, choices), arrivedAt >= from));
  }
  for (let e = events.pop(); e; e = events.pop()) e.run();
  for (const h of hosts) account(h, to);

  const utilisation = hosts.map((h) => h.busyIntegral / (h.maxConcurrentJobs * opts.measureS));
  const mean = utilisation.reduce((a, b) => a + b, 0) / utilisation.length;
  const sumSq = utilisation.reduce((a, b) => a + b * b, 0);
  const variance = sumSq / utilisation.length - mean * mean;
  const sorted = delays.sort((a, b) => a - b);
  return {
    policy: name,
    jobs: delays.length,
    p50DelayMs: quantile(sorted, 0.5) * 1000,
    p95DelayMs: quantile(sorted, 0.95) * 1000,
    jain: sumSq === 0 ? 0 : (mean * utilisation.length) ** 2 / (utilisation.length * sumSq),
    cov: mean === 0 ? 0 : Math.sqrt(Math.max(0, variance)) / mean,
    meanUtilisation: mean,
    unreliableShare: sent === 0 ? 0 : sentUnreliable / sent,
    failoversPerJob: delays.length === 0 ? 0 : failovers / delays.length,
  };
}

/** Every policy on the same hosts and arrivals. */
export function simulateScheduling(opts: SimulationOptions = DEFAULT_SIMULATION): PolicyReport[] {
  return Object.entries(POLICIES).map(([name, policy]) => simulatePolicy(name, policy, opts));
}

export function simulationLines(reports: readonly PolicyReport[], opts: SimulationOptions = DEFAULT_SIMULATION): string[] {
  return [
    `scheduler simulation: ${opts.hosts} hosts (speed 0.5/1/2, 1-8 slots, ${UNRELIABLE_SHARE * 100} % unreliable), Poisson arrivals at ${opts.utilisation * 100} % utilisation, ${opts.measureS} s simulated, seed ${opts.seed}`,
    ...reports.map(
      (r) =>
        `  ${r.policy.padEnd(10)} queueing p50 ${r.p50DelayMs.toFixed(0).padStart(5)} ms  p95 ${r.p95DelayMs.toFixed(0).padStart(5)} ms   utilisation mean ${(r.meanUtilisation * 100).toFixed(0)} %, Jain ${r.jain.toFixed(3)}, CoV ${r.cov.toFixed(2)}   to unreliable hosts ${(r.unreliableShare * 100).toFixed(1)} %   failovers/job ${r.failoversPerJob.toFixed(2)}   (${r.jobs} jobs)`,
    ),
  ];
}
