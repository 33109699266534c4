import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from '../config';
import { BotApi, TELEGRAM_API_URL } from '../telegram/bot-api';
import type { DevExtensions, EmbeddedService } from '../dev-extensions';

export const WEBHOOK_PATH = '/api/telegram/webhook';

/**
 * How the broker reaches Telegram for Stars. The webhook never accepts an update without the
 * secret token, so Stars are on only when there is one: TELEGRAM_WEBHOOK_SECRET, or in DEV_MODE
 * with the embedded stand-in (TELEGRAM_API_URL unset) a random one made at boot.
 */
export interface StarsGateway {
  api: BotApi;
  /** The Bot API's base URL (Telegram's, TELEGRAM_API_URL, or the embedded stand-in's): the bot's `apiRoot`. */
  apiRoot: string;
  /** Whether invoices can be created and paid: there is a webhook secret. */
  enabled: boolean;
  /** True when purchases go to the stand-in: the UI labels them test payments. */
  testPayments: boolean;
  /** Constant-time check of the X-Telegram-Bot-Api-Secret-Token header. */
  secretMatches(header: unknown): boolean;
  /** Once the broker listens: points the embedded stand-in's webhook at it. */
  connect(brokerUrl: string): Promise<void>;
  close(): Promise<void>;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export async function openStarsGateway(config: ServerConfig, log: FastifyBaseLogger, dev?: DevExtensions): Promise<StarsGateway> {
  const embedded = config.DEV_MODE && !config.TELEGRAM_API_URL;
  const standin: EmbeddedService | undefined = embedded && dev ? await dev.startBotApi(config.BOT_TOKEN) : undefined;
  const baseUrl = standin ? standin.url : (config.TELEGRAM_API_URL ?? TELEGRAM_API_URL);
  const secret = config.TELEGRAM_WEBHOOK_SECRET ?? (standin ? randomBytes(32).toString('base64url') : undefined);
  const expected = secret === undefined ? undefined : digest(secret);
  const api = new BotApi({ baseUrl, token: config.BOT_TOKEN });
  if (!secret) log.warn('TELEGRAM_WEBHOOK_SECRET is not set: Stars purchases are off and the Telegram webhook refuses every update');
  if (standin) log.info({ standin: standin.url }, 'Stars payments go to the embedded Bot API stand-in (test payments)');
  return {
    api,
    apiRoot: baseUrl,
    enabled: secret !== undefined,
    testPayments: standin !== undefined,
    secretMatches(header) {
      if (expected === undefined || typeof header !== 'string') return false;
      return timingSafeEqual(digest(header), expected);
    },
    async connect(brokerUrl) {
      if (!standin || !secret) return;
      await api.setWebhook({ url: `${brokerUrl}${WEBHOOK_PATH}`, secret_token: secret, allowed_updates: ['message', 'inline_query', 'pre_checkout_query'] });
    },
    close: async () => standin?.close(),
  };
}
