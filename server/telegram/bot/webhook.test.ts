import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyPack, fixture, postUpdate, startStarsRig, WEBHOOK_SECRET, type StarsRig } from '../../tests/support/stars';
import { signIn } from '../../tests/support/test-server';
import { WEBHOOK_PATH } from '../../payments/stars-gateway';
import { MENU_BUTTON_TEXT } from './bot';

/**
 * The bot inside the broker: the webhook hands every checked update to it, the profile is set at
 * start, and the Stars updates (pre-checkout, payment, refund) still move credits as before.
 */

/** The Mini App's origin (WEB_ORIGIN; PUBLIC_URL would also rename the broker the rig's webhook points at). */
const APP_URL = 'https://app.cocoon.test';
const STARTER = 100_000_000n;
const PACK_10 = 10_000_000n;
let nextTelegramId = 630_000_000;

describe('the bot behind the broker’s webhook', () => {
  let rig: StarsRig;
  beforeAll(async () => {
    rig = await startStarsRig({ WEB_ORIGIN: APP_URL });
  }, 60_000);
  afterAll(async () => rig?.close());

  const s = () => rig.t.server.services();
  const callsOf = (method: string) => rig.standin.calls.filter((c) => c.method === method).map((c) => c.params);

  it('sets the commands (en, ru) and the web_app menu button at start', async () => {
    await s().bot.setUp(); // the run the broker started when it began listening
    expect(callsOf('setMyCommands').map((p) => (p as { language_code?: string }).language_code ?? 'default').sort()).toEqual(['default', 'ru']);
    expect(callsOf('setChatMenuButton')).toEqual([{ menu_button: { type: 'web_app', text: MENU_BUTTON_TEXT, web_app: { url: APP_URL } } }]);
  });

  it('/start posted to the webhook is answered with the Mini App button', async () => {
    const update = fixture('text-message');
    expect((await postUpdate(rig.t, update)).json()).toEqual({ ok: true });
    const reply = rig.standin.messages.findLast((m) => m.chatId === update.message.chat.id);
    expect(reply?.replyMarkup).toEqual({ inline_keyboard: [[{ text: 'Open Cocoon', web_app: { url: APP_URL } }]] });
  });

  it('a pre-checkout query is answered through grammY and the pack credited', async () => {
    const telegramId = nextTelegramId++;
    const { token, userId } = await signIn(rig.t.server, { telegramId });
    const answered = callsOf('answerPreCheckoutQuery').length;
    const { invoiceId } = await buyPack(rig, token);
    expect((await rig.standin.pay(invoiceId, { userTelegramId: telegramId })).ok).toBe(true);
    expect(callsOf('answerPreCheckoutQuery').slice(answered)).toMatchObject([{ ok: true }]);
    expect(await s().ledger.userFunds(userId)).toMatchObject({ balance: STARTER + PACK_10 });
  });

  it('a refund made at Telegram (refunded_payment) takes the credits back once', async () => {
    const telegramId = nextTelegramId++;
    const { token, userId } = await signIn(rig.t.server, { telegramId });
    const { invoiceId } = await buyPack(rig, token);
    const paid = await rig.standin.pay(invoiceId, { userTelegramId: telegramId });
    if (!paid.ok) throw new Error(paid.error_message);
    // Telegram returns the Stars without the broker asking; then tells the bot.
    await rig.api.refundStarPayment({ user_id: telegramId, telegram_payment_charge_id: paid.telegram_payment_charge_id });
    const payment = rig.standin.deliveries.findLast((d) => d.update.message?.successful_payment)!.update.message!.successful_payment!;
    const update = { update_id: 1, message: { message_id: 2, from: { id: telegramId, is_bot: false, first_name: 'A' }, chat: { id: telegramId, type: 'private' }, date: 1_767_225_660, refunded_payment: payment } };
    for (let i = 0; i < 2; i++) expect((await postUpdate(rig.t, update)).statusCode).toBe(200);
    expect(await s().ledger.userFunds(userId)).toMatchObject({ balance: STARTER, held: 0n });
    expect(await s().ledger.sumOfBalances()).toBe(0n);
  });

  it('an update of an unknown kind is ignored with 200, nothing sent', async () => {
    const calls = rig.standin.calls.length;
    const res = await postUpdate(rig.t, { update_id: 7, message_reaction: { chat: { id: 1 }, new_reaction: [] } });
    expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 200, body: { ok: true } });
    expect(rig.standin.calls.length).toBe(calls);
  });

  it('a malformed body keeps its stable answers: not JSON is 400 protocol.malformed_message; not an update is ignored with 200', async () => {
    const res = await rig.t.server.app.inject({ method: 'POST', url: WEBHOOK_PATH, headers: { 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET, 'content-type': 'application/json' }, payload: '{"update_id": 1,' });
    expect({ status: res.statusCode, code: res.json<{ error: { code: string } }>().error.code }).toEqual({ status: 400, code: 'protocol.malformed_message' });
    const notAnUpdate = await postUpdate(rig.t, { update_id: 'one', message: { text: 5 } });
    expect({ status: notAnUpdate.statusCode, body: notAnUpdate.json() }).toEqual({ status: 200, body: { ok: true } });
  });
});
