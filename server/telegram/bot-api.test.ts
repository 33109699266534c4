import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCocoonError } from '@cocoon/shared/errors';
import { fixture } from '../tests/support/stars';
import { BotApi, BotApiError } from './bot-api';
import { createBotApiStandin, type BotApiStandin } from '@cocoon/dev/telegram/bot-api-standin';
import { UpdateSchema, type Update } from './types';

const TOKEN = '7000000009:AAbot-api-client-tests-token_abcdef';
const invoice = { title: '10 credits', description: 'Credits', payload: 'p-1', stars: 50, label: '10 credits' };

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => expect.fail('expected a rejection'), (e: unknown) => e);
}

/** Key paths of a JSON value, so shapes compare without values. */
const shape = (v: unknown, at = ''): string[] =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v).flatMap(([k, x]) => [`${at}${k}`, ...shape(x, `${at}${k}.`)]) : [];

describe('the Bot API client against the stand-in', () => {
  let standin: BotApiStandin;
  let api: BotApi;
  beforeAll(async () => {
    standin = createBotApiStandin({ token: TOKEN, preCheckoutTimeoutMs: 300 });
    await standin.start();
    api = new BotApi({ baseUrl: standin.url, token: TOKEN });
  });
  afterAll(async () => standin?.close());

  it('creates a Stars invoice link that points back at the stand-in', async () => {
    const link = await api.createInvoiceLink(invoice);
    expect(link.startsWith(`${standin.url}/invoice/`)).toBe(true);
    expect(standin.invoiceIdOf(link)).toBeDefined();
    const page = await (await fetch(link)).json();
    expect(page).toEqual({ title: '10 credits', description: 'Credits', currency: 'XTR', amount: 50 });
  });

  it('turns ok:false into a typed BotApiError with Telegram code and description', async () => {
    const tooLong = await failure(api.createInvoiceLink({ ...invoice, title: 'x'.repeat(33) }));
    expect(tooLong).toBeInstanceOf(BotApiError);
    expect(tooLong).toMatchObject({ code: 'telegram.api_error', method: 'createInvoiceLink', errorCode: 400, description: expect.stringMatching(/^Bad Request: /) });
    const wrongToken = await failure(new BotApi({ baseUrl: standin.url, token: '7000000009:AAwrong-token-000000000000' }).createInvoiceLink(invoice));
    expect(wrongToken).toMatchObject({ errorCode: 401, description: 'Unauthorized' });
    expect(String((wrongToken as Error).message)).not.toContain('AAwrong');
    const staleQuery = await failure(api.answerPreCheckoutQuery({ pre_checkout_query_id: '42', ok: true }));
    expect(staleQuery).toMatchObject({ errorCode: 400, description: expect.stringContaining('query ID is invalid') });
  });

  it('sends updates in Telegram\'s shape (the recorded fixtures), with the secret header, and waits 10 s-style for the answer', async () => {
    const received: { update: Update; raw: unknown; secret: unknown }[] = [];
    const bot = Fastify();
    let answer = true;
    bot.post('/hook', async (req) => {
      const update = UpdateSchema.parse(req.body);
      received.push({ update, raw: req.body, secret: req.headers['x-telegram-bot-api-secret-token'] });
      if (update.pre_checkout_query && answer) await api.answerPreCheckoutQuery({ pre_checkout_query_id: update.pre_checkout_query.id, ok: true });
      return { ok: true };
    });
    const hook = await bot.listen({ port: 0, host: '127.0.0.1' });
    try {
      await api.setWebhook({ url: `${hook}/hook`, secret_token: 'hook-secret' });
      const id = standin.invoiceIdOf(await api.createInvoiceLink(invoice))!;
      const paid = await standin.pay(id, { userTelegramId: 500000123 });
      expect(paid.ok).toBe(true);
      expect(received.map((r) => r.secret)).toEqual(['hook-secret', 'hook-secret']);
      const [pre, pay] = received.map((r) => shape(r.raw).sort());
      expect(pre).toEqual(shape(fixture('pre-checkout-query')).filter((k) => !k.endsWith('username') && !k.endsWith('is_premium')).sort());
      const payFixture = shape(fixture('successful-payment')).filter((k) => !/(username|is_premium|chat\.first_name)$/.test(k));
      expect(pay).toEqual(payFixture.sort());
      expect(received[1]!.update.message?.successful_payment).toMatchObject({ currency: 'XTR', total_amount: 50, invoice_payload: 'p-1' });

      answer = false; // a bot that never answers: the stand-in gives up, as Telegram does after 10 s
      const late = await standin.pay(id, { userTelegramId: 500000123 });
      expect(late).toMatchObject({ ok: false, stage: 'pre_checkout', error_message: expect.stringMatching(/no answerPreCheckoutQuery/) });
      expect(received).toHaveLength(3);
    } finally {
      await bot.close();
    }
  });
});

describe('the Bot API client on a broken network', () => {
  let silent: Server;
  let url: string;
  beforeAll(async () => {
    silent = createServer((req, res) => {
      if (req.url?.startsWith('/html/')) res.end('<html>bad gateway</html>');
      // otherwise never answer
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise((r) => silent.close(r));
  });

  it('times out as telegram.unreachable, and refuses an answer that is not the Bot API\'s', async () => {
    const slow = await failure(new BotApi({ baseUrl: url, token: TOKEN, timeoutMs: 150 }).refundStarPayment({ user_id: 1, telegram_payment_charge_id: 'c' }));
    expect(isCocoonError(slow, 'telegram.unreachable')).toBe(true);
    const refused = await failure(new BotApi({ baseUrl: 'http://127.0.0.1:9', token: TOKEN }).setWebhook({ url: 'https://example.org/hook' }));
    expect(isCocoonError(refused, 'telegram.unreachable')).toBe(true);
    const html = await failure(new BotApi({ baseUrl: `${url}/html`, token: TOKEN }).setWebhook({ url: 'https://example.org/hook' }));
    expect(isCocoonError(html, 'telegram.api_error')).toBe(true);
  });
});
