import { randomBytes } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costOf } from '@cocoon/shared/pricing';
import { HostBundleResponseSchema } from '@cocoon/shared/protocol/api';
import { openDatabase } from '../db/client';
import { holds, transfers } from '../db/schema';
import { enrollTokenOnDatabase, startBrokerProcess, type BrokerProcess } from './support/broker-process';
import { openClient, sealJob } from './support/client';
import { createFakeIdentity, defaultScript, FakeHost, type FakeIdentity } from './support/fake-host';
import { createScratchDatabase, dropScratchDatabase, postgresReachable, TEST_PG_URL } from './support/test-db';
import { signIn, startTestServer, type TestServer } from './support/test-server';
import type { TestSocket } from './support/ws-client';

/**
 * Two brokers on one PostgreSQL and NATS (issue 13, "Several brokers"): broker A in its own
 * process, holding the host's socket; broker B in this one, holding the client's. Jobs cross over
 * NATS; then A is killed (SIGKILL: no goodbye, no socket closed cleanly) mid-stream.
 * CI runs PostgreSQL and NATS: this test fails, never skips, without them.
 */
const NATS_URL = 'nats://127.0.0.1:4222';
const PRICE = { promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n };
const STARTER = 100_000_000n;

const reachable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = tcpConnect({ host: '127.0.0.1', port, timeout: 1500 });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });

type ErrorFrame = { jobId?: string; error: { code: string }; charged?: string };

describe('two brokers over NATS', () => {
  let url: string | undefined;
  let a: BrokerProcess | undefined;
  let b: TestServer | undefined;
  const hosts: FakeHost[] = [];
  let client: TestSocket | undefined;

  beforeAll(async () => {
    if (!postgresReachable) throw new Error(`PostgreSQL is not reachable at ${TEST_PG_URL}: this test needs it (CI starts it)`);
    if (!(await reachable(4222))) throw new Error(`NATS is not reachable at ${NATS_URL}: this test needs it (CI starts it)`);
    url = await createScratchDatabase();
    // Its own subjects: other suites (or people) on the same NATS never see these brokers.
    const cluster = { DATABASE_URL: url, NATS_URL, CLUSTER_NAME: `test-${randomBytes(6).toString('hex')}` };
    // Migrated before either broker starts, so the two never race at it; then both start at once.
    await (await openDatabase({ url, dataDir: 'unused' })).close();
    [b, a] = await Promise.all([startTestServer({ ...cluster, BROKER_ID: 'b', LOG_LEVEL: 'warn' }), startBrokerProcess({ ...cluster, BROKER_ID: 'a' })]);
  }, 90_000);

  afterAll(async () => {
    client?.close();
    for (const h of hosts) h.socket.close();
    await a?.kill();
    await b?.close();
    if (url) await dropScratchDatabase(url);
  });

  it('serves a client on B with a host on A, and after A is killed mid-stream ends the job once, releases its hold, and serves from the host reconnected to B', async () => {
    const s = b!.server.services();
    expect(await s.cluster.bus.roundTripMs()).toBeGreaterThanOrEqual(0);
    const id: FakeIdentity = await createFakeIdentity({ models: ['demo/tiny'] });
    const onA = await FakeHost.start(a!.wsUrl, id, { enrollToken: await enrollTokenOnDatabase(url!) });
    hosts.push(onA);
    // B learns of the host from A's announcement, its bundle from PostgreSQL.
    await expect.poll(() => s.registry.get(id.claims.hostId)?.bundleDigest, { timeout: 10_000, interval: 50 }).toBeDefined();
    const res = await b!.server.app.inject({ url: `/api/hosts/${id.claims.hostId}/bundle` });
    expect(res.statusCode).toBe(200);
    expect(HostBundleResponseSchema.parse(res.json()).bundle).toEqual(id.bundle);

    const { token, userId } = await signIn(b!.server, { telegramId: 880_000_001 });
    client = await openClient(b!.wsUrl, token);

    // 1. A chat streams across the brokers and settles on B.
    const first = await sealJob(id);
    client.send({ type: 'job.create', meta: first.meta, request: first.request });
    await client.next('job.accepted');
    await client.next('job.start');
    for (let i = 0; i < defaultScript.deltas.length; i++) expect(await client.next<{ jobId: string }>('job.chunk')).toMatchObject({ jobId: first.meta.jobId });
    const settled = await client.next<{ charged: string; balance: string }>('job.settled');
    const cost = costOf(PRICE, defaultScript.usage);
    expect(BigInt(settled.charged)).toBe(cost);
    expect(BigInt(settled.balance)).toBe(STARTER - cost);

    // 2. Mid-stream, A dies: the job ends with a clear code, charging nothing.
    onA.script = { ...defaultScript, awaitCancel: true };
    const second = await sealJob(id);
    client.send({ type: 'job.create', meta: second.meta, request: second.request });
    await client.next('job.accepted');
    for (let i = 0; i < defaultScript.deltas.length; i++) await client.next('job.chunk');
    await a!.kill();
    const ended = await client.next<ErrorFrame>('error', 15_000);
    expect(ended.jobId).toBe(second.meta.jobId);
    // B notices A's silence (no heartbeat for 3 s) before anything else could tell it.
    expect(ended.error.code).toBe('job.broker_gone');
    expect(ended.charged).toBe('0');
    // Released exactly once: one hold row, released, no transfer; the user has all but the first chat's cost.
    const db = s.database.db;
    expect(await db.select({ status: holds.status, charged: holds.charged }).from(holds).where(eq(holds.jobId, second.meta.jobId))).toEqual([{ status: 'released', charged: null }]);
    expect(await db.select().from(transfers).where(eq(transfers.jobId, second.meta.jobId))).toEqual([]);
    expect(await s.ledger.userFunds(userId)).toEqual({ balance: STARTER - cost, held: 0n, available: STARTER - cost });
    expect(s.registry.get(id.claims.hostId)).toBeUndefined();

    // 3. The host reconnects to B (the next broker in its list) and the next chat works.
    await onA.socket.closed;
    const onB = await FakeHost.start(b!.wsUrl, id, {});
    hosts.push(onB);
    const third = await sealJob(id);
    client.send({ type: 'job.create', meta: third.meta, request: third.request });
    const again = await client.next<{ charged: string; balance: string }>('job.settled');
    expect(BigInt(again.charged)).toBe(cost);
    expect(BigInt(again.balance)).toBe(STARTER - 2n * cost);

    // Money: zero-sum, and no hold left open.
    expect(await s.ledger.sumOfBalances()).toBe(0n);
    expect(await db.select().from(holds).where(eq(holds.status, 'active'))).toEqual([]);
  }, 60_000);
});
