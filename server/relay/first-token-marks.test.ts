import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hosts, jobs, JobStatuses, users } from '../db/schema';
import { backends, openTestDatabase, postgresReachable, type TestDatabase } from '../tests/support/test-db';
import { FirstTokenMarks, MARKS_PER_STATEMENT, markFirstTokens } from './first-token-marks';
import { insertJob } from './jobs-repo';

describe.each(backends)('first-token times on %s', (backend) => {
  let database: TestDatabase;
  let userId: string;
  const hostId = `host-${randomUUID()}`;
  const skip = backend === 'postgres' && !postgresReachable;

  beforeAll(async () => {
    if (skip) return;
    database = await openTestDatabase(backend);
    const [user] = await database.db.insert(users).values({ telegramId: BigInt(Date.now()), firstName: 'Marks' }).returning();
    userId = user!.id;
    await database.db.insert(hosts).values({ id: hostId, status: 'online', teeKind: 'simulated', bundleDigest: 'sha256:00', lastSeen: new Date() });
  });
  afterAll(async () => {
    await database?.close();
  });

  async function newJob(status: (typeof JobStatuses)[keyof typeof JobStatuses] = JobStatuses.open): Promise<string> {
    const jobId = randomUUID();
    await insertJob(database.db, { meta: { jobId, hostId, model: 'm', maxTokens: 16, maxCharge: '1000' }, userId, requestBytes: 100, hold: 10n });
    if (status !== JobStatuses.open) await database.db.update(jobs).set({ status }).where(eq(jobs.id, jobId));
    return jobId;
  }
  const rows = (ids: string[]) => database.db.select({ id: jobs.id, status: jobs.status, at: jobs.firstTokenAt }).from(jobs).where(inArray(jobs.id, ids));

  it.skipIf(skip)('writes many jobs in one statement: open ones become streaming, ended ones keep their status, a time is set once', async () => {
    const [open, settled, failed] = [await newJob(), await newJob(JobStatuses.settled), await newJob(JobStatuses.failed)];
    const t1 = new Date('2026-12-01T10:00:00.123Z');
    await markFirstTokens(database.db, [[open, t1], [settled, t1], [failed, t1]]);
    await markFirstTokens(database.db, [[open, new Date('2026-12-01T11:00:00Z')]]);
    const byId = new Map((await rows([open, settled, failed])).map((r) => [r.id, r]));
    expect(byId.get(open)).toEqual({ id: open, status: JobStatuses.streaming, at: t1 });
    expect(byId.get(settled)).toEqual({ id: settled, status: JobStatuses.settled, at: t1 });
    expect(byId.get(failed)).toEqual({ id: failed, status: JobStatuses.failed, at: t1 });
  });

  it.skipIf(skip)('waits before writing, writes what is still waiting together, and leaves what a settlement took', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const errors: unknown[] = [];
      const marks = new FirstTokenMarks(database.db, (_ids, err) => errors.push(err), 100);
      const [a, b, c] = [await newJob(), await newJob(), await newJob()];
      const at = new Date('2026-12-01T12:00:00Z');
      marks.mark(a, at);
      marks.mark(b, at);
      marks.mark(c, at);
      // A job settled meanwhile: its settlement writes the time (jobs-repo.ts markSettled).
      expect(marks.take(c)).toEqual(at);
      expect(marks.take(c)).toBeUndefined();
      expect((await rows([a, b])).every((r) => r.at === null)).toBe(true);
      await vi.advanceTimersByTimeAsync(100);
      await vi.waitFor(async () => expect((await rows([a, b])).every((r) => r.status === JobStatuses.streaming)).toBe(true));
      expect((await rows([c]))[0]).toMatchObject({ status: JobStatuses.open, at: null });
      expect(errors).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it.skipIf(skip)('a burst larger than one statement takes is written in slices', async () => {
    const statements: number[] = [];
    const counting = { execute: (q: unknown) => (statements.push(1), database.db.execute(q as never)) } as unknown as TestDatabase['db'];
    const marks = new FirstTokenMarks(counting, () => undefined, 100);
    const ids = await Promise.all(Array.from({ length: 3 }, () => newJob()));
    for (let i = 0; i < MARKS_PER_STATEMENT * 2; i++) marks.mark(i < 3 ? ids[i]! : randomUUID(), new Date('2026-12-01T13:00:00Z'));
    await marks.flush();
    expect(statements).toHaveLength(2);
    expect((await rows(ids)).every((r) => r.status === JobStatuses.streaming)).toBe(true);
  });

  it.skipIf(skip)('a write that fails is reported with the jobs it concerned, and never thrown', async () => {
    const failing = { execute: () => Promise.reject(new Error('database away')) } as unknown as TestDatabase['db'];
    const reported: { ids: string[]; err: unknown }[] = [];
    const marks = new FirstTokenMarks(failing, (ids, err) => reported.push({ ids, err }), 100);
    marks.mark('00000000-0000-4000-8000-000000000001', new Date());
    await marks.flush();
    expect(reported).toHaveLength(1);
    expect(reported[0]!.ids).toEqual(['00000000-0000-4000-8000-000000000001']);
    await marks.flush(); // nothing waiting: no statement
    expect(reported).toHaveLength(1);
  });
});
