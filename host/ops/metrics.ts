/**
 * The agent's Prometheus metrics, in the text exposition format 0.0.4, written by hand: a handful
 * of counters, two histograms and gauges read at scrape time need no client library.
 */
export type JobOutcome = 'completed' | 'cancelled' | 'failed' | 'refused';

/** Seconds: first tokens arrive in tens of milliseconds to seconds, whole generations in up to minutes. */
const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] as const;

class Histogram {
  private readonly counts = BUCKETS.map(() => 0);
  private sum = 0;
  private count = 0;
  observe(seconds: number) {
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.counts[i]!++;
    });
    this.sum += seconds;
    this.count++;
  }
  render(name: string): string[] {
    return [
      ...BUCKETS.map((le, i) => `${name}_bucket{le="${le}"} ${this.counts[i]}`),
      `${name}_bucket{le="+Inf"} ${this.count}`,
      `${name}_sum ${this.sum}`,
      `${name}_count ${this.count}`,
    ];
  }
}

/** Label values are ours (outcomes, token kinds, error codes), escaped anyway as the format asks. */
const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

export interface HostMetrics {
  jobFinished(outcome: JobOutcome): void;
  tokens(kind: 'prompt' | 'completion', n: number): void;
  error(code: string): void;
  ttft(seconds: number): void;
  engineLatency(seconds: number): void;
  /** The exposition text; gauges are read from `gauges` at this moment. */
  render(gauges: { activeJobs: number; brokerConnected: boolean; draining: boolean }): string;
}

export function createHostMetrics(): HostMetrics {
  const jobs = new Map<string, number>();
  const tokens = new Map<string, number>([['prompt', 0], ['completion', 0]]);
  const errors = new Map<string, number>();
  const ttft = new Histogram();
  const engine = new Histogram();
  const bump = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);
  const series = (name: string, key: string, m: Map<string, number>) => [...m].sort().map(([k, v]) => `${name}{${key}="${label(k)}"} ${v}`);

  return {
    jobFinished: (outcome) => bump(jobs, outcome),
    tokens: (kind, n) => bump(tokens, kind, n),
    error: (code) => bump(errors, code),
    ttft: (s) => ttft.observe(s),
    engineLatency: (s) => engine.observe(s),
    render(g) {
      const lines = [
        '# HELP cocoon_host_jobs_total Jobs this agent ended, by outcome.',
        '# TYPE cocoon_host_jobs_total counter',
        ...series('cocoon_host_jobs_total', 'outcome', jobs),
        '# HELP cocoon_host_tokens_total Tokens billed in receipts, by kind.',
        '# TYPE cocoon_host_tokens_total counter',
        ...series('cocoon_host_tokens_total', 'kind', tokens),
        '# HELP cocoon_host_errors_total Errors by stable error code.',
        '# TYPE cocoon_host_errors_total counter',
        ...series('cocoon_host_errors_total', 'code', errors),
        '# HELP cocoon_host_ttft_seconds Time from a job reaching the agent to its first streamed token.',
        '# TYPE cocoon_host_ttft_seconds histogram',
        ...ttft.render('cocoon_host_ttft_seconds'),
        '# HELP cocoon_host_engine_latency_seconds Duration of the engine request of a job, to its last token.',
        '# TYPE cocoon_host_engine_latency_seconds histogram',
        ...engine.render('cocoon_host_engine_latency_seconds'),
        '# HELP cocoon_host_active_jobs Jobs running now.',
        '# TYPE cocoon_host_active_jobs gauge',
        `cocoon_host_active_jobs ${g.activeJobs}`,
        '# HELP cocoon_host_broker_connected 1 while the broker has welcomed this host on a live connection.',
        '# TYPE cocoon_host_broker_connected gauge',
        `cocoon_host_broker_connected ${g.brokerConnected ? 1 : 0}`,
        '# HELP cocoon_host_draining 1 while the agent is draining before it stops.',
        '# TYPE cocoon_host_draining gauge',
        `cocoon_host_draining ${g.draining ? 1 : 0}`,
      ];
      return lines.join('\n') + '\n';
    },
  };
}
