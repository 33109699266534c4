import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBotApiStandin, type BotApiStandin } from '@cocoon/dev/telegram/bot-api-standin';
import { UpdateSchema, type PreCheckoutQuery, type RefundedPayment, type SuccessfulPayment } from '../types';
import { createCocoonBot, MENU_BUTTON_TEXT, type CocoonBot } from './bot';
import type { PreCheckoutVerdict, StarsUpdates } from './stars';

/** A pino log line, as the tests read it. */
const LogLine = z.looseObject({ msg: z.string().optional() });

/**
 * The bot against the Bot API stand-in over real HTTP, without a broker: what each command
 * answers, inline mode, the profile set at start, and the Stars updates through grammY.
 */

const TOKEN = '7000000002:AAtest-bot-token-for-the-bot-tests_xyz';
const APP_URL = 'https://app.cocoon.test/';
const BOT_INFO = {
  id: 7_000_000_002, is_bot: true as const, first_name: 'Cocoon', username: 'cocoon_test_bot', can_join_groups: true, can_read_all_group_messages: false,
  supports_inline_queries: true, can_connect_to_business: false, has_main_web_app: true, has_topics_enabled: false, allows_users_to_create_topics: false,
  can_manage_bots: false, supports_join_request_queries: false,
};
/** A port nothing listens on: every call fails as a network error. */
const UNREACHABLE = 'http://127.0.0.1:9';

let standin: BotApiStandin;
beforeAll(async () => {
  standin = createBotApiStandin({ token: TOKEN, preCheckoutTimeoutMs: 3_000 });
  await standin.start();
});
afterAll(() => standin.close());

/** Payment logic that records what reached it. */
function fakeStars(verdict: PreCheckoutVerdict = { ok: true }) {
  const seen = { queries: [] as PreCheckoutQuery[], paid: [] as SuccessfulPayment[], refunded: [] as RefundedPayment[] };
  const stars: StarsUpdates = {
    verdict: async (q) => (seen.queries.push(q), verdict),
    successfulPayment: async (sp) => void seen.paid.push(sp),
    refundedPayment: async (rp) => void seen.refunded.push(rp),
  };
  return { stars, seen };
}

function makeBot(opts: { apiRoot?: string; token?: string; appUrl?: string | null; known?: boolean; stars?: StarsUpdates } = {}) {
  const logs: string[] = [];
  const log = pino({ level: 'trace' }, new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) }));
  const bot = createCocoonBot({
    token: opts.token ?? TOKEN,
    apiRoot: opts.apiRoot ?? standin.url,
    appUrl: opts.appUrl === null ? undefined : (opts.appUrl ?? APP_URL),
    stars: opts.stars ?? fakeStars().stars,
    log,
    botInfo: opts.known === false ? undefined : BOT_INFO,
  });
  return { bot, logs };
}

let nextId = 1;
const user = (language_code = 'en') => ({ id: 500_000_000 + nextId++, is_bot: false, first_name: 'Alice', language_code });
/** A private-chat message from `from`, as Telegram delivers a typed command, checked by the webhook's schema. */
function command(text: string, from = user(), chatType = 'private') {
  const name = text.split(/\s/)[0]!;
  return UpdateSchema.parse({
    update_id: nextId++,
    message: { message_id: nextId++, from, chat: { id: chatType === 'private' ? from.id : -100_123, type: chatType }, date: 1_767_225_660, text, entities: [{ type: 'bot_command', offset: 0, length: name.length }] },
  });
}
const inline = (query: string, from = user()) => UpdateSchema.parse({ update_id: nextId++, inline_query: { id: String(9_000_000 + nextId++), from, query, offset: '' } });
const sentTo = (chatId: number) => standin.messages.filter((m) => m.chatId === chatId);
const callsOf = (method: string) => standin.calls.filter((c) => c.method === method);

