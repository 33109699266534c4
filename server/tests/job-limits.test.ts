import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HOST_CONCURRENT_JOBS } from '@cocoon/shared/protocol/ws-messages';
import { jobs } from '../db/schema';
import { openClient, sealJob, type SealedJob } from './support/client';
import { createFakeIdentity, defaultScript, FakeHost, type FakeIdentity } from './support/fake-host';
import { enrollToken, signIn, startTestServer, type TestServer } from './support/test-server';
import type { TestSocket } from './support/ws-client';

type ErrorFrame = { jobId?: string; error: { code: string; message: string; retryAfterS?: number } };
const create = (socket: TestSocket, job: SealedJob) => socket.send({ type: 'job.create', meta: job.meta, request: job.request });

/** Hosts that never answer, so their jobs stay in flight until the sweeper times them out. */
async function stalledHost(t: TestServer, model: string, opts: { maxConcurrentJobs?: number; priceCoefficientMilli?: number } = {}) {
  const id = await createFakeIdentity({ models: [model] });
  const host = await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t), ...opts });
  host.script = { ...defaultScript, stall: true };
  return { id, host };
}

function limitsSuite(env: Record<string, string>) {
  const ctx = {} as { t: TestServer };
  beforeAll(async () => {
    ctx.t = await startTestServer(env);
  });
  // Every test ends its jobs: the sweeper times out whatever is left, releasing the holds.
  afterEach(async () => {
    const s = ctx.t.server.services();
    await s.relay.sweep(new Date(Date.now() + 10 * 60_000));
    expect(await s.ledger.sumOfBalances()).toBe(0n);
  });
  afterAll(async () => ctx.t?.close());
  return {
    ctx,
    funds: (userId: string) => ctx.t.server.services().ledger.userFunds(userId),
    jobRow: async (jobId: string) => (await ctx.t.server.services().database.db.select().from(jobs).where(eq(jobs.id, jobId)))[0],
  };
}

describe('per-user concurrency cap (MAX_CONCURRENT_JOBS_PER_USER=2)', () => {
  const { ctx, funds, jobRow } = limitsSuite({ MAX_CONCURRENT_JOBS_PER_USER: '2' });

  it('a third job in flight is refused with job.too_many_concurrent; nothing is held or recorded for it', async () => {
    const { t } = ctx;
    const { id, host } = await stalledHost(t, 'demo/user-cap', { maxConcurrentJobs: 10 });
    const { token, userId } = await signIn(t.server);
    const [a, b] = [await openClient(t.wsUrl, token), await openClient(t.wsUrl, token)];
    const [j1, j2, j3] = [await sealJob(id), await sealJob(id), await sealJob(id)];
    create(a, j1);
    create(b, j2);
    await a.next('job.accepted');
    await b.next('job.accepted');
    const before = await funds(userId);
    expect(before.held).toBeGreaterThan(0n);

    create(a, j3);
    expect(await a.next<ErrorFrame>('error')).toEqual({ type: 'error', jobId: j3.meta.jobId, error: { code: 'job.too_many_concurrent', message: expect.any(String) } });
    expect(await funds(userId)).toEqual(before);
    expect(await jobRow(j3.meta.jobId)).toBeUndefined();
    await expect.poll(() => host.opened.map((m) => m.jobId).sort()).toEqual([j1.meta.jobId, j2.meta.jobId].sort());

    // Another user is not affected.
    const other = await signIn(t.server);
    const c = await openClient(t.wsUrl, other.token);
    create(c, await sealJob(id));
    await c.next('job.accepted');

    // A slot frees when a job ends: j1 times out (its hold released), then a new job is accepted.
    await t.server.services().relay.sweep(new Date(Date.now() + 121_000));
    expect((await a.next<ErrorFrame>('error')).error.code).toBe('job.timeout');
    expect(await funds(userId)).toMatchObject({ held: 0n, balance: before.balance });
    const j4 = await sealJob(id);
    create(a, j4);
    await a.next('job.accepted');
    for (const s of [a, b, c]) s.close();
  });

  it('job.create racing on many sockets of one user cannot overshoot the cap', async () => {
    const { t } = ctx;
    const { id } = await stalledHost(t, 'demo/user-race', { maxConcurrentJobs: 50 });
    const { token, userId } = await signIn(t.server);
    const sockets = await Promise.all(Array.from({ length: 6 }, () => openClient(t.wsUrl, token)));
    const sealed = await Promise.all(sockets.map(() => sealJob(id)));
    sockets.forEach((s, i) => create(s, sealed[i]!));
    const frames = await Promise.all(sockets.map((s) => s.next<{ type: string } & ErrorFrame>()));
    expect(frames.filter((f) => f.type === 'job.accepted')).toHaveLength(2);
    expect(frames.filter((f) => f.type === 'error').map((f) => f.error.code)).toEqual(Array(4).fill('job.too_many_concurrent'));
    const rows = await Promise.all(sealed.map((j) => jobRow(j.meta.jobId)));
    expect(rows.filter(Boolean)).toHaveLength(2);
    expect((await funds(userId)).held).toBe(rows.reduce((sum, r) => sum + (r?.hold ?? 0n), 0n));
    for (const s of sockets) s.close();
  });
});

