import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MachinesResponseSchema } from '@cocoon/shared/protocol/owner';
import { hosts, hostUptime, jobs, owners } from '../db/schema';
import { closeDanglingUptime } from '../hosts/hosts-repo';
import { maintain } from '../maintenance';
import { openClient, sealJob } from './support/client';
import { createFakeIdentity, defaultScript, FakeHost } from './support/fake-host';
import { startStarsRig, type StarsRig } from './support/stars';
import { enrollToken, ownerId, signIn, TEST_OWNER_TELEGRAM_ID, type TestServer } from './support/test-server';

type ErrorFrame = { type: 'error'; error: { code: string; message: string } };

describe('the Machines screen, machine settings and owners\' notifications', () => {
  let rig: StarsRig;
  let t: TestServer;
  let owner: { token: string; userId: string };
  beforeAll(async () => {
    // The Bot API stand-in as Telegram: owners' notifications land in its `messages`.
    rig = await startStarsRig({ MACHINE_OFFLINE_NOTICE_S: '60' });
    t = rig.t;
    owner = await signIn(t.server, { telegramId: TEST_OWNER_TELEGRAM_ID });
    expect(await ownerId(t.server)).toBe(owner.userId);
  });
  afterAll(async () => rig?.close());

  const db = () => t.server.services().database.db;
  const api = (method: 'GET' | 'PATCH' | 'DELETE', url: string, token = owner.token, payload?: object) =>
    t.server.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  const machines = async (token = owner.token) => MachinesResponseSchema.parse((await api('GET', '/api/owner/machines', token)).json()).machines;
  const machine = async (hostId: string) => (await machines()).find((m) => m.id === hostId);

  it('lists the owner\'s machine live: status, GPUs, models, capacity, uptime, job stats, reliability and earnings', async () => {
    const id = await createFakeIdentity({ models: ['demo/stats'] });
    const host = await FakeHost.start(t.wsUrl, id, {
      enrollToken: await enrollToken(t),
      maxConcurrentJobs: 3,
      priceCoefficientMilli: 1200,
      machine: { agentVersion: '0.1.0', gpus: [{ name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81_559, ccMode: 'on' }] },
    });
    const fresh = await machine(id.claims.hostId);
    expect(fresh).toMatchObject({
      name: null, status: 'online', tee: 'simulated', agentVersion: '0.1.0', gpus: [{ name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81_559, ccMode: 'on' }],
      models: [{ model: 'demo/stats', price: { promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n } }],
      priceCoefficientMilli: 1200, activeJobs: 0, capacity: 3,
      stats: { jobs: 0, failures: 0, promptTokens: 0, completionTokens: 0, medianTtftMs: null },
      earnings: { total: 0n, promotional: 0n },
    });
    expect(fresh?.uptime.day).toBeGreaterThan(0.99);
    expect(fresh?.reliability.score).toBeGreaterThan(0.5);

    // Two answered jobs and one the engine failed, from a user on starter credits.
    const user = await signIn(t.server);
    const client = await openClient(t.wsUrl, user.token);
    let charged = 0n;
    for (const fail of [false, false, true]) {
      host.script = { ...defaultScript, fail };
      const job = await sealJob(id, { model: 'demo/stats' });
      client.send({ type: 'job.create', meta: job.meta, request: job.request });
      if (fail) await client.next<ErrorFrame>('error');
      else charged += BigInt((await client.next<{ charged: string }>('job.settled')).charged);
    }
    client.close();
    const m = await machine(id.claims.hostId);
    expect(m?.stats).toMatchObject({ jobs: 3, failures: 1, promptTokens: 42, completionTokens: 6, medianTtftMs: expect.any(Number) });
    const [withTtft] = await db().select({ first: jobs.firstTokenAt }).from(jobs).where(eq(jobs.hostId, id.claims.hostId)).limit(1);
    expect(withTtft?.first).toBeInstanceOf(Date);
    const earned = charged - (charged * 500n) / 10_000n;
    // Starter credits paid for all of it: every credit it earned is promotional.
    expect(m?.earnings).toEqual({ total: earned, promotional: earned });
    expect(m?.reliability.hint).toEqual(expect.any(String));
    expect(await t.server.services().ledger.sumOfBalances()).toBe(0n);

    // Another owner sees none of it, and cannot touch it.
    const stranger = await signIn(t.server);
    expect(await machines(stranger.token)).toEqual([]);
    for (const [method, payload] of [['PATCH', { name: 'mine now' }], ['DELETE', undefined]] as const) {
      const res = await api(method, `/api/owner/machines/${id.claims.hostId}`, stranger.token, payload);
      expect([res.statusCode, res.json().error.code]).toEqual([404, 'host.not_found']);
    }
    expect(t.server.services().registry.get(id.claims.hostId)).toBeDefined();
    host.socket.close();
  });

  it('renames, and sets the price coefficient live: the registry and the agent (host.settings) take it, and it outlives a reconnect', async () => {
    const id = await createFakeIdentity({ models: ['demo/priced'] });
    const host = await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t), priceCoefficientMilli: 1000 });
    const bad = await api('PATCH', `/api/owner/machines/${id.claims.hostId}`, owner.token, { priceCoefficientMilli: 5 });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'protocol.malformed_message']);

    const res = await api('PATCH', `/api/owner/machines/${id.claims.hostId}`, owner.token, { name: 'rig-1', priceCoefficientMilli: 2500 });
    expect(res.statusCode).toBe(200);
    expect(res.json().machine).toMatchObject({ id: id.claims.hostId, name: 'rig-1', priceCoefficientMilli: 2500 });
    await expect.poll(() => host.settings).toEqual([2500]);
    expect(t.server.services().registry.get(id.claims.hostId)?.priceCoefficientMilli).toBe(2500);
    expect((await t.server.app.inject('/api/hosts?model=demo/priced')).json().hosts).toEqual([{ hostId: id.claims.hostId, priceCoefficientMilli: 2500 }]);

    // The agent restarts with its old configured coefficient: the owner's setting wins and is sent to it.
    host.socket.close();
    await expect.poll(() => t.server.services().registry.get(id.claims.hostId)).toBeUndefined();
    const again = await FakeHost.start(t.wsUrl, await createFakeIdentity({ node: id.node, models: ['demo/priced'] }), { priceCoefficientMilli: 1000 });
    expect(t.server.services().registry.get(id.claims.hostId)?.priceCoefficientMilli).toBe(2500);
    expect(await again.socket.next<{ priceCoefficientMilli: number }>('host.settings')).toMatchObject({ priceCoefficientMilli: 2500 });
    again.socket.close();
  });

  it('a draining machine takes no new jobs and shows as draining', async () => {
    const id = await createFakeIdentity({ models: ['demo/drain'] });
    const host = await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t) });
    host.send({ type: 'host.drain' });
    await expect.poll(async () => (await machine(id.claims.hostId))?.status).toBe('draining');
    expect((await t.server.app.inject('/api/hosts?model=demo/drain')).json().hosts).toEqual([]);
    expect((await t.server.app.inject('/api/models')).json().models.map((m: { name: string }) => m.name)).not.toContain('demo/drain');
    const user = await signIn(t.server);
    const client = await openClient(t.wsUrl, user.token);
    const job = await sealJob(id, { model: 'demo/drain' });
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    expect(await client.next<ErrorFrame>('error')).toMatchObject({ error: { code: 'job.model_unavailable' } });
    expect(host.opened).toEqual([]);
    client.close();
    host.socket.close();
  });

  it('remove: the live connection is closed, it cannot connect again, and only a fresh token of its owner brings it back', async () => {
    const id = await createFakeIdentity({ models: ['demo/removed'] });
    const host = await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t) });
    const res = await api('DELETE', `/api/owner/machines/${id.claims.hostId}`);
    expect(res.statusCode).toBe(200);
    expect(await host.socket.next<ErrorFrame>('error')).toMatchObject({ error: { code: 'host.removed' } });
    expect((await host.socket.closed).code).toBe(1008);
    expect(await machine(id.claims.hostId)).toBeUndefined();

    const reboot = () => createFakeIdentity({ node: id.node, models: ['demo/removed'] });
    await expect(FakeHost.start(t.wsUrl, await reboot(), {})).rejects.toThrow('host.removed');
    const strangerToken = await enrollToken(t, await ownerId(t.server, TEST_OWNER_TELEGRAM_ID + 7));
    await expect(FakeHost.start(t.wsUrl, await reboot(), { enrollToken: strangerToken })).rejects.toThrow('host.enroll_token_invalid');
    const back = await FakeHost.start(t.wsUrl, await reboot(), { enrollToken: await enrollToken(t) });
    expect(await machine(id.claims.hostId)).toMatchObject({ status: 'online' });
    back.socket.close();
  });

  it('tells the owner through the bot when a machine is offline too long and when it is back, once each; never when they opted out', async () => {
    const s = t.server.services();
    const id = await createFakeIdentity({ models: ['demo/notify'] });
    const host = await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t) });
    await api('PATCH', `/api/owner/machines/${id.claims.hostId}`, owner.token, { name: 'garage-gpu' });
    host.socket.close();
    await expect.poll(async () => (await machine(id.claims.hostId))?.status).toBe('offline');
    const [row] = await db().select().from(hosts).where(eq(hosts.id, id.claims.hostId));
    const mine = () => rig.standin.messages.filter((m) => m.chatId === TEST_OWNER_TELEGRAM_ID && m.text.includes('garage-gpu')).map((m) => m.text);

    await maintain(s, new Date(row!.statusSince.getTime() + 30_000), { purge: false });
    expect(mine()).toEqual([]);
    const later = new Date(row!.statusSince.getTime() + 61_000);
    await maintain(s, later, { purge: false });
    await maintain(s, later, { purge: false });
    const hhmm = row!.statusSince.toISOString().slice(11, 16);
    expect(mine()).toEqual([`⚠️ garage-gpu is offline since ${hhmm} UTC`]);

    const back = await FakeHost.start(t.wsUrl, await createFakeIdentity({ node: id.node, models: ['demo/notify'] }), {});
    await maintain(s, new Date(), { purge: false });
    await maintain(s, new Date(), { purge: false });
    expect(mine()).toEqual([`⚠️ garage-gpu is offline since ${hhmm} UTC`, '✅ garage-gpu is back online']);

    // Opted out (the payouts helper's settings route writes this): nothing more is sent.
    await db().insert(owners).values({ userId: owner.userId, payoutAddress: `0:${'cd'.repeat(32)}`, payoutProvedAt: new Date(), notifications: false }).onConflictDoUpdate({ target: owners.userId, set: { notifications: false } });
    back.socket.close();
    await expect.poll(async () => (await machine(id.claims.hostId))?.status).toBe('offline');
    await maintain(s, new Date(Date.now() + 120_000), { purge: false });
    expect(mine()).toHaveLength(2);
  });

  it('at start, uptime a dead broker left open ends at the machine\'s last sighting', async () => {
    const id = await createFakeIdentity({ models: ['demo/dangling'] });
    const host = await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t) });
    host.socket.close();
    await expect.poll(async () => (await machine(id.claims.hostId))?.status).toBe('offline');
    // What a broker killed while the machine was online leaves behind.
    const seen = new Date(Date.now() - 10_000);
    await db().update(hosts).set({ status: 'online', lastSeen: seen }).where(eq(hosts.id, id.claims.hostId));
    await db().insert(hostUptime).values({ hostId: id.claims.hostId, startedAt: new Date(Date.now() - 20_000) });
    await closeDanglingUptime(db(), new Date());
    const intervals = await db().select().from(hostUptime).where(eq(hostUptime.hostId, id.claims.hostId));
    expect(intervals.every((i) => i.endedAt !== null)).toBe(true);
    expect(intervals.some((i) => i.endedAt?.getTime() === seen.getTime())).toBe(true);
    expect((await db().select().from(hosts).where(eq(hosts.id, id.claims.hostId)))[0]).toMatchObject({ status: 'offline', statusSince: seen });
  });
});
