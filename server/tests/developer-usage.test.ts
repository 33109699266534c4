import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { holdFor } from '@cocoon/shared/pricing';
import { USAGE_CSV_COLUMNS, UsageExportResponseSchema, type UsageItem } from '@cocoon/shared/protocol/developer';
import { apiKeySpend, jobs, transfers } from '../db/schema';
import { creditsText } from '../developer/key-budget';
import { utcDay } from '../developer/key-spending';
import { Accounts } from '../ledger/accounts';
import { HOLD_AFTER_HOST_MS } from '../relay/in-process-relay';
import { ciphertextBytes, openClient, sealJob } from './support/client';
import { DeveloperApi } from './support/developer';
import { createFakeIdentity, defaultScript, FakeHost, type FakeIdentity } from './support/fake-host';
import { HOST_COEFFICIENT, PRICE, STARTER } from './support/job-fixture';
import { backends, createScratchDatabase, dropScratchDatabase, postgresReachable } from './support/test-db';
import { enrollToken, signIn, startTestServer, type TestServer } from './support/test-server';

describe.each(backends)('developer usage and budgets on %s', (backend) => {
  const skip = backend === 'postgres' && !postgresReachable;
  let t: TestServer;
  let api: DeveloperApi;
  let id: FakeIdentity;
  let host: FakeHost;
  let url: string | undefined;

  beforeAll(async () => {
    if (skip) return;
    url = backend === 'postgres' ? await createScratchDatabase() : undefined;
    t = await startTestServer(url ? { DATABASE_URL: url } : {});
    api = new DeveloperApi(t.server);
    id = await createFakeIdentity({ models: ['demo/tiny'] });
    host = await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t), priceCoefficientMilli: Number(HOST_COEFFICIENT) });
  });
  afterAll(async () => {
    await t?.close();
    if (url) await dropScratchDatabase(url);
  });
  beforeEach(() => {
    if (host) host.script = defaultScript;
  });

  const services = () => t.server.services();
  const funds = (userId: string) => services().ledger.userFunds(userId);

  /** Sends one job with `token`; resolves with the settlement or the refusal. */
  async function run(token: string, opts: { maxTokens?: number } = {}) {
    const client = await openClient(t.wsUrl, token);
    try {
      const job = await sealJob(id, opts);
      client.send({ type: 'job.create', meta: job.meta, request: job.request });
      const first = await client.next<{ type: string; charged?: string; error?: { code: string; message: string } }>(undefined, 10_000);
      if (first.type === 'error') return { job, error: first.error!, charged: null };
      const settled = await client.next<{ charged: string }>('job.settled', 10_000);
      return { job, error: null, charged: BigInt(settled.charged) };
    } finally {
      client.close();
    }
  }

  const holdOf = (job: Awaited<ReturnType<typeof sealJob>>, maxTokens = 64) => holdFor(PRICE, ciphertextBytes(job), maxTokens, HOST_COEFFICIENT);

  /** Refused with `code`: nothing held or charged, no job recorded, the host never saw it. */
  async function expectRefused(token: string, userId: string, code: string, opts: { maxTokens?: number } = {}) {
    const before = await funds(userId);
    const opened = host.opened.length;
    const r = await run(token, opts);
    expect(r.error?.code).toBe(code);
    expect(await funds(userId)).toEqual(before);
    expect(await services().database.db.select().from(jobs).where(eq(jobs.id, r.job.meta.jobId))).toEqual([]);
    expect(host.opened.length).toBe(opened);
    expect(await services().ledger.sumOfBalances()).toBe(0n);
    return r;
  }

  it.skipIf(skip)('refuses a job above the key\'s per-request cap, holding nothing', async () => {
    const { token, userId } = await signIn(t.server);
    const probe = await sealJob(id, { maxTokens: 64 });
    const hold = holdOf(probe);
    const { key, secret } = await api.createKey(token, 'capped', { perRequest: hold - 1n });
    const r = await expectRefused(secret, userId, 'apikey.request_cap_exceeded');
    expect(r.error!.message).toContain(`per-request cap of key 'capped' (${creditsText(hold - 1n)})`);
    // A smaller job fits under the cap; raising the cap lets the first size through.
    expect((await run(secret, { maxTokens: 8 })).charged).toBeGreaterThan(0n);
    await api.setLimits(token, key.id, { perRequest: hold + 1000n });
    expect((await run(secret)).charged).toBeGreaterThan(0n);
  });

  it.skipIf(skip)('refuses a job that would pass the key\'s total budget, naming it, and keeps the ledger whole', async () => {
    const { token, userId } = await signIn(t.server);
    const { key, secret } = await api.createKey(token, 'ci-bot');
    const first = await run(secret);
    const charged = first.charged!;
    const hold = holdOf(first.job);
    // Room for exactly one more worst case, less one micro-credit.
    await api.setLimits(token, key.id, { total: charged + hold - 1n });
    const r = await expectRefused(secret, userId, 'apikey.budget_exceeded');
    expect(r.error!.message).toBe(`total budget of key 'ci-bot' exhausted (spent ${creditsText(charged)} of ${creditsText(charged + hold - 1n)} credits; this request can cost up to ${creditsText(holdOf(r.job))})`);
    await api.setLimits(token, key.id, { total: charged + hold });
    expect((await run(secret)).charged).toBe(charged);
    expect((await api.listKeys(token)).keys[0]!.spent).toEqual({ total: 2n * charged, today: 2n * charged });
  });

  it.skipIf(skip)('refuses a job past the daily budget; earlier days count toward the total only', async () => {
    const { token, userId } = await signIn(t.server);
    const { key, secret } = await api.createKey(token, 'daily');
    const first = await run(secret);
    const charged = first.charged!;
    const hold = holdOf(first.job);
    // Yesterday's spending, as the settlement of a job made yesterday would have recorded it.
    const yesterday = utcDay(new Date(Date.now() - 86_400_000));
    await services().database.db.insert(apiKeySpend).values({ apiKeyId: key.id, day: yesterday, spent: 50_000_000n });
    await api.setLimits(token, key.id, { daily: charged + hold - 1n });
    const r = await expectRefused(secret, userId, 'apikey.budget_exceeded');
    expect(r.error!.message).toMatch(new RegExp(`^daily budget of key 'daily' exhausted \\(spent ${creditsText(charged).replace('.', '\\.')} of .* credits today;`));
    await api.setLimits(token, key.id, { daily: charged + hold });
    expect((await run(secret)).charged).toBe(charged);
    expect((await api.listKeys(token)).keys[0]!.spent).toEqual({ total: 50_000_000n + 2n * charged, today: 2n * charged });
    // The total budget sees yesterday.
    await api.setLimits(token, key.id, { total: 50_000_000n + 2n * charged + hold - 1n });
    await expectRefused(secret, userId, 'apikey.budget_exceeded');
  });

  it.skipIf(skip)('a key with no limits goes to its host early, as a session does; once it has limits, its jobs wait for the budget check', async () => {
    const { token, userId } = await signIn(t.server);
    const { key, secret } = await api.createKey(token, 'open');
    const client = await openClient(t.wsUrl, secret);
    const acceptedFor = async (jobId: string) => {
      let m = await client.next<{ jobId: string }>('job.accepted');
      while (m.jobId !== jobId) m = await client.next<{ jobId: string }>('job.accepted');
    };
    const first = await sealJob(id);
    client.send({ type: 'job.create', meta: first.meta, request: first.request });
    const settled = await client.next<{ charged: string }>('job.settled');
    // Funded now: the next job reaches a host that never answers before its hold is placed.
    host.script = { ...defaultScript, stall: true };
    const early = await sealJob(id);
    const sent = performance.now();
    client.send({ type: 'job.create', meta: early.meta, request: early.request });
    await acceptedFor(early.meta.jobId);
    // Sent to the host before its hold, which waited HOLD_AFTER_HOST_MS for an answer that never came.
    expect(host.opened.some((m) => m.jobId === early.meta.jobId)).toBe(true);
    expect(performance.now() - sent).toBeGreaterThanOrEqual(HOLD_AFTER_HOST_MS - 1);
    // Limits set while the key is connected (the stalled job's hold counts against them): the next
    // job is looked up again, and never reaches a host past them.
    await api.setLimits(token, key.id, { total: BigInt(settled.charged) + holdOf(first) - 1n });
    const opened = host.opened.length;
    const before = await funds(userId);
    const past = await sealJob(id);
    client.send({ type: 'job.create', meta: past.meta, request: past.request });
    expect(await client.next('error')).toMatchObject({ jobId: past.meta.jobId, error: { code: 'apikey.budget_exceeded' } });
    expect(host.opened.length).toBe(opened);
    expect(await funds(userId)).toEqual(before);
    expect(await services().ledger.sumOfBalances()).toBe(0n);
    client.close();
  });

  it.skipIf(skip)('counts what the key\'s jobs in flight hold against its budget', async () => {
    const { token, userId } = await signIn(t.server);
    const probe = await sealJob(id);
    const hold = holdOf(probe);
    const { secret } = await api.createKey(token, 'inflight', { daily: 2n * hold - 1n });
    host.script = { ...defaultScript, stall: true };
    const stalled = await openClient(t.wsUrl, secret);
    const job = await sealJob(id);
    stalled.send({ type: 'job.create', meta: job.meta, request: job.request });
    await stalled.next('job.accepted');
    await vi.waitFor(() => expect(host.opened.some((m) => m.jobId === job.meta.jobId)).toBe(true));
    const r = await expectRefused(secret, userId, 'apikey.budget_exceeded');
    expect(r.error!.message).toContain(`${creditsText(holdOf(job))} on hold`);
    stalled.close();
  });

  it.skipIf(skip)('lets concurrent jobs of one key through only as far as its budget goes', async () => {
    const { token, userId } = await signIn(t.server);
    const hold = holdOf(await sealJob(id));
    const { secret } = await api.createKey(token, 'racer', { total: 2n * hold - 1n });
    host.script = { ...defaultScript, stall: true };
    const clients = await Promise.all([0, 1, 2].map(() => openClient(t.wsUrl, secret)));
    const sealed = await Promise.all(clients.map(() => sealJob(id)));
    clients.forEach((c, i) => c.send({ type: 'job.create', meta: sealed[i]!.meta, request: sealed[i]!.request }));
    const answers = await Promise.all(clients.map((c) => c.next<{ type: string; error?: { code: string } }>()));
    expect(answers.filter((a) => a.type === 'job.accepted')).toHaveLength(1);
    expect(answers.filter((a) => a.error?.code === 'apikey.budget_exceeded')).toHaveLength(2);
    expect((await funds(userId)).held).toBe(hold);
    clients.forEach((c) => c.close());
  });

  it.skipIf(skip)('logs every request of a key, and the usage, the generation lookup and the ledger agree to the micro-credit', async () => {
    const { token, userId } = await signIn(t.server);
    const a = await api.createKey(token, 'key-a');
    const b = await api.createKey(token, 'key-b');
    const charges = new Map<string, bigint>();
    for (const [secret, maxTokens] of [[a.secret, 64], [b.secret, 32], [a.secret, 16], [b.secret, 64], [a.secret, 48]] as const) {
      const r = await run(secret, { maxTokens });
      charges.set(r.job.meta.jobId, r.charged!);
    }
    host.script = { ...defaultScript, fail: true };
    const failed = await openClient(t.wsUrl, a.secret);
    const failedJob = await sealJob(id);
    failed.send({ type: 'job.create', meta: failedJob.meta, request: failedJob.request });
    await failed.next('error');
    failed.close();
    host.script = defaultScript;
    const chat = await run(token); // the Mini App's own job: not developer usage

    // Every page, two at a time.
    const items: UsageItem[] = [];
    let cursor: string | null = null;
    do {
      const page = await api.usage(token, { limit: '2', ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(items.map((i) => i.id)).toEqual([failedJob.meta.jobId, ...[...charges.keys()].reverse()]);
    expect(items[0]).toMatchObject({ keyId: a.key.id, keyName: 'key-a', status: 'failed', errorCode: 'engine.unavailable', cost: 0n, receiptId: null });

    const db = services().database.db;
    for (const item of items.slice(1)) {
      expect(item).toMatchObject({ model: 'demo/tiny', hostId: id.claims.hostId, status: 'settled', promptTokens: 21, completionTokens: 3, cost: charges.get(item.id) });
      expect(item.receiptId).toMatch(/^[0-9a-f]{64}$/);
      const moved = await db.select().from(transfers).where(and(eq(transfers.jobId, item.id), eq(transfers.debitAccount, Accounts.user(userId).id)));
      const fromLedger = moved.reduce((sum, m) => sum + m.amount, 0n);
      const g = await api.generation(token, item.id);
      expect(g).toMatchObject({ id: item.id, keyId: item.keyId, cost: fromLedger, status: 'settled', receiptId: item.receiptId, finishReason: 'stop' });
      expect(g.hostEarning + g.networkFee).toBe(g.cost);
      expect(g.cost).toBe(item.cost);
    }
    // The user's balance fell by exactly the usage plus the chat job.
    const usageTotal = items.reduce((sum, i) => sum + (i.cost ?? 0n), 0n);
    expect((await funds(userId)).balance).toBe(STARTER - usageTotal - chat.charged!);
    expect(await services().ledger.sumOfBalances()).toBe(0n);
    const keys = (await api.listKeys(token)).keys;
    const spentBy = (keyId: string) => items.filter((i) => i.keyId === keyId).reduce((sum, i) => sum + (i.cost ?? 0n), 0n);
    expect(keys.find((k) => k.id === a.key.id)!.spent).toEqual({ total: spentBy(a.key.id), today: spentBy(a.key.id) });
    expect(keys.find((k) => k.id === b.key.id)!.spent).toEqual({ total: spentBy(b.key.id), today: spentBy(b.key.id) });
    // The chat job: the session sees its cost; it is not developer usage.
    expect((await api.generation(token, chat.job.meta.jobId)).cost).toBe(chat.charged);

    // Filters: by key and by day.
    expect((await api.usage(token, { key: b.key.id })).items.map((i) => i.id)).toEqual(items.filter((i) => i.keyId === b.key.id).map((i) => i.id));
    expect((await api.usage(token, { day: utcDay(new Date()) })).items).toHaveLength(items.length);
    expect((await api.usage(token, { day: '2001-01-01' })).items).toEqual([]);

    // A key sees only its own requests.
    const own = await api.usage(a.secret);
    expect(own.items.map((i) => i.id)).toEqual(items.filter((i) => i.keyId === a.key.id).map((i) => i.id));
    expect(await api.error('GET', `/api/developer/usage?key=${b.key.id}`, a.secret)).toMatchObject({ status: 404, code: 'apikey.not_found' });
    const bJob = items.find((i) => i.keyId === b.key.id)!.id;
    expect(await api.error('GET', `/api/developer/generation/${bJob}`, a.secret)).toMatchObject({ status: 404, code: 'job.not_found' });
    expect(await api.error('GET', `/api/developer/generation/${chat.job.meta.jobId}`, a.secret)).toMatchObject({ status: 404, code: 'job.not_found' });
    expect((await api.generation(b.secret, bJob)).cost).toBe(charges.get(bJob));
    // Another user sees none of it.
    const other = await signIn(t.server);
    expect((await api.usage(other.token)).items).toEqual([]);
    expect(await api.error('GET', `/api/developer/generation/${bJob}`, other.token)).toMatchObject({ status: 404, code: 'job.not_found' });
    expect(await api.error('GET', `/api/developer/usage?key=${a.key.id}`, other.token)).toMatchObject({ status: 404, code: 'apikey.not_found' });
    expect(await api.error('GET', '/api/developer/usage?cursor=nonsense', token)).toMatchObject({ status: 400, code: 'protocol.malformed_message' });

    // CSV: with the key, and through a signed export link without any credential.
    const csv = (await api.request('GET', '/api/developer/usage.csv', a.secret)).body.trimEnd().split('\r\n');
    expect(csv[0]).toBe(USAGE_CSV_COLUMNS.join(','));
    expect(csv.slice(1).map((l) => l.split(',')[1])).toEqual(own.items.map((i) => i.id));
    const settledLine = csv.find((l) => l.includes(own.items[1]!.id))!.split(',');
    expect(settledLine[8]).toBe(String(own.items[1]!.cost));
    const link = UsageExportResponseSchema.parse((await api.request('POST', '/api/developer/usage/export', token, { key: b.key.id })).json());
    const exported = await api.request('GET', link.url, undefined);
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toContain('text/csv');
    expect(exported.headers['content-disposition']).toContain(link.fileName);
    expect(exported.body.trimEnd().split('\r\n').slice(1).map((l) => l.split(',')[1])).toEqual(items.filter((i) => i.keyId === b.key.id).map((i) => i.id));
    // The link names its user and filter: changing either breaks it.
    expect(await api.error('GET', link.url.replace(`key=${b.key.id}`, `key=${a.key.id}`), undefined)).toMatchObject({ status: 401, code: 'developer.export_link_invalid' });
    expect(await api.error('GET', link.url.replace(/u=[^&]+/, `u=${other.userId}`), undefined)).toMatchObject({ status: 401, code: 'developer.export_link_invalid' });
    expect(await api.error('POST', '/api/developer/usage/export', a.secret, {})).toMatchObject({ status: 403, code: 'apikey.forbidden' });
  });
});
