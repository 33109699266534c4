import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCocoonError } from '@cocoon/shared/errors';
import { payments, transfers } from '../db/schema';
import { Accounts } from '../ledger/accounts';
import { refundStarsPayment } from '../payments/stars-refund';
import { buyPack, startStarsRig, type StarsRig } from './support/stars';
import { signIn } from './support/test-server';

const STARTER = 100_000_000n;
const PACK_10 = 10_000_000n;
let nextTelegramId = 620_000_000;

describe('refunding a Stars payment', () => {
  let rig: StarsRig;
  beforeAll(async () => {
    rig = await startStarsRig();
  });
  afterAll(async () => rig?.close());

  const s = () => rig.t.server.services();
  const deps = () => ({ db: s().database.db, ledger: s().ledger, api: s().stars.api });
  const funds = (userId: string) => s().ledger.userFunds(userId);

  /** A signed-in user who bought the 10-credit pack; returns the charge id. */
  async function buyer() {
    const telegramId = nextTelegramId++;
    const { token, userId } = await signIn(rig.t.server, { telegramId });
    const { invoiceId } = await buyPack(rig, token);
    const paid = await rig.standin.pay(invoiceId, { userTelegramId: telegramId });
    if (!paid.ok) throw new Error(paid.error_message);
    return { userId, telegramId, chargeId: paid.telegram_payment_charge_id };
  }

  it('returns the Stars and takes the credits back, once', async () => {
    const b = await buyer();
    expect((await funds(b.userId)).balance).toBe(STARTER + PACK_10);
    const out = await refundStarsPayment(deps(), b.chargeId);
    expect(out).toEqual({ status: 'refunded', userId: b.userId, credits: PACK_10 });
    expect(await funds(b.userId)).toEqual({ balance: STARTER, held: 0n, available: STARTER });
    const [p] = await s().database.db.select().from(payments).where(eq(payments.externalId, b.chargeId));
    expect(p).toMatchObject({ status: 'refunded', refundedAt: expect.any(Date) });
    const [t] = await s().database.db.select().from(transfers).where(eq(transfers.idempotencyKey, `stars-refund:${b.chargeId}`));
    expect(t).toMatchObject({ debitAccount: Accounts.user(b.userId).id, creditAccount: Accounts.stars.id, amount: PACK_10, kind: 'stars_refund' });

    expect(await refundStarsPayment(deps(), b.chargeId)).toMatchObject({ status: 'already_refunded' });
    // Telegram too refuses a second refund of the charge.
    await expect(rig.api.refundStarPayment({ user_id: b.telegramId, telegram_payment_charge_id: b.chargeId })).rejects.toMatchObject({
      code: 'telegram.api_error', errorCode: 400, description: expect.stringContaining('CHARGE_ALREADY_REFUNDED'),
    });
    expect((await funds(b.userId)).balance).toBe(STARTER);
    expect(await s().ledger.sumOfBalances()).toBe(0n);
  });

  it('refuses with a stable error once the credits are spent, and changes nothing', async () => {
    const b = await buyer();
    // Spend all but 5 credits: a job's hold settled to the host.
    const jobId = randomUUID();
    const spend = STARTER + PACK_10 - 5_000_000n;
    await s().ledger.placeHold({ jobId, userId: b.userId, amount: spend, expiresAt: new Date(Date.now() + 60_000) });
    await s().ledger.settle(jobId, 'refund-test-host', spend);
    const err = await refundStarsPayment(deps(), b.chargeId).catch((e: unknown) => e);
    expect(isCocoonError(err, 'payments.refund_exceeds_balance')).toBe(true);
    expect(await funds(b.userId)).toEqual({ balance: 5_000_000n, held: 0n, available: 5_000_000n });
    const [p] = await s().database.db.select().from(payments).where(eq(payments.externalId, b.chargeId));
    expect(p!.status).toBe('credited');
    // Telegram was never asked: the charge can still be refunded there.
    await expect(rig.api.refundStarPayment({ user_id: b.telegramId, telegram_payment_charge_id: b.chargeId })).resolves.toBe(true);
  });

  it('finishes a refund Telegram already made (a crash between the two steps) without moving credits twice', async () => {
    const b = await buyer();
    await rig.api.refundStarPayment({ user_id: b.telegramId, telegram_payment_charge_id: b.chargeId });
    expect(await refundStarsPayment(deps(), b.chargeId)).toMatchObject({ status: 'refunded' });
    expect(await funds(b.userId)).toEqual({ balance: STARTER, held: 0n, available: STARTER });
  });

  it('keeps the credits when Telegram refuses the refund, and releases the reservation', async () => {
    const b = await buyer();
    // The stand-in knows the charge under another user: Telegram answers CHARGE_NOT_FOUND.
    await s().database.db.update(payments).set({ externalId: `${b.chargeId}-x` }).where(eq(payments.externalId, b.chargeId));
    const err = await refundStarsPayment(deps(), `${b.chargeId}-x`).catch((e: unknown) => e);
    expect(isCocoonError(err, 'telegram.api_error')).toBe(true);
    expect(await funds(b.userId)).toEqual({ balance: STARTER + PACK_10, held: 0n, available: STARTER + PACK_10 });
    const unknown = await refundStarsPayment(deps(), 'no-such-charge').catch((e: unknown) => e);
    expect(isCocoonError(unknown, 'payments.not_found')).toBe(true);
  });
});
