import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClient, sealJob } from './support/client';
import { createFakeIdentity, FakeHost, type FakeIdentity } from './support/fake-host';
import { createScratchDatabase, dropScratchDatabase, postgresReachable } from './support/test-db';
import { enrollToken, signIn, startTestServer, type TestServer } from './support/test-server';
import type { TestSocket } from './support/ws-client';

/**
 * One user's parallel job creations cannot take the database from everyone else (README,
 * `DATABASE_POOL_MAX`). Every creation locks its user's account row; with A's row held (as a long
 * settlement or a stuck transaction would hold it), A's parallel `job.create`s from four sockets
 * used to take a pooled connection each only to wait on that lock, and with the pool full B's
 * job waited too. The broker now runs one creation per user at a time in the database and queues
 * the rest in memory, so B's job is accepted while A's row is still locked.
 */
describe.skipIf(!postgresReachable)('database fairness on PostgreSQL', () => {
  const LOCK_MS = 3_000;
  let url: string;
  let t: TestServer;
  let id: FakeIdentity;
  beforeAll(async () => {
    url = await createScratchDatabase();
    // Three connections: fewer than A's parallel creations (its concurrent-job cap is 4).
    t = await startTestServer({ DATABASE_URL: url, DATABASE_POOL_MAX: '3' });
    id = await createFakeIdentity({ models: ['demo/tiny'] });
    await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t), maxConcurrentJobs: 16 });
  });
  afterAll(async () => {
    await t?.close();
    if (url) await dropScratchDatabase(url);
  });

  it("accepts B's job while A's account row is locked and A's parallel job creations wait", async () => {
    const a = await signIn(t.server);
    const b = await signIn(t.server);
    const aSockets = await Promise.all([1, 2, 3, 4].map(() => openClient(t.wsUrl, a.token)));
    const bSocket = await openClient(t.wsUrl, b.token);
    const aJobs = await Promise.all(aSockets.map(() => sealJob(id)));
    const bJob = await sealJob(id);

    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query("select id from accounts where id = $1 for no key update", [`user:${a.userId}`]);
      aSockets.forEach((s, i) => s.send({ type: 'job.create', meta: aJobs[i]!.meta, request: aJobs[i]!.request }));
      await new Promise((r) => setTimeout(r, 300)); // A's creations are all in, waiting on the lock

      const started = Date.now();
      bSocket.send({ type: 'job.create', meta: bJob.meta, request: bJob.request });
      await bSocket.next('job.accepted', LOCK_MS);
      const bAcceptedMs = Date.now() - started;
      expect(bAcceptedMs).toBeLessThan(1_000);
      await bSocket.next('job.settled');

      await new Promise((r) => setTimeout(r, Math.max(0, LOCK_MS - (Date.now() - started))));
      await locker.query('commit');
    } finally {
      await locker.end();
    }
    // Once the row is free, A's jobs go through one after another: delayed, not lost.
    const accepted = await Promise.all(aSockets.map((s: TestSocket) => s.next('job.accepted', 10_000)));
    expect(accepted).toHaveLength(4);
    await Promise.all(aSockets.map((s) => s.next('job.settled', 10_000)));
  });
});
