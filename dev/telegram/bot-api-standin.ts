import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { runCheckout, type CheckoutContext, type CheckoutResult, type Delivery, type Payer, type StandinInvoice } from './standin-checkout';
import { BadRequest, botMethods, type SentMessage } from './bot-methods';
import {
  AnswerPreCheckoutQueryParamsSchema,
  CreateInvoiceLinkParamsSchema,
  RefundStarPaymentParamsSchema,
  SetWebhookParamsSchema,
  STARS_CURRENCY,
  type SetWebhookParams,
  type Update,
} from '@cocoon/server/telegram/types';

/**
 * A local stand-in for Telegram's Bot API, over real HTTP, for the embedded default (DEV_MODE)
 * and tests: createInvoiceLink, answerPreCheckoutQuery, refundStarPayment and setWebhook, and
 * what the bot calls (getMe, sendMessage, setMyCommands, setChatMenuButton, answerInlineQuery;
 * see bot-methods.ts), with Telegram's validation and `{ ok, result }` answers. Invoice links point back here
 * (`<url>/invoice/<id>`); `POST <link>/pay {"userTelegramId": 123}` plays the payment against the
 * bot's webhook (see standin-checkout.ts). Nothing here moves real Stars.
 */
export interface BotApiStandin {
  /** http://127.0.0.1:PORT once started. */
  readonly url: string;
  start(): Promise<{ url: string }>;
  close(): Promise<void>;
  /** Whether a link was made by this stand-in; its invoice id if so. */
  invoiceIdOf(link: string): string | undefined;
  pay(invoiceId: string, payer: Payer): Promise<CheckoutResult>;
  /** Every message the bot sent with sendMessage, oldest first (replies, owners' notifications). */
  readonly messages: readonly SentMessage[];
  /** Every call Telegram accepted, oldest first, with its parameters as sent (the bot's profile, inline answers). */
  readonly calls: readonly BotCall[];
  /** Every update sent to the webhook, oldest first; `deliver` sends one (again). */
  readonly deliveries: readonly Delivery[];
  deliver(update: Update): Promise<Delivery>;
}

export interface BotCall {
  method: string;
  params: unknown;
}

export interface StandinOptions {
  token: string;
  /** The bot's username, as getMe answers it (default cocoon_standin_bot). */
  username?: string;
  host?: string;
  port?: number;
  /** Telegram waits 10 s for answerPreCheckoutQuery. */
  preCheckoutTimeoutMs?: number;
}

const MethodParamSchema = z.object({ token: z.string(), method: z.string() });
const PayBodySchema = z.object({ userTelegramId: z.number().int().positive(), firstName: z.string().min(1).max(64).optional() });

export { type SentMessage } from './bot-methods';

const fail = (reply: FastifyReply, code: number, description: string) => reply.status(code).send({ ok: false, error_code: code, description });

