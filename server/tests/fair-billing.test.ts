import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { costOf, holdFor } from '@cocoon/shared/pricing';
import type { SignedReceipt } from '@cocoon/shared/protocol/receipt';
import { holds, transfers } from '../db/schema';
import { ciphertextBytes, openClient, sealJob } from './support/client';
import { defaultScript } from './support/fake-host';
import { HOST_COEFFICIENT, PRICE, STARTER, startJobFixture, type JobFixture } from './support/job-fixture';
import { signIn } from './support/test-server';

type ErrorFrame = { jobId: string; error: { code: string }; charged?: string };

/**
 * The billing rules, with exact numbers against a scripted host: a cancelled answer pays its prompt
 * and the tokens streamed, per the enclave's receipt; an answer that ends before its first token
 * pays nothing; no job holds or pays more than the user's max charge. The ledger sums to zero after each.
 */
describe('fair billing', () => {
  let f: JobFixture;
  const LONG_PROMPT = 'Tell me everything about the GPL. '.repeat(120); // ~4 KiB: a 4 KiB padding bucket

  beforeAll(async () => {
    f = await startJobFixture();
  });
  afterAll(async () => f?.t.close());
  beforeEach(() => {
    f.host.script = defaultScript;
  });
  afterEach(async () => {
    expect(await f.t.server.services().ledger.sumOfBalances()).toBe(0n);
  });

  const db = () => f.t.server.services().database.db;
  const holdRow = async (jobId: string) => (await db().select().from(holds).where(eq(holds.jobId, jobId)))[0];
  const transfersOf = (jobId: string) => db().select().from(transfers).where(eq(transfers.jobId, jobId));

  /** Opens a job, waits for its first answer chunk (unless `cancelFirst`), then cancels it. */
  async function cancelledJob(opts: { cancelFirst?: boolean } = {}) {
    const { token, userId } = await signIn(f.t.server);
    const client = await openClient(f.t.wsUrl, token);
    const job = await sealJob(f.id, { prompt: LONG_PROMPT, maxTokens: 256 });
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    const { hold } = await client.next<{ hold: string }>('job.accepted');
    if (opts.cancelFirst) await client.next('job.start');
    else await client.next('job.chunk');
    client.send({ type: 'job.cancel', jobId: job.meta.jobId });
    return { client, job, userId, hold: BigInt(hold) };
  }

  it('a job cancelled after its first token pays its whole prompt and the tokens streamed, per the receipt', async () => {
    f.host.script = { deltas: ['Once', ' upon'], usage: { promptTokens: 1_100, completionTokens: 2 }, awaitCancel: true };
    const { client, job, userId, hold } = await cancelledJob();
    const settled = await client.next<{ receipt: SignedReceipt; charged: string; balance: string }>('job.settled');
    expect(settled.receipt.receipt).toMatchObject({ finishReason: 'cancelled', promptTokens: 1_100, completionTokens: 2 });
    const charged = costOf(PRICE, { promptTokens: 1_100, completionTokens: 2 }, HOST_COEFFICIENT);
    expect(charged).toBe(1_656_000n); // (1100 × 1000 + 2 × 2000 credits per 1M tokens) × 1.5
    expect(BigInt(settled.charged)).toBe(charged);
    expect(charged).toBeLessThanOrEqual(hold);
    expect(await f.funds(userId)).toEqual({ balance: STARTER - charged, held: 0n, available: STARTER - charged });
    expect(await holdRow(job.meta.jobId)).toMatchObject({ status: 'settled', charged });
    expect((await transfersOf(job.meta.jobId)).reduce((sum, t) => sum + t.amount, 0n)).toBe(charged);
    expect(await f.jobRow(job.meta.jobId)).toMatchObject({ status: 'settled', promptTokens: 1_100, completionTokens: 2, charged });
    client.close();
  });

  it('refuses a cancelled receipt that bills more completion tokens than were streamed', async () => {
    f.host.script = { deltas: ['Once'], usage: { promptTokens: 1_100, completionTokens: 40 }, awaitCancel: true };
    const { client, job, userId } = await cancelledJob();
    expect(await client.next<ErrorFrame>('error')).toMatchObject({ jobId: job.meta.jobId, error: { code: 'receipt.mismatch' }, charged: '0' });
    expect(await f.funds(userId)).toEqual({ balance: STARTER, held: 0n, available: STARTER });
    expect(await transfersOf(job.meta.jobId)).toEqual([]);
    client.close();
  });

  it('counts the engine deltas a coalesced chunk carries (its pieces): a cancelled answer bills up to their sum, not one per chunk', async () => {
    // Two chunks carrying 3 and 2 deltas: up to 5 completion tokens were streamed.
    f.host.script = { deltas: ['Once upon', ' a'], pieces: [3, 2], usage: { promptTokens: 1_100, completionTokens: 5 }, awaitCancel: true };
    const fine = await cancelledJob();
    const settled = await fine.client.next<{ receipt: SignedReceipt; charged: string }>('job.settled');
    expect(settled.receipt.receipt).toMatchObject({ finishReason: 'cancelled', completionTokens: 5 });
    expect(BigInt(settled.charged)).toBe(costOf(PRICE, { promptTokens: 1_100, completionTokens: 5 }, HOST_COEFFICIENT));
    fine.client.close();

    f.host.script = { ...f.host.script, usage: { promptTokens: 1_100, completionTokens: 6 } };
    const over = await cancelledJob();
    expect(await over.client.next<ErrorFrame>('error')).toMatchObject({ jobId: over.job.meta.jobId, error: { code: 'receipt.mismatch' }, charged: '0' });
    expect(await f.funds(over.userId)).toEqual({ balance: STARTER, held: 0n, available: STARTER });
    over.client.close();
  });

  it('a job cancelled before its first token costs nothing, whatever the receipt says: hold released, no transfer', async () => {
    // A host that would bill the prompt of an answer it never started.
    f.host.script = { deltas: [], usage: { promptTokens: 1_100, completionTokens: 0 }, awaitCancel: true };
    const { client, job, userId } = await cancelledJob({ cancelFirst: true });
    expect(await client.next<ErrorFrame>('error')).toMatchObject({ jobId: job.meta.jobId, error: { code: 'job.cancelled' }, charged: '0' });
    expect(client.pending().filter((m) => (m as { type: string }).type === 'job.settled')).toEqual([]);
    expect(await f.funds(userId)).toEqual({ balance: STARTER, held: 0n, available: STARTER });
    expect(await holdRow(job.meta.jobId)).toMatchObject({ status: 'released', charged: null });
    expect(await transfersOf(job.meta.jobId)).toEqual([]);
    expect(await f.jobRow(job.meta.jobId)).toMatchObject({ status: 'failed', errorCode: 'job.cancelled', charged: 0n });
    client.close();
  });

  it('an answer that fails before its first token costs nothing and says so: hold released, no transfer', async () => {
    f.host.script = { ...defaultScript, fail: true };
    const { token, userId } = await signIn(f.t.server);
    const client = await openClient(f.t.wsUrl, token);
    const job = await sealJob(f.id, { prompt: LONG_PROMPT });
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    await client.next('job.accepted');
    expect((await f.funds(userId)).held).toBeGreaterThan(0n);
    expect(await client.next<ErrorFrame>('error')).toEqual({
      type: 'error', jobId: job.meta.jobId, error: { code: 'engine.unavailable', message: expect.any(String) }, charged: '0',
    });
    expect(await f.funds(userId)).toEqual({ balance: STARTER, held: 0n, available: STARTER });
    expect(await holdRow(job.meta.jobId)).toMatchObject({ status: 'released' });
    expect(await transfersOf(job.meta.jobId)).toEqual([]);
    client.close();
  });

  it('refuses a job over the user\'s cap before anything is held; a cap equal to the hold is held in full and never exceeded', async () => {
    const { token, userId } = await signIn(f.t.server);
    const client = await openClient(f.t.wsUrl, token);
    const probe = await sealJob(f.id, { maxTokens: 128 });
    const worstCase = holdFor(PRICE, ciphertextBytes(probe), 128, HOST_COEFFICIENT);

    const over = await sealJob(f.id, { maxTokens: 128, maxCharge: worstCase - 1n });
    client.send({ type: 'job.create', meta: over.meta, request: over.request });
    expect(await client.next<ErrorFrame>('error')).toMatchObject({ jobId: over.meta.jobId, error: { code: 'job.price_above_limit' } });
    expect(await holdRow(over.meta.jobId)).toBeUndefined();
    expect(await f.jobRow(over.meta.jobId)).toBeUndefined();
    expect(f.host.opened.map((m) => m.jobId)).not.toContain(over.meta.jobId);
    expect(await f.funds(userId)).toEqual({ balance: STARTER, held: 0n, available: STARTER });

    const exact = await sealJob(f.id, { maxTokens: 128, maxCharge: worstCase });
    client.send({ type: 'job.create', meta: exact.meta, request: exact.request });
    expect(BigInt((await client.next<{ hold: string }>('job.accepted')).hold)).toBe(worstCase);
    const settled = await client.next<{ charged: string }>('job.settled');
    expect(BigInt(settled.charged)).toBe(costOf(PRICE, defaultScript.usage, HOST_COEFFICIENT));
    expect(BigInt(settled.charged)).toBeLessThanOrEqual(worstCase);
    // The enclave gets the base price with the job, to check the same worst case against the same cap.
    expect(f.host.prices.get(exact.meta.jobId)).toEqual(PRICE);
    client.close();
  });
});
