import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { costOf, holdFor } from '@cocoon/shared/pricing';
import type { SealedChunk } from '@cocoon/shared/protocol/jobs';
import type { SignedReceipt } from '@cocoon/shared/protocol/receipt';
import { Accounts } from '../ledger/accounts';
import { ciphertextBytes, openClient, sealJob } from './support/client';
import { defaultScript } from './support/fake-host';
import { HOST_COEFFICIENT, PRICE, STARTER, startJobFixture, type JobFixture } from './support/job-fixture';
import { signIn } from './support/test-server';

type Frame = Record<string, unknown>;

describe('settling jobs from signed receipts', () => {
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

  it('relays sealed chunks unchanged and charges exactly the receipt', async () => {
    const { token, userId } = await signIn(t.server);
    const client = await openClient(t.wsUrl, token);
    const job = await sealJob(id, { maxTokens: 64 });
    client.send({ type: 'job.create', meta: job.meta, request: job.request });

    const accepted = await client.next<{ hold: string }>('job.accepted');
    const expectedHold = holdFor(PRICE, ciphertextBytes(job), 64, HOST_COEFFICIENT);
    expect(BigInt(accepted.hold)).toBe(expectedHold);

    const start = await client.next<{ responseNonce: string }>('job.start');
    await job.opener.start(start.responseNonce);
    let text = '';
    let receiptInStream: SignedReceipt | undefined;
    for (;;) {
      const { chunk } = await client.next<{ chunk: SealedChunk }>('job.chunk');
      const payload = await job.opener.open(chunk);
      if (payload.type === 'delta') text += payload.text;
      if (payload.type === 'end') receiptInStream = payload.receipt;
      if (chunk.final) break;
    }
    job.opener.end();
    expect(text).toBe('Hello, world');

    const settled = await client.next<{ receipt: SignedReceipt; charged: string; balance: string }>('job.settled');
    expect(settled.receipt).toEqual(receiptInStream);
    const charged = costOf(PRICE, defaultScript.usage, HOST_COEFFICIENT);
    expect(BigInt(settled.charged)).toBe(charged);
    expect(BigInt(settled.balance)).toBe(STARTER - charged);
    expect(await funds(userId)).toEqual({ balance: STARTER - charged, held: 0n, available: STARTER - charged });

    const ledger = t.server.services().ledger;
    const commission = (charged * 500n) / 10_000n;
    // Paid from starter credits: the host's share is promotional earnings (never withdrawable), all of it.
    const earned = (await ledger.balance(Accounts.hostEarnings(id.claims.hostId))) + (await ledger.balance(Accounts.hostPromoEarnings(id.claims.hostId)));
    expect(earned).toBe(charged - commission);
    expect(await ledger.sumOfBalances()).toBe(0n);
    expect(await jobRow(job.meta.jobId)).toMatchObject({
      status: 'settled', userId, hostId: id.claims.hostId, model: 'demo/tiny', maxTokens: 64, hold: expectedHold, charged,
      promptTokens: 21, completionTokens: 3, receipt: settled.receipt, errorCode: null,
    });
    client.close();
  });

  async function failedJob(code: string, setup: () => void, opts: { maxTokens?: number } = {}) {
    const { token, userId } = await signIn(t.server);
    const client = await openClient(t.wsUrl, token);
    setup();
    const job = await sealJob(id, opts);
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    await client.next('job.accepted');
    const error = await client.next<{ jobId: string; error: { code: string } }>('error');
    expect(error).toMatchObject({ jobId: job.meta.jobId, error: { code } });
    expect(client.pending().filter((m) => (m as Frame).type === 'job.settled')).toEqual([]);
    expect(await funds(userId)).toEqual({ balance: STARTER, held: 0n, available: STARTER });
    expect(await jobRow(job.meta.jobId)).toMatchObject({ status: 'failed', errorCode: code, charged: 0n });
    client.close();
    return job;
  }


  it('charges nothing for a receipt with a forged signature', async () => {
    await failedJob('receipt.signature_invalid', () => (host.script = { ...defaultScript, corruptSignature: true }));
  });

  it('charges nothing when the receipt claims more completion tokens than maxTokens', async () => {
    await failedJob('receipt.mismatch', () => (host.script = { ...defaultScript, usage: { promptTokens: 10, completionTokens: 65 } }), { maxTokens: 64 });
  });

  it('charges nothing when the receipt claims more prompt tokens than the request can hold', async () => {
    await failedJob('receipt.mismatch', () => (host.script = { ...defaultScript, usage: { promptTokens: 1_000_000, completionTokens: 1 } }));
  });

  it('charges nothing for a receipt about other bytes than were relayed', async () => {
    await failedJob('receipt.mismatch', () => (host.script = { ...defaultScript, editReceipt: (r) => ({ ...r, responseDigest: '00'.repeat(32) }) }));
    await failedJob('receipt.mismatch', () => (host.script = { ...defaultScript, editReceipt: (r) => ({ ...r, requestDigest: '11'.repeat(32) }) }));
    await failedJob('receipt.mismatch', () => (host.script = { ...defaultScript, editReceipt: (r) => ({ ...r, model: 'other/model' }) }));
  });

  it('releases the hold and forwards the code when the host reports an error', async () => {
    await failedJob('engine.unavailable', () => (host.script = { ...defaultScript, fail: true }));
  });

  it('keeps ciphertext, tokens and prompts out of the logs', async () => {
    const canary = 'CANARY-PROMPT-7f3a9c';
    const { token } = await signIn(t.server);
    const client = await openClient(t.wsUrl, token);
    const job = await sealJob(id, { prompt: canary });
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    const settled = await client.next<{ receipt: SignedReceipt }>('job.settled');
    const logs = t.logs.join('');
    expect(logs).toContain(job.meta.jobId);
    for (const secret of [canary, token, f.enrollToken, t.config.BOT_TOKEN, job.request.ciphertext.slice(0, 40), job.request.enc, settled.receipt.signature]) {
      expect(logs).not.toContain(secret);
    }
    client.close();
  });

});
