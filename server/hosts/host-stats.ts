import { and, gt, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { hostUptime, jobs, JobStatuses } from '../db/schema';

/**
 * What the Machines screen and the scheduler read of each machine (issue 11): uptime over
 * 24 h / 7 d / 30 d from its uptime intervals, and its jobs of the last 30 days.
 */

const DAY_MS = 86_400_000;
export const STATS_WINDOW_DAYS = 30;

export interface Interval {
  startedAt: Date;
  /** null: still open (online now). */
  endedAt: Date | null;
}

export interface UptimeFractions {
  day: number | null;
  week: number | null;
  month: number | null;
}

/**
 * The fraction of [from, to] the intervals cover, counted from when the machine was enrolled (a
 * machine enrolled yesterday is not "3 % online this month"); null when it did not exist in the window.
 */
export function uptimeFraction(intervals: readonly Interval[], from: Date, to: Date, existsSince: Date): number | null {
  const start = Math.max(from.getTime(), existsSince.getTime());
  const end = to.getTime();
  if (end <= start) return null;
  // Intervals of one machine never overlap in practice; merged anyway, so a bad row cannot count twice.
  const clipped = intervals
    .map((i) => [Math.max(i.startedAt.getTime(), start), Math.min((i.endedAt ?? to).getTime(), end)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let reach = start;
  for (const [a, b] of clipped) {
    if (b <= reach) continue;
    covered += b - Math.max(a, reach);
    reach = b;
  }
  return Math.min(1, covered / (end - start));
}

export function uptimeOver(intervals: readonly Interval[], now: Date, existsSince: Date): UptimeFractions {
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
  return {
    day: uptimeFraction(intervals, ago(1), now, existsSince),
    week: uptimeFraction(intervals, ago(7), now, existsSince),
    month: uptimeFraction(intervals, ago(STATS_WINDOW_DAYS), now, existsSince),
  };
}

/** Each machine's uptime intervals that touch the last 30 days. */
export async function uptimeIntervals(exec: Executor, hostIds: string[], now: Date): Promise<Map<string, Interval[]>> {
  const out = new Map<string, Interval[]>(hostIds.map((id) => [id, []]));
  if (hostIds.length === 0) return out;
  const since = new Date(now.getTime() - STATS_WINDOW_DAYS * DAY_MS);
  const rows = await exec
    .select({ hostId: hostUptime.hostId, startedAt: hostUptime.startedAt, endedAt: hostUptime.endedAt })
    .from(hostUptime)
    .where(and(inArray(hostUptime.hostId, hostIds), or(isNull(hostUptime.endedAt), gt(hostUptime.endedAt, since))));
  for (const r of rows) out.get(r.hostId)?.push({ startedAt: r.startedAt, endedAt: r.endedAt });
  return out;
}

export interface JobStats {
  /** Jobs that ended on the machine: settled, or failed other than by the user's own cancel. */
  jobs: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  medianTtftMs: number | null;
}

export const emptyJobStats = (): JobStats => ({ jobs: 0, failures: 0, promptTokens: 0, completionTokens: 0, medianTtftMs: null });

/** A user stopping a job before its first token is not the machine's failure. */
const NOT_THE_MACHINES_FAULT = 'job.cancelled';

/** Each machine's jobs created in the last 30 days; TTFT is first_token_at - created_at. */
export async function jobStats(exec: Executor, hostIds: string[], now: Date): Promise<Map<string, JobStats>> {
  const out = new Map<string, JobStats>(hostIds.map((id) => [id, emptyJobStats()]));
  if (hostIds.length === 0) return out;
  const since = new Date(now.getTime() - STATS_WINDOW_DAYS * DAY_MS);
  const failed = sql`${jobs.status} = ${JobStatuses.failed}`;
  const rows = await exec
    .select({
      hostId: jobs.hostId,
      jobs: sql<string>`count(*)`,
      failures: sql<string>`count(*) filter (where ${failed})`,
      promptTokens: sql<string>`coalesce(sum(${jobs.promptTokens}), 0)`,
      completionTokens: sql<string>`coalesce(sum(${jobs.completionTokens}), 0)`,
      medianTtftMs: sql<string | null>`percentile_cont(0.5) within group (order by extract(epoch from ${jobs.firstTokenAt} - ${jobs.createdAt}) * 1000)`,
    })
    .from(jobs)
    .where(
      and(
        inArray(jobs.hostId, hostIds),
        gt(jobs.createdAt, since),
        inArray(jobs.status, [JobStatuses.settled, JobStatuses.failed]),
        or(isNull(jobs.errorCode), ne(jobs.errorCode, NOT_THE_MACHINES_FAULT)),
      ),
    )
    .groupBy(jobs.hostId);
  for (const r of rows) {
    out.set(r.hostId, {
      jobs: Number(r.jobs),
      failures: Number(r.failures),
      promptTokens: Number(r.promptTokens),
      completionTokens: Number(r.completionTokens),
      medianTtftMs: r.medianTtftMs === null ? null : Math.round(Number(r.medianTtftMs)),
    });
  }
  return out;
}

/** One machine's stats, for the scheduler (the same numbers the Machines screen shows). */
export async function hostStats(exec: Executor, hostId: string, existsSince: Date, now = new Date()): Promise<{ uptime: UptimeFractions; jobs: JobStats }> {
  const [intervals, stats] = await Promise.all([uptimeIntervals(exec, [hostId], now), jobStats(exec, [hostId], now)]);
  return { uptime: uptimeOver(intervals.get(hostId) ?? [], now, existsSince), jobs: stats.get(hostId) ?? emptyJobStats() };
}
