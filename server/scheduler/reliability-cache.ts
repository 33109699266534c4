import { inArray } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { hosts } from '../db/schema';
import { jobStats, uptimeIntervals, uptimeOver } from '../hosts/host-stats';
import { NEUTRAL, reliabilityScore } from '../hosts/reliability';

/**
 * Each host's reliability score (server/hosts/reliability.ts, the number its owner sees on the
 * Machines screen) for the scheduler, from the database and cached per host for `ttlMs`: a listing
 * never queries per host, and at most one batch (three queries) per expiry. A host seen for the
 * first time waits for its batch; a known one past its TTL is served its last score while one
 * refresh runs in the background. A host without history (or a failed query) counts as NEUTRAL.
 */

export interface ReliabilityCacheOptions {
  ttlMs?: number;
  now?: () => Date;
  /** Where a failed refresh is reported; the listing goes on with the last or neutral scores. */
  onError: (err: unknown) => void;
}

export const RELIABILITY_TTL_MS = 30_000;
const FORGET_AFTER_TTLS = 20;

interface Entry {
  score: number;
  at: number;
}

export class ReliabilityCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly ttlMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly exec: Executor,
    private readonly opts: ReliabilityCacheOptions,
  ) {
    this.ttlMs = opts.ttlMs ?? RELIABILITY_TTL_MS;
    this.now = opts.now ?? (() => new Date());
  }

  /** Scores 0..1 of `hostIds`, as fresh as the TTL allows. */
  async scores(hostIds: readonly string[]): Promise<Map<string, number>> {
    const now = this.now().getTime();
    const stale = hostIds.filter((id) => {
      const e = this.entries.get(id);
      return (!e || now - e.at >= this.ttlMs) && !this.inFlight.has(id);
    });
    if (stale.length > 0) this.refresh(stale);
    const pending = new Set<Promise<void>>();
    for (const id of hostIds) {
      const loading = this.entries.has(id) ? undefined : this.inFlight.get(id);
      if (loading) pending.add(loading);
    }
    await Promise.all(pending);
    return new Map(hostIds.map((id) => [id, this.entries.get(id)?.score ?? NEUTRAL]));
  }

  private refresh(ids: string[]): void {
    const done = this.load(ids).then(
      (scores) => {
        const at = this.now().getTime();
        for (const [id, score] of scores) this.entries.set(id, { score, at });
        // Hosts no longer listed (gone, removed) are forgotten after a while.
        for (const [id, e] of this.entries) if (at - e.at > FORGET_AFTER_TTLS * this.ttlMs) this.entries.delete(id);
      },
      (err: unknown) => this.opts.onError(err),
    ).finally(() => {
      for (const id of ids) if (this.inFlight.get(id) === done) this.inFlight.delete(id);
    });
    for (const id of ids) this.inFlight.set(id, done);
  }

  /** The same numbers as the Machines screen (server/owners/machines.ts), for a batch of hosts. */
  private async load(ids: string[]): Promise<Map<string, number>> {
    const now = this.now();
    const rows = await this.exec.select({ id: hosts.id, createdAt: hosts.createdAt }).from(hosts).where(inArray(hosts.id, ids));
    const since = new Map(rows.map((r) => [r.id, r.createdAt]));
    const [intervals, stats] = [await uptimeIntervals(this.exec, ids, now), await jobStats(this.exec, ids, now)];
    const out = new Map<string, number>();
    for (const id of ids) {
      const s = stats.get(id);
      const uptimeWeek = since.has(id) ? uptimeOver(intervals.get(id) ?? [], now, since.get(id)!).week : null;
      out.set(id, reliabilityScore({ uptimeWeek, jobs: s?.jobs ?? 0, failures: s?.failures ?? 0, medianTtftMs: s?.medianTtftMs ?? null }).score);
    }
    return out;
  }
}
