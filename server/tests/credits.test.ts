import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costOf } from '@cocoon/shared/pricing';
import { CreditsResponseSchema, DevStarsPayResponseSchema, HistoryResponseSchema, StarsInvoiceResponseSchema } from '@cocoon/shared/protocol/payments';
import { refundStarsPayment } from '../payments/stars-refund';
import { openClient, sealJob } from './support/client';
import { createFakeIdentity, FakeHost } from './support/fake-host';
import { buyPack, postUpdate, startStarsRig, type StarsRig } from './support/stars';
import { enrollToken, signIn, startTestServer, type TestServer } from './support/test-server';

const STARTER = 100_000_000n;
const PRICE = { promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n };
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

describe('GET /api/credits and /api/credits/history', () => {
  let rig: StarsRig;
  beforeAll(async () => {
    rig = await startStarsRig();
  });
  afterAll(async () => rig?.close());

  it('lists balance, held, the default packs, the TON block and no test payments', async () => {
    const { token } = await signIn(rig.t.server);
    const res = await rig.t.server.app.inject({ url: '/api/credits', headers: auth(token) });
    expect(res.statusCode).toBe(200);
    const body = CreditsResponseSchema.parse(res.json());
    expect(body).toMatchObject({ balance: STARTER, held: 0n, testPayments: false, ton: { microCreditsPerTon: 100_000_000n } });
    expect(body.packs.map((p) => [p.id, p.credits, p.stars, p.nanoton])).toEqual([
      ['pack-10', 10_000_000n, 50, 100_000_000n],
      ['pack-50', 50_000_000n, 225, 500_000_000n],
      ['pack-200', 200_000_000n, 800, 2_000_000_000n],
    ]);
    expect((await rig.t.server.app.inject({ url: '/api/credits' })).statusCode).toBe(401);
    const unknown = await rig.t.server.app.inject({ method: 'POST', url: '/api/payments/stars/invoice', headers: auth(token), payload: { packId: 'pack-7' } });
    expect(unknown.json()).toMatchObject({ error: { code: 'payments.pack_unknown' } });
  });

  it('shows starter credits, a Stars top-up, a job and a refund, newest first, with signed amounts', async () => {
    const id = await createFakeIdentity({ models: ['demo/tiny'] });
    const host = await FakeHost.start(rig.t.wsUrl, id, { enrollToken: await enrollToken(rig.t) });
    const telegramId = 630_000_001;
    const { token, userId } = await signIn(rig.t.server, { telegramId });
    const { invoiceId } = await buyPack(rig, token, 'pack-50');
    const paid = await rig.standin.pay(invoiceId, { userTelegramId: telegramId });
    if (!paid.ok) throw new Error(paid.error_message);
    const client = await openClient(rig.t.wsUrl, token);
    const job = await sealJob(id);
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    const settled = await client.next<{ charged: string }>('job.settled');
    client.close();
    const s = rig.t.server.services();
    await refundStarsPayment({ db: s.database.db, ledger: s.ledger, api: s.stars.api }, paid.telegram_payment_charge_id);

    const res = await rig.t.server.app.inject({ url: '/api/credits/history?limit=10', headers: auth(token) });
    const { items } = HistoryResponseSchema.parse(res.json());
    expect(items.map((i) => [i.kind, i.amount])).toEqual([
      ['refund', '-50000000'],
      ['job', `-${settled.charged}`],
      ['topup_stars', '50000000'],
      ['starter', String(STARTER)],
    ]);
    expect(BigInt(settled.charged)).toBe(costOf(PRICE, { promptTokens: 21, completionTokens: 3 }));
    expect(items[0]).toMatchObject({ stars: 225 });
    expect(items[1]).toMatchObject({ id: job.meta.jobId, model: 'demo/tiny', promptTokens: 21, completionTokens: 3 });
    expect(items[2]).toMatchObject({ stars: 225 });
    const times = items.map((i) => Date.parse(i.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const sum = items.reduce((n, i) => n + BigInt(i.amount), 0n);
    expect((await s.ledger.userFunds(userId)).balance).toBe(sum);

    const two = HistoryResponseSchema.parse((await rig.t.server.app.inject({ url: '/api/credits/history?limit=2', headers: auth(token) })).json());
    expect(two.items.map((i) => i.kind)).toEqual(['refund', 'job']);
    expect((await rig.t.server.app.inject({ url: '/api/credits/history?limit=0', headers: auth(token) })).statusCode).toBe(400);
    host.socket.close();
  });
});

describe('Stars in the embedded default (DEV_MODE, no TELEGRAM_API_URL)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ DEV_MODE: 'true' });
  });
  afterAll(async () => t?.close());

  it('starts the Bot API stand-in and pays from the browser through /api/dev/stars/pay', async () => {
    const { token, userId } = await signIn(t.server, { telegramId: 640_000_001 });
    const credits = CreditsResponseSchema.parse((await t.server.app.inject({ url: '/api/credits', headers: auth(token) })).json());
    expect(credits.testPayments).toBe(true);
    const inv = await t.server.app.inject({ method: 'POST', url: '/api/payments/stars/invoice', headers: auth(token), payload: { packId: 'pack-200' } });
    const { invoiceLink } = StarsInvoiceResponseSchema.parse(inv.json());
    expect(invoiceLink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/invoice\//);

    const pay = () => t.server.app.inject({ method: 'POST', url: '/api/dev/stars/pay', headers: auth(token), payload: { invoiceLink } });
    const first = await pay();
    expect(first.statusCode).toBe(200);
    const body = DevStarsPayResponseSchema.parse(first.json());
    expect(body.balance).toBe(STARTER + 200_000_000n);
    expect((await t.server.services().ledger.userFunds(userId)).balance).toBe(STARTER + 200_000_000n);
    const second = await pay();
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ error: { code: 'payments.invoice_not_payable', message: expect.stringMatching(/already been paid/) } });
    const foreign = await t.server.app.inject({ method: 'POST', url: '/api/dev/stars/pay', headers: auth(token), payload: { invoiceLink: 'https://t.me/$abc' } });
    expect(foreign.json()).toMatchObject({ error: { code: 'payments.not_found' } });
  });
});

describe('Stars without a webhook secret (production config)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ TELEGRAM_API_URL: 'http://127.0.0.1:9' });
  });
  afterAll(async () => t?.close());

  it('creates no invoices, refuses every update and has no dev pay route', async () => {
    const { token } = await signIn(t.server);
    const inv = await t.server.app.inject({ method: 'POST', url: '/api/payments/stars/invoice', headers: auth(token), payload: { packId: 'pack-10' } });
    expect(inv.statusCode).toBe(503);
    expect(inv.json()).toMatchObject({ error: { code: 'payments.stars_unavailable' } });
    for (const secret of ['', 'anything-at-all-0123456789', null]) expect((await postUpdate(t, { update_id: 1 }, secret)).statusCode).toBe(401);
    expect((await t.server.app.inject({ method: 'POST', url: '/api/dev/stars/pay', headers: auth(token), payload: {} })).statusCode).toBe(404);
  });
});