describe('commands', () => {
  let bot: CocoonBot;
  beforeAll(() => void ({ bot } = makeBot()));

  it('/start greets with a web_app button to the Mini App', async () => {
    const from = user('en');
    await bot.handleUpdate(command('/start', from));
    const [reply] = sentTo(from.id);
    expect(reply?.text).toMatch(/^Hi Alice! Cocoon is a private AI chat/);
    expect(reply?.replyMarkup).toEqual({ inline_keyboard: [[{ text: 'Open Cocoon', web_app: { url: APP_URL } }]] });
  });

  it('/start in Russian for language_code ru (and ru-RU)', async () => {
    for (const code of ['ru', 'ru-RU']) {
      const from = user(code);
      await bot.handleUpdate(command('/start', from));
      const [reply] = sentTo(from.id);
      expect(reply?.text).toMatch(/^Привет, Alice! Cocoon — приватный ИИ-чат/);
      expect(reply?.replyMarkup?.inline_keyboard[0]?.[0]).toEqual({ text: 'Открыть Cocoon', web_app: { url: APP_URL } });
    }
  });

  it('/start with a payload passes it to the app as tgWebAppStartParam; one that is not a valid payload is dropped', async () => {
    const a = user();
    await bot.handleUpdate(command('/start tool-summarize_2', a));
    expect(sentTo(a.id)[0]?.replyMarkup?.inline_keyboard[0]?.[0]?.web_app?.url).toBe(`${APP_URL}?tgWebAppStartParam=tool-summarize_2`);
    const b = user();
    await bot.handleUpdate(command('/start a&b=c', b));
    expect(sentTo(b.id)[0]?.replyMarkup?.inline_keyboard[0]?.[0]?.web_app?.url).toBe(APP_URL);
  });

  it('/start addressed to the bot by name (/start@cocoon_test_bot) is answered; to another bot, not', async () => {
    const a = user();
    await bot.handleUpdate(command('/start@cocoon_test_bot', a));
    expect(sentTo(a.id)).toHaveLength(1);
    const b = user();
    await bot.handleUpdate(command('/start@other_bot', b));
    expect(sentTo(b.id)).toEqual([]);
  });

  it('/start without a configured app URL says so, without a button', async () => {
    const { bot: bare } = makeBot({ appUrl: null });
    const from = user();
    await bare.handleUpdate(command('/start', from));
    const [reply] = sentTo(from.id);
    expect(reply?.text).toMatch(/not available right now/);
    expect(reply?.replyMarkup).toBeUndefined();
  });

  it('/help lists the commands; /terms explains credits, non-transfer and refunds through /paysupport', async () => {
    const from = user();
    await bot.handleUpdate(command('/help', from));
    await bot.handleUpdate(command('/terms', from));
    const [help, terms] = sentTo(from.id).map((m) => m.text);
    expect(help).toMatch(/\/start/);
    expect(help).toMatch(/\/paysupport/);
    expect(help).toMatch(/\/terms/);
    expect(terms).toMatch(/credits/);
    expect(terms).toMatch(/cannot be transferred/);
    expect(terms).toMatch(/Refunds:.*\/paysupport/);
    const ru = user('ru');
    await bot.handleUpdate(command('/terms', ru));
    expect(sentTo(ru.id)[0]?.text).toMatch(/^Условия покупок за Telegram Stars/);
  });

  it('commands in a group are not answered (web_app buttons work in private chats only)', async () => {
    const from = user();
    const before = standin.messages.length;
    await bot.handleUpdate(command('/start', from, 'supergroup'));
    expect(standin.messages.length).toBe(before);
  });
});

describe('/paysupport', () => {
  it('replies with support instructions and logs who asked, never what they wrote', async () => {
    const { bot, logs } = makeBot();
    const from = user();
    await bot.handleUpdate(command('/paysupport my card ends 4242, refund please', from));
    expect(sentTo(from.id)[0]?.text).toMatch(/^Payment support\n\nYour request has been recorded/);
    const record = logs.map((l) => LogLine.parse(JSON.parse(l))).find((l) => l.msg === 'payment support requested (/paysupport)');
    expect(record).toMatchObject({ telegramId: from.id, locale: 'en' });
    expect(logs.join('\n')).not.toMatch(/4242|refund please/);
  });
});

