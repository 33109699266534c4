import { readFileSync } from 'node:fs';
import { BotApi } from '../../telegram/bot-api';
import { createBotApiStandin, type BotApiStandin } from '@cocoon/dev/telegram/bot-api-standin';
import type { Update } from '../../telegram/types';
import { WEBHOOK_PATH } from '../../payments/stars-gateway';
import { startTestServer, TEST_BOT_TOKEN, type TestServer } from './test-server';

export const WEBHOOK_SECRET = 'webhook-secret-for-broker-tests_0123456789';

/** A recorded-shape update from server/telegram/fixtures/, with Telegram's field names. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests edit the recorded updates' nested fields freely
export function fixture(name: 'pre-checkout-query' | 'successful-payment' | 'text-message' | 'my-chat-member'): Record<string, any> {
  return JSON.parse(readFileSync(new URL(`../../telegram/fixtures/${name}.json`, import.meta.url), 'utf8'));
}

export interface StarsRig {
  t: TestServer;
  standin: BotApiStandin;
  /** A Bot API client on the stand-in, as an operator's tool would use it. */
  api: BotApi;
  close(): Promise<void>;
}

/**
 * The production shape: the Bot API stand-in as a separate server (TELEGRAM_API_URL) and the
 * broker's webhook registered on it with the secret, like an operator's setWebhook.
 */
export async function startStarsRig(env: Record<string, string | undefined> = {}): Promise<StarsRig> {
  const standin = createBotApiStandin({ token: TEST_BOT_TOKEN, preCheckoutTimeoutMs: 5_000 });
  const { url } = await standin.start();
  const t = await startTestServer({ TELEGRAM_API_URL: url, TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET, ...env });
  const api = new BotApi({ baseUrl: url, token: TEST_BOT_TOKEN });
  await api.setWebhook({ url: `${t.url}${WEBHOOK_PATH}`, secret_token: WEBHOOK_SECRET });
  return {
    t,
    standin,
    api,
    close: async () => {
      await t.close();
      await standin.close();
    },
  };
}

/** Posts an update to the broker's webhook as Telegram does; `secret: null` sends no header. */
export function postUpdate(t: TestServer, update: Update | Record<string, unknown>, secret: string | null = WEBHOOK_SECRET) {
  return t.server.app.inject({
    method: 'POST',
    url: WEBHOOK_PATH,
    headers: secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret },
    payload: update,
  });
}

/** Creates an invoice for a pack as the signed-in user; returns the link, payload and stand-in id. */
export async function buyPack(rig: { t: TestServer; standin: BotApiStandin }, token: string, packId = 'pack-10') {
  const res = await rig.t.server.app.inject({ method: 'POST', url: '/api/payments/stars/invoice', headers: { authorization: `Bearer ${token}` }, payload: { packId } });
  if (res.statusCode !== 200) throw new Error(`invoice refused: ${res.body}`);
  const { invoiceLink, payload } = res.json<{ invoiceLink: string; payload: string }>();
  const invoiceId = rig.standin.invoiceIdOf(invoiceLink);
  if (!invoiceId) throw new Error(`not a stand-in link: ${invoiceLink}`);
  return { invoiceLink, payload, invoiceId };
}