export function createBotApiStandin(opts: StandinOptions): BotApiStandin {
  // No logger: request URLs carry the bot token.
  const app: FastifyInstance = Fastify({ logger: false });
  const invoices = new Map<string, StandinInvoice>();
  const deliveries: Delivery[] = [];
  const messages: SentMessage[] = [];
  const calls: BotCall[] = [];
  let webhook: SetWebhookParams | undefined;
  let url = '';
  let updateId = 100_000;
  const ctx: CheckoutContext = {
    charges: new Map(),
    pendingAnswers: new Map(),
    preCheckoutTimeoutMs: opts.preCheckoutTimeoutMs ?? 10_000,
    nextUpdateId: () => ++updateId,
    deliver,
  };

  async function deliver(update: Update): Promise<Delivery> {
    if (!webhook) throw new Error('no webhook set: call setWebhook first');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (webhook.secret_token) headers['x-telegram-bot-api-secret-token'] = webhook.secret_token;
    let status = 0; // 0: the webhook could not be reached
    try {
      const res = await fetch(webhook.url, { method: 'POST', headers, body: JSON.stringify(update), signal: AbortSignal.timeout(30_000) });
      await res.arrayBuffer();
      status = res.status;
    } catch {
      // Telegram would retry later; the caller sees status 0.
    }
    const delivery = { update, status };
    deliveries.push(delivery);
    return delivery;
  }

  const methods: Record<string, (params: unknown) => unknown> = {
    createInvoiceLink(params) {
      const p = CreateInvoiceLinkParamsSchema.parse(params);
      if (p.currency !== STARS_CURRENCY) throw new BadRequest('CURRENCY_INVALID: the stand-in sells in Stars (XTR) only');
      if (p.prices.length !== 1) throw new BadRequest('prices must contain exactly one item for payments in Telegram Stars');
      if (p.provider_token) throw new BadRequest('provider_token must be empty for payments in Telegram Stars');
      const id = randomBytes(12).toString('base64url');
      invoices.set(id, { id, title: p.title, description: p.description, payload: p.payload, currency: p.currency, amount: p.prices[0]!.amount });
      return `${url}/invoice/${id}`;
    },
    answerPreCheckoutQuery(params) {
      const p = AnswerPreCheckoutQueryParamsSchema.parse(params);
      const waiter = ctx.pendingAnswers.get(p.pre_checkout_query_id);
      if (!waiter) throw new BadRequest('query is too old and response timeout expired or query ID is invalid');
      waiter({ ok: p.ok, error_message: p.error_message });
      return true;
    },
    refundStarPayment(params) {
      const p = RefundStarPaymentParamsSchema.parse(params);
      const charge = ctx.charges.get(p.telegram_payment_charge_id);
      if (!charge || charge.userId !== p.user_id) throw new BadRequest('CHARGE_NOT_FOUND');
      if (charge.refunded) throw new BadRequest('CHARGE_ALREADY_REFUNDED');
      charge.refunded = true;
      return true;
    },
    ...botMethods({ token: opts.token, username: opts.username ?? 'cocoon_standin_bot', messages }),
    setWebhook(params) {
      webhook = SetWebhookParamsSchema.parse(params);
      return true;
    },
  };

  app.post('/bot:token/:method', async (req, reply) => {
    const { token, method } = MethodParamSchema.parse(req.params);
    if (token !== opts.token) return fail(reply, 401, 'Unauthorized');
    const handler = methods[method];
    if (!handler) return fail(reply, 404, 'Not Found');
    try {
      const result = handler(req.body ?? {});
      calls.push({ method, params: req.body ?? {} });
      return { ok: true, result };
    } catch (e) {
      if (e instanceof BadRequest) return fail(reply, 400, `Bad Request: ${e.message}`);
      if (e instanceof z.ZodError) return fail(reply, 400, `Bad Request: invalid ${e.issues.map((i) => i.path.join('.')).join(', ')}`);
      throw e;
    }
  });

  app.get('/invoice/:id', async (req, reply) => {
    const invoice = invoices.get((req.params as { id: string }).id);
    if (!invoice) return reply.status(404).send({ ok: false, error_message: 'no such invoice' });
    return { title: invoice.title, description: invoice.description, currency: invoice.currency, amount: invoice.amount };
  });

  app.post('/invoice/:id/pay', async (req, reply) => {
    const payer = PayBodySchema.safeParse(req.body);
    if (!payer.success) return reply.status(400).send({ ok: false, error_message: 'expected {"userTelegramId": <positive integer>}' });
    const result = await api.pay((req.params as { id: string }).id, payer.data);
    return reply.status(result.ok ? 200 : result.stage === 'pre_checkout' ? 409 : 502).send(result);
  });

  const api: BotApiStandin = {
    get url() {
      return url;
    },
    deliveries,
    messages,
    calls,
    deliver,
    async start() {
      const address = await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
      url = address.replace('[::1]', '127.0.0.1');
      return { url };
    },
    close: () => app.close(),
    invoiceIdOf(link) {
      const prefix = `${url}/invoice/`;
      const id = link.startsWith(prefix) ? link.slice(prefix.length) : undefined;
      return id !== undefined && invoices.has(id) ? id : undefined;
    },
    async pay(invoiceId, payer) {
      const invoice = invoices.get(invoiceId);
      if (!invoice) return { ok: false, stage: 'pre_checkout', error_message: 'no such invoice' };
      if (!webhook) return { ok: false, stage: 'webhook', error_message: 'no webhook set' };
      return runCheckout(ctx, invoice, payer);
    },
  };
  return api;
}