describe('inline mode', () => {
  const answers = () => callsOf('answerInlineQuery').map((c) => c.params as { inline_query_id: string; results: Record<string, unknown>[]; button?: unknown; is_personal?: boolean });

  it('answers with an article sharing the text as a quote, an Open Cocoon button, and logs nothing of the text', async () => {
    const { bot, logs } = makeBot();
    const text = 'The summary: tides are caused by the Moon’s gravity 🌊';
    const update = inline(`  ${text} `);
    await bot.handleUpdate(update);
    const answer = answers().find((a) => a.inline_query_id === update.inline_query!.id);
    expect(answer?.results).toEqual([
      {
        type: 'article',
        id: 'share',
        title: 'Share this text',
        description: text,
        input_message_content: { message_text: text, entities: [{ type: 'blockquote', offset: 0, length: text.length }] },
        reply_markup: { inline_keyboard: [[{ text: 'Open Cocoon', url: 'https://t.me/cocoon_test_bot?startapp' }]] },
      },
    ]);
    expect(answer).toMatchObject({ is_personal: true, button: { text: 'Open Cocoon', web_app: { url: APP_URL } } });
    expect(logs.join('\n')).not.toContain('tides');
  });

  it('an empty query is answered with an invitation to open the app, in the user’s language', async () => {
    const { bot } = makeBot();
    const update = inline('', user('ru'));
    await bot.handleUpdate(update);
    const [result] = answers().find((a) => a.inline_query_id === update.inline_query!.id)!.results;
    expect(result).toMatchObject({ id: 'open', title: 'Cocoon: приватный ИИ-чат', reply_markup: { inline_keyboard: [[{ text: 'Открыть Cocoon' }]] } });
  });

  it('a refused or failed answer is logged without the text, and the update still counts as handled', async () => {
    for (const opts of [{ token: '7000000003:AAa-token-the-stand-in-does-not-know_xyz' }, { apiRoot: UNREACHABLE }]) {
      const { bot, logs } = makeBot(opts);
      await expect(bot.handleUpdate(inline('secret plans for the weekend'))).resolves.toBeUndefined();
      expect(logs.join('\n')).toMatch(/bot reply failed/);
      expect(logs.join('\n')).not.toContain('secret plans');
    }
  });
});

describe('profile at start', () => {
  it('sets the commands in English (the default) and Russian, and the web_app menu button; once', async () => {
    const { bot } = makeBot({ known: false });
    const before = standin.calls.length;
    await Promise.all([bot.setUp(), bot.setUp()]);
    const calls = standin.calls.slice(before);
    const commands = calls.filter((c) => c.method === 'setMyCommands').map((c) => c.params as { language_code?: string; commands: { command: string; description: string }[] });
    expect(commands.map((c) => c.language_code ?? 'default').sort()).toEqual(['default', 'ru']);
    for (const c of commands) expect(c.commands.map((x) => x.command)).toEqual(['start', 'help', 'terms', 'paysupport']);
    expect(commands.find((c) => c.language_code === 'ru')?.commands[0]?.description).toBe('Открыть Cocoon');
    expect(calls.filter((c) => c.method === 'setChatMenuButton').map((c) => c.params)).toEqual([{ menu_button: { type: 'web_app', text: MENU_BUTTON_TEXT, web_app: { url: APP_URL } } }]);
    expect(calls.filter((c) => c.method === 'getMe')).toHaveLength(1);
  });

  it('without a reachable Bot API: resolves, each failure logged, nothing thrown', async () => {
    const { bot, logs } = makeBot({ apiRoot: UNREACHABLE, known: false });
    await expect(bot.setUp()).resolves.toBeUndefined();
    const warned = logs.filter((l) => l.includes('bot profile not set')).map((l) => LogLine.extend({ step: z.string() }).parse(JSON.parse(l)).step).sort();
    expect(warned).toEqual(['setChatMenuButton', 'setMyCommands(en)', 'setMyCommands(ru)']);
    expect(logs.join('\n')).not.toContain(TOKEN.split(':')[1]);
  });

  it('without getMe’s answer the bot still handles updates (a placeholder), and asks Telegram once, not per update', async () => {
    const { bot } = makeBot({ known: false });
    const before = callsOf('getMe').length;
    const from = user();
    await bot.handleUpdate(command('/help', from));
    await bot.handleUpdate(command('/terms', from));
    expect(callsOf('getMe').length - before).toBe(1);
    expect(sentTo(from.id)).toHaveLength(2);

    const { bot: offline } = makeBot({ apiRoot: UNREACHABLE, known: false });
    await expect(offline.handleUpdate(command('/help'))).resolves.toBeUndefined();
  });
});

