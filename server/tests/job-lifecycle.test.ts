import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { costOf, holdFor } from '@cocoon/shared/pricing';
import type { SignedReceipt } from '@cocoon/shared/protocol/receipt';
import { Accounts } from '../ledger/accounts';
import { HOLD_AFTER_HOST_MS } from '../relay/in-process-relay';
import { insertJob } from '../relay/jobs-repo';
import { ciphertextBytes, openClient, sealJob } from './support/client';
import { createFakeIdentity, defaultScript, FakeHost } from './support/fake-host';
import { HOST_COEFFICIENT, PRICE, STARTER, startJobFixture, type JobFixture } from './support/job-fixture';
import { enrollToken, signIn } from './support/test-server';

describe('job lifecycle: refusals, cancellation, failures and timeouts', () => {
  let f: JobFixture;
  let t: JobFixture['t'];
  let id: JobFixture['id'];
  let host: JobFixture['host'];

  beforeAll(async () => {
    f = await startJobFixture();
    ({ t, id, host } = f);
  });
  afterAll(async () => f?.t.close());
  beforeEach(() => {
    host.script = defaultScript;
  });

  const funds = (userId: string) => f.funds(userId);
  const jobRow = (jobId: string) => f.jobRow(jobId);

  it('refuses a job when the user cannot cover the hold, charging nothing', async () => {
    const { token, userId } = await signIn(t.server);
    const services = t.server.services();
    const job = await sealJob(id, { maxTokens: 4096 });
    // Spend all but less than the hold.
    const hold = holdFor(PRICE, ciphertextBytes(job), 4096, HOST_COEFFICIENT);
    await services.ledger.transfer({ debit: Accounts.user(userId), credit: Accounts.networkFees, amount: STARTER - hold + 1n, kind: 'job_commission', idempotencyKey: `drain:${userId}` });
    const client = await openClient(t.wsUrl, token);
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    expect(await client.next('error')).toMatchObject({ jobId: job.meta.jobId, error: { code: 'ledger.insufficient_credits' } });
    expect(await funds(userId)).toEqual({ balance: hold - 1n, held: 0n, available: hold - 1n });
    expect(host.opened.map((m) => m.jobId)).not.toContain(job.meta.jobId);
    client.close();
  });

  it('sends a funded user\'s next job to its host while the hold commits; a hold refused after all cancels it there, charging nothing', async () => {
    const { token, userId } = await signIn(t.server);
    const services = t.server.services();
    const client = await openClient(t.wsUrl, token);
    // A first job, held before it goes to the host: the user is now known to have had the credits.
    const first = await sealJob(id);
    client.send({ type: 'job.create', meta: first.meta, request: first.request });
    const settled = await client.next<{ balance: string }>('job.settled');
    // The credits are spent elsewhere meanwhile (another broker, a payout): the next hold fails.
    const job = await sealJob(id, { maxTokens: 4096 });
    const hold = holdFor(PRICE, ciphertextBytes(job), 4096, HOST_COEFFICIENT);
    await services.ledger.transfer({ debit: Accounts.user(userId), credit: Accounts.networkFees, amount: BigInt(settled.balance) - hold + 1n, kind: 'job_commission', idempotencyKey: `drain:${userId}` });
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    expect(await client.next('error')).toMatchObject({ jobId: job.meta.jobId, error: { code: 'ledger.insufficient_credits' } });
    // It reached the host early, and was cancelled there; the client saw nothing of it.
    expect(host.opened.map((m) => m.jobId)).toContain(job.meta.jobId);
    await expect.poll(() => host.cancelled.has(job.meta.jobId)).toBe(true);
    expect(client.pending()).not.toContainEqual(expect.objectContaining({ type: 'job.accepted', jobId: job.meta.jobId }));
    expect(await funds(userId)).toEqual({ balance: hold - 1n, held: 0n, available: hold - 1n });
    // After a refused hold the next job waits for its hold before the host sees it.
    const next = await sealJob(id, { maxTokens: 4096 });
    client.send({ type: 'job.create', meta: next.meta, request: next.request });
    expect(await client.next('error')).toMatchObject({ jobId: next.meta.jobId, error: { code: 'ledger.insufficient_credits' } });
    expect(host.opened.map((m) => m.jobId)).not.toContain(next.meta.jobId);
    expect(await services.ledger.sumOfBalances()).toBe(0n);
    client.close();
  });

  it('a funded user\'s job goes to its host first; its hold waits for the host\'s answer, at most HOLD_AFTER_HOST_MS', async () => {
    const { token, userId } = await signIn(t.server);
    const client = await openClient(t.wsUrl, token);
    const first = await sealJob(id);
    client.send({ type: 'job.create', meta: first.meta, request: first.request });
    await client.next('job.settled');
    // A host that never answers: the hold is placed when the wait runs out, as for a job not sent early.
    host.script = { ...defaultScript, stall: true };
    const job = await sealJob(id);
    const sent = performance.now();
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    await expect.poll(() => host.opened.some((m) => m.jobId === job.meta.jobId)).toBe(true);
    let accepted = await client.next<{ jobId: string; hold: string }>('job.accepted');
    while (accepted.jobId !== job.meta.jobId) accepted = await client.next<{ jobId: string; hold: string }>('job.accepted'); // the first job's is still in the inbox
    expect(performance.now() - sent).toBeGreaterThanOrEqual(HOLD_AFTER_HOST_MS - 1);
    expect((await funds(userId)).held).toBe(BigInt(accepted.hold));
    expect(await jobRow(job.meta.jobId)).toMatchObject({ status: 'open' });
    client.send({ type: 'job.cancel', jobId: job.meta.jobId });
    client.close();
  });

  it('a funded user\'s session that expired while connected opens no new job: refused before its host sees it, nothing held', async () => {
    const { userId } = await signIn(t.server);
    const services = t.server.services();
    // A session of this user that expires in 1.5 s (issued as if earlier: its lifetime is the configured one).
    const expiresInMs = 1_500;
    const issuedAt = new Date(Date.now() + expiresInMs - t.config.SESSION_TTL_S * 1000);
    const { token, expiresAt } = await services.sessions.issue(userId, issuedAt);
    const client = await openClient(t.wsUrl, token);
    const first = await sealJob(id);
    client.send({ type: 'job.create', meta: first.meta, request: first.request });
    await client.next('job.settled');
    const before = await funds(userId);
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt.getTime() - Date.now() + 10)));
    const job = await sealJob(id);
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    expect(await client.next('error')).toMatchObject({ jobId: job.meta.jobId, error: { code: 'auth.session_expired' } });
    expect(host.opened.map((m) => m.jobId)).not.toContain(job.meta.jobId);
    expect(client.pending()).not.toContainEqual(expect.objectContaining({ jobId: job.meta.jobId, type: 'job.accepted' }));
    expect(await funds(userId)).toEqual(before);
    expect(await jobRow(job.meta.jobId)).toBeUndefined();
    expect(await services.ledger.sumOfBalances()).toBe(0n);
    client.close();
  });

  it('refuses a job whose worst case at the host\'s price is above its max charge, charging nothing', async () => {
    const { token, userId } = await signIn(t.server);
    const before = await funds(userId);
    const client = await openClient(t.wsUrl, token);
    const probe = await sealJob(id);
    const job = await sealJob(id, { maxCharge: holdFor(PRICE, ciphertextBytes(probe), 64, HOST_COEFFICIENT) - 1n });
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    expect(await client.next('error')).toMatchObject({ jobId: job.meta.jobId, error: { code: 'job.price_above_limit' } });
    expect(await funds(userId)).toEqual(before);
    expect(host.opened.map((m) => m.jobId)).not.toContain(job.meta.jobId);
    client.close();
  });

  it('refuses a model no online host serves, and an unknown host', async () => {
    const { token } = await signIn(t.server);
    const client = await openClient(t.wsUrl, token);
    const other = await sealJob(id, { model: 'nobody/serves-this' });
    client.send({ type: 'job.create', meta: other.meta, request: other.request });
    expect(await client.next('error')).toMatchObject({ jobId: other.meta.jobId, error: { code: 'job.model_unavailable' } });
    const job = await sealJob(id);
    client.send({ type: 'job.create', meta: { ...job.meta, hostId: 'offline-host' }, request: job.request });
    expect(await client.next('error')).toMatchObject({ error: { code: 'job.model_unavailable' } });
    client.close();
  });

  it('refuses a replayed job id, even after the first one settled', async () => {
    const { token, userId } = await signIn(t.server);
    const client = await openClient(t.wsUrl, token);
    const job = await sealJob(id);
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    const settled = await client.next<{ balance: string }>('job.settled');
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    expect(await client.next('error')).toMatchObject({ jobId: job.meta.jobId, error: { code: 'job.invalid_state' } });
    expect((await funds(userId)).balance).toBe(BigInt(settled.balance));
    expect(host.opened.filter((m) => m.jobId === job.meta.jobId)).toHaveLength(1);
    client.close();
  });

  it('releases the hold with job.host_gone when the host dies mid-stream', async () => {
    const dying = await createFakeIdentity({ models: ['demo/dying'] });
    const dyingHost = await FakeHost.start(t.wsUrl, dying, { enrollToken: await enrollToken(t) });
    dyingHost.script = { ...defaultScript, dieAfterDeltas: 2 };
    const { token, userId } = await signIn(t.server);
    const client = await openClient(t.wsUrl, token);
    const job = await sealJob(dying);
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    await client.next('job.accepted');
    await client.next('job.chunk');
    expect(await client.next('error')).toEqual({ type: 'error', jobId: job.meta.jobId, error: { code: 'job.host_gone', message: expect.any(String) }, charged: '0' });
    expect(await funds(userId)).toEqual({ balance: STARTER, held: 0n, available: STARTER });
    const models = await t.server.app.inject('/api/models');
    expect(models.json().models.map((m: { name: string }) => m.name)).not.toContain('demo/dying');
    client.close();
  });

  it('a cancelled job is settled from the host\'s receipt for what it produced', async () => {
    host.script = { deltas: ['partial'], usage: { promptTokens: 0, completionTokens: 1 }, awaitCancel: true };
    const { token, userId } = await signIn(t.server);
    const client = await openClient(t.wsUrl, token);
    const job = await sealJob(id);
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    await client.next('job.chunk');
    client.send({ type: 'job.cancel', jobId: job.meta.jobId });
    const settled = await client.next<{ receipt: SignedReceipt; charged: string }>('job.settled');
    expect(settled.receipt.receipt.finishReason).toBe('cancelled');
    expect(BigInt(settled.charged)).toBe(costOf(PRICE, { promptTokens: 0, completionTokens: 1 }, HOST_COEFFICIENT));
    expect((await funds(userId)).held).toBe(0n);
    client.close();
  });

  it('a client that disconnects cancels its job at the host, which still settles', async () => {
    host.script = { deltas: ['partial'], usage: { promptTokens: 0, completionTokens: 1 }, awaitCancel: true };
    const { token, userId } = await signIn(t.server);
    const client = await openClient(t.wsUrl, token);
    const job = await sealJob(id);
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    await client.next('job.chunk');
    client.terminate();
    await expect.poll(() => host.cancelled.has(job.meta.jobId)).toBe(true);
    const charged = costOf(PRICE, { promptTokens: 0, completionTokens: 1 }, HOST_COEFFICIENT);
    await expect.poll(async () => (await funds(userId)).balance).toBe(STARTER - charged);
    expect((await funds(userId)).held).toBe(0n);
  });

  it('times out a job with no host activity, releasing the hold and cancelling at the host', async () => {
    host.script = { ...defaultScript, stall: true };
    const { token, userId } = await signIn(t.server);
    const client = await openClient(t.wsUrl, token);
    const job = await sealJob(id);
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    await client.next('job.accepted');
    expect((await funds(userId)).held).toBeGreaterThan(0n);
    await t.server.services().relay.sweep(new Date(Date.now() + 121_000));
    expect(await client.next('error')).toMatchObject({ jobId: job.meta.jobId, error: { code: 'job.timeout' } });
    await expect.poll(() => host.cancelled.has(job.meta.jobId)).toBe(true);
    expect(await funds(userId)).toEqual({ balance: STARTER, held: 0n, available: STARTER });
    client.close();
  });

  it('the sweeper releases holds left behind by a broker that died mid-job', async () => {
    const { userId } = await signIn(t.server);
    const { database, ledger, relay } = t.server.services();
    const meta = { jobId: crypto.randomUUID(), hostId: id.claims.hostId, model: 'demo/tiny', maxTokens: 8, maxCharge: '1234' };
    await database.db.transaction(async (tx) => {
      await ledger.placeHold({ jobId: meta.jobId, userId, amount: 1234n, expiresAt: new Date(Date.now() + 60_000) }, tx);
      await insertJob(tx, { meta, userId, requestBytes: 100, hold: 1234n });
    });
    await relay.sweep(new Date());
    expect((await funds(userId)).held).toBe(1234n);
    await relay.sweep(new Date(Date.now() + 61_000));
    expect((await funds(userId)).held).toBe(0n);
    expect(await jobRow(meta.jobId)).toMatchObject({ status: 'failed', errorCode: 'job.timeout' });
  });
});