describe('host capacity (the host hello\'s maxConcurrentJobs)', () => {
  const { ctx, funds, jobRow } = limitsSuite({});

  it('a full host is refused with host.busy and never sent the job; hosts with room are listed first', async () => {
    const { t } = ctx;
    const small = await stalledHost(t, 'demo/host-cap', { maxConcurrentJobs: 1, priceCoefficientMilli: 900 });
    const big = await stalledHost(t, 'demo/host-cap', { maxConcurrentJobs: 5, priceCoefficientMilli: 1100 });
    const listed = async () => (await t.server.app.inject('/api/hosts?model=demo/host-cap')).json().hosts.map((h: { hostId: string }) => h.hostId);
    expect(await listed()).toEqual([small.id.claims.hostId, big.id.claims.hostId]);

    const alice = await signIn(t.server);
    const a = await openClient(t.wsUrl, alice.token);
    create(a, await sealJob(small.id));
    await a.next('job.accepted');
    await expect.poll(() => small.host.opened.length).toBe(1);
    expect(await listed()).toEqual([big.id.claims.hostId, small.id.claims.hostId]);

    const bob = await signIn(t.server);
    const bobBefore = await funds(bob.userId);
    const b = await openClient(t.wsUrl, bob.token);
    const refused = await sealJob(small.id);
    create(b, refused);
    expect(await b.next<ErrorFrame>('error')).toMatchObject({ jobId: refused.meta.jobId, error: { code: 'host.busy' } });
    expect(await funds(bob.userId)).toEqual(bobBefore);
    expect(await jobRow(refused.meta.jobId)).toBeUndefined();

    create(b, await sealJob(big.id));
    await b.next('job.accepted');
    await expect.poll(() => big.host.opened.length).toBe(1);
    expect(small.host.opened.map((m) => m.jobId)).not.toContain(refused.meta.jobId);
    a.close();
    b.close();
  });

  it('a host whose hello states no capacity gets the protocol default', async () => {
    const { t } = ctx;
    const quiet = await stalledHost(t, 'demo/default-cap');
    expect(t.server.services().registry.get(quiet.id.claims.hostId)?.maxConcurrentJobs).toBe(DEFAULT_HOST_CONCURRENT_JOBS);
  });
});

describe('job.create rate limit over the client WebSocket (RATE_LIMIT_JOBS_PER_USER=2)', () => {
  const { ctx, funds, jobRow } = limitsSuite({ RATE_LIMIT_JOBS_PER_USER: '2' });
  let id: FakeIdentity;
  let host: FakeHost;
  beforeAll(async () => {
    id = await createFakeIdentity({ models: ['demo/rated'] });
    host = await FakeHost.start(ctx.t.wsUrl, id, { enrollToken: await enrollToken(ctx.t) });
  });

  it('answers the third job.create in the window with rate_limited and retryAfterS, over all the user\'s sockets, holding nothing', async () => {
    const { t } = ctx;
    const { token, userId } = await signIn(t.server);
    const [a, b] = [await openClient(t.wsUrl, token), await openClient(t.wsUrl, token)];
    create(a, await sealJob(id));
    await a.next('job.settled');
    create(b, await sealJob(id));
    await b.next('job.settled');
    const before = await funds(userId);

    const limited = await sealJob(id);
    create(a, limited);
    const frame = await a.next<ErrorFrame>('error');
    expect(frame).toEqual({ type: 'error', jobId: limited.meta.jobId, error: { code: 'rate_limited', message: expect.any(String), retryAfterS: expect.any(Number) } });
    expect(frame.error.retryAfterS).toBeGreaterThan(0);
    expect(frame.error.retryAfterS).toBeLessThanOrEqual(60);
    expect(await funds(userId)).toEqual({ ...before, held: 0n });
    expect(await jobRow(limited.meta.jobId)).toBeUndefined();
    expect(host.opened.map((m) => m.jobId)).not.toContain(limited.meta.jobId);

    // Another user has their own budget.
    const other = await signIn(t.server);
    const c = await openClient(t.wsUrl, other.token);
    create(c, await sealJob(id));
    await c.next('job.settled');
    for (const s of [a, b, c]) s.close();
  });
});