describe('Stars updates through grammY', () => {
  let webhook: Server;
  let current: CocoonBot | undefined;
  let status = 200;
  beforeAll(async () => {
    // The broker's webhook in miniature: the schema, then the bot; 500 when a handler throws.
    webhook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const update = UpdateSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        current!.handleUpdate(update).then(
          () => res.writeHead(status).end('{"ok":true}'),
          () => res.writeHead(500).end(),
        );
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const { bot } = makeBot();
    await bot.api.setWebhook(`http://127.0.0.1:${(webhook.address() as AddressInfo).port}/`, { secret_token: 'stars-through-grammy_0123456789' });
  });
  afterAll(() => new Promise<void>((resolve) => webhook.close(() => resolve())));
  afterEach(() => (current = undefined));

  async function invoice(bot: CocoonBot) {
    const link = await bot.api.createInvoiceLink('10 credits', 'Cocoon credits', 'cc1.test-payload', '', 'XTR', [{ label: '10 credits', amount: 50 }]);
    return standin.invoiceIdOf(link)!;
  }

  it('pre_checkout_query: the verdict is asked and answered; the successful_payment reaches the payment logic', async () => {
    const { stars, seen } = fakeStars({ ok: true });
    const { bot } = makeBot({ stars });
    current = bot;
    const paid = await standin.pay(await invoice(bot), { userTelegramId: 600_000_001 });
    expect(paid.ok).toBe(true);
    expect(seen.queries).toMatchObject([{ currency: 'XTR', total_amount: 50, invoice_payload: 'cc1.test-payload', from: { id: 600_000_001 } }]);
    expect(seen.paid).toMatchObject([{ invoice_payload: 'cc1.test-payload', telegram_payment_charge_id: paid.ok ? paid.telegram_payment_charge_id : '' }]);
  });

  it('a declined verdict reaches Telegram with its reason, and no payment follows', async () => {
    const { stars, seen } = fakeStars({ ok: false, error_message: 'This invoice has already been paid.' });
    const { bot } = makeBot({ stars });
    current = bot;
    expect(await standin.pay(await invoice(bot), { userTelegramId: 600_000_002 })).toEqual({ ok: false, stage: 'pre_checkout', error_message: 'This invoice has already been paid.' });
    expect(seen.paid).toEqual([]);
  });

  it('an answer Telegram refuses (a stale query) is logged; one that cannot be sent rejects as telegram.unreachable, without the token', async () => {
    const stale = UpdateSchema.parse({ update_id: 1, pre_checkout_query: { id: 'stale-1', from: user(), currency: 'XTR', total_amount: 50, invoice_payload: 'cc1.x' } });
    const { bot, logs } = makeBot();
    await expect(bot.handleUpdate(stale)).resolves.toBeUndefined();
    expect(logs.join('\n')).toMatch(/answerPreCheckoutQuery refused/);
    const { bot: offline } = makeBot({ apiRoot: UNREACHABLE });
    const err = await offline.handleUpdate(stale).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'telegram.unreachable', message: expect.stringMatching(/answerPreCheckoutQuery/) });
    // No cause: node-fetch's error quotes the URL, token included.
    expect(err).not.toHaveProperty('cause');
    expect(String((err as Error).stack)).not.toContain(TOKEN.split(':')[1]);
  });

  it('refunded_payment reaches the payment logic', async () => {
    const { stars, seen } = fakeStars();
    const { bot } = makeBot({ stars });
    const from = user();
    const refunded_payment = { currency: 'XTR', total_amount: 50, invoice_payload: 'cc1.y', telegram_payment_charge_id: 'stxRefunded1' };
    await bot.handleUpdate(UpdateSchema.parse({ update_id: 2, message: { message_id: 3, from, chat: { id: from.id, type: 'private' }, date: 1_767_225_660, refunded_payment } }));
    expect(seen.refunded).toEqual([refunded_payment]);
  });

  it('an update of a kind the bot does not handle is ignored', async () => {
    const { bot, logs } = makeBot();
    const before = standin.calls.length;
    await expect(bot.handleUpdate(UpdateSchema.parse({ update_id: 3, my_chat_member: { chat: { id: 1 } } }))).resolves.toBeUndefined();
    expect(standin.calls.length).toBe(before);
    expect(logs.filter((l) => /"level":(40|50)/.test(l))).toEqual([]);
  });
});
