import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payments, starsInvoices, transfers } from '../db/schema';
import { Accounts } from '../ledger/accounts';
import { buyPack, fixture, postUpdate, startStarsRig, type StarsRig } from './support/stars';
import { createScratchDatabase, dropScratchDatabase, postgresReachable } from './support/test-db';
import { signIn } from './support/test-server';

const STARTER = 100_000_000n;
const PACK_10 = 10_000_000n;
let nextTelegramId = 610_000_000;

describe.each(['pglite', 'postgres'] as const)('buying credits with Telegram Stars (%s)', (backend) => {
  const skip = backend === 'postgres' && !postgresReachable;
  let rig: StarsRig;
  let url: string | undefined;

  beforeAll(async () => {
    if (skip) return;
    url = backend === 'postgres' ? await createScratchDatabase() : undefined;
    rig = await startStarsRig({ DATABASE_URL: url });
  });
  afterAll(async () => {
    await rig?.close();
    if (url) await dropScratchDatabase(url);
  });

  const services = () => rig.t.server.services();
  const funds = (userId: string) => services().ledger.userFunds(userId);
  const newUser = async () => {
    const telegramId = nextTelegramId++;
    return { telegramId, ...(await signIn(rig.t.server, { telegramId })) };
  };

  it.skipIf(skip)('credits a pack once, through pre_checkout_query and successful_payment over real HTTP', async () => {
    const u = await newUser();
    const { invoiceId, payload } = await buyPack(rig, u.token);
    const paid = await rig.standin.pay(invoiceId, { userTelegramId: u.telegramId });
    expect(paid.ok).toBe(true);
    const chargeId = paid.ok ? paid.telegram_payment_charge_id : '';

    expect(await funds(u.userId)).toMatchObject({ balance: STARTER + PACK_10, held: 0n });
    const db = services().database.db;
    expect(await db.select().from(payments).where(eq(payments.externalId, chargeId))).toMatchObject([
      { userId: u.userId, provider: 'stars', paidAmount: 50n, credits: PACK_10, packId: 'pack-10', status: 'credited' },
    ]);
    expect(await db.select().from(starsInvoices).where(eq(starsInvoices.payload, payload))).toMatchObject([{ status: 'paid' }]);
    const [t] = await db.select().from(transfers).where(eq(transfers.idempotencyKey, `stars:${chargeId}`));
    expect(t).toMatchObject({ debitAccount: Accounts.stars.id, creditAccount: Accounts.user(u.userId).id, amount: PACK_10, kind: 'stars_top_up' });
    expect(await services().ledger.sumOfBalances()).toBe(0n);
  });

  it.skipIf(skip)('a replayed successful_payment (same charge id), even concurrent, changes no balance', async () => {
    const u = await newUser();
    const { invoiceId } = await buyPack(rig, u.token);
    const paid = await rig.standin.pay(invoiceId, { userTelegramId: u.telegramId });
    expect(paid.ok).toBe(true);
    const delivered = rig.standin.deliveries.findLast((d) => d.update.message?.successful_payment);
    const before = await funds(u.userId);
    const replays = await Promise.all(Array.from({ length: 5 }, () => rig.standin.deliver(delivered!.update)));
    expect(replays.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await funds(u.userId)).toEqual(before);
    const chargeId = delivered!.update.message!.successful_payment!.telegram_payment_charge_id;
    expect(await services().database.db.select().from(payments).where(eq(payments.externalId, chargeId))).toHaveLength(1);
  });

  it.skipIf(skip)('a wrong or missing secret header gets 401 and changes nothing', async () => {
    const u = await newUser();
    const { payload } = await buyPack(rig, u.token);
    const update = fixture('successful-payment');
    update.message.from.id = u.telegramId;
    update.message.successful_payment.invoice_payload = payload;
    for (const secret of ['not-the-secret-0123456789', '', null]) {
      const res = await postUpdate(rig.t, update, secret);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'telegram.webhook_unauthorized' } });
    }
    expect(await funds(u.userId)).toMatchObject({ balance: STARTER });
    expect(await services().database.db.select().from(starsInvoices).where(eq(starsInvoices.payload, payload))).toMatchObject([{ status: 'open' }]);
    // The same fixture with the right secret is credited: the 401s were about the header alone.
    expect((await postUpdate(rig.t, update)).statusCode).toBe(200);
    expect(await funds(u.userId)).toMatchObject({ balance: STARTER + PACK_10 });
  });

  it.skipIf(skip)('declines pre-checkout for unknown, paid and foreign invoices; Telegram then sends no payment', async () => {
    const u = await newUser();
    const unknownLink = await rig.api.createInvoiceLink({ title: 'x', description: 'y', payload: 'not-one-of-ours', stars: 50, label: 'x' });
    const unknown = await rig.standin.pay(rig.standin.invoiceIdOf(unknownLink)!, { userTelegramId: u.telegramId });
    expect(unknown).toMatchObject({ ok: false, stage: 'pre_checkout', error_message: expect.stringMatching(/unknown/) });

    const { invoiceId } = await buyPack(rig, u.token);
    const other = await rig.standin.pay(invoiceId, { userTelegramId: u.telegramId + 1_000_000 });
    expect(other).toMatchObject({ ok: false, error_message: expect.stringMatching(/another Telegram account/) });
    expect((await rig.standin.pay(invoiceId, { userTelegramId: u.telegramId })).ok).toBe(true);
    const deliveredBefore = rig.standin.deliveries.length;
    const again = await rig.standin.pay(invoiceId, { userTelegramId: u.telegramId });
    expect(again).toMatchObject({ ok: false, stage: 'pre_checkout', error_message: expect.stringMatching(/already been paid/) });
    expect(rig.standin.deliveries.slice(deliveredBefore).map((d) => Object.keys(d.update))).toEqual([['update_id', 'pre_checkout_query']]);
    expect(await funds(u.userId)).toMatchObject({ balance: STARTER + PACK_10 });
  });

  it.skipIf(skip)('answers 200 to updates it does not act on', async () => {
    for (const name of ['text-message', 'my-chat-member'] as const) {
      const res = await postUpdate(rig.t, fixture(name));
      expect(res.statusCode).toBe(200);
    }
    // A pre-checkout query Telegram no longer waits for: our answer is refused, the update still gets 200.
    expect((await postUpdate(rig.t, fixture('pre-checkout-query'))).statusCode).toBe(200);
    const malformed = await postUpdate(rig.t, { update_id: 1, pre_checkout_query: { id: 5 } });
    expect(malformed.statusCode).toBe(200);
    const stray = fixture('successful-payment');
    stray.message.successful_payment.telegram_payment_charge_id = `stx-stray-${backend}`;
    expect((await postUpdate(rig.t, stray)).statusCode).toBe(200);
    const db = services().database.db;
    expect(await db.select().from(payments).where(and(eq(payments.externalId, `stx-stray-${backend}`)))).toEqual([]);
  });
});
