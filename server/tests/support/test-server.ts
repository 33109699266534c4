import { Writable } from 'node:stream';
import { createServer, type CocoonServer } from '../../app';
import { signInitData } from '../../auth/init-data';
import { upsertTelegramUser } from '../../auth/users';
import { loadConfig, type ServerConfig } from '../../config';
import { mintEnrollmentToken } from '../../hosts/enrollment-tokens';
import { pino } from 'pino';
import { createDevExtensions, type BrokerDevExtensions } from '@cocoon/dev/broker-extensions';
import './pglite-template';

export const TEST_BOT_TOKEN = '7000000001:AAtest-bot-token-for-broker-tests_xyz';
/** The Telegram user test machines are enrolled to unless a test names another owner. */
export const TEST_OWNER_TELEGRAM_ID = 9_100_000;

export interface TestServer {
  server: CocoonServer;
  config: ServerConfig;
  /** http://127.0.0.1:PORT */
  url: string;
  /** ws://127.0.0.1:PORT */
  wsUrl: string;
  /** Every log line the server wrote. */
  logs: string[];
  /** The development stand-ins (used only when the config asks for them: DEV_MODE, TON_NETWORK=sandbox). */
  dev: BrokerDevExtensions;
  close(): Promise<void>;
}

/** Builds a config the way main.ts does, from environment-like strings. */
export function testConfig(env: Record<string, string | undefined> = {}): ServerConfig {
  return loadConfig({
    BOT_TOKEN: TEST_BOT_TOKEN,
    DATA_DIR: 'memory://',
    PORT: '0',
    ALLOW_SIMULATED_TEE: 'true',
    LOG_LEVEL: 'trace',
    ...env,
  });
}

/** A broker built like production, with its logs captured in memory. */
export function buildTestServer(env: Record<string, string | undefined> = {}): { server: CocoonServer; config: ServerConfig; logs: string[]; dev: BrokerDevExtensions } {
  const config = testConfig(env);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  // A plain pino logger, as an embedding process passes one: the server adds its privacy rules.
  const dev = createDevExtensions();
  return { server: createServer(config, { logger: pino({ level: config.LOG_LEVEL }, sink), dev }), config, logs, dev };
}

/** Starts a broker on a free port. */
export async function startTestServer(env: Record<string, string | undefined> = {}): Promise<TestServer> {
  const { server, config, logs, dev } = buildTestServer(env);
  const { url } = await server.start();
  return { server, config, url, wsUrl: url.replace(/^http/, 'ws'), logs, dev, close: () => server.close() };
}

let nextTelegramId = 500_000_000;

/** initData for a fresh Telegram user, signed with the test bot token. */
export function initDataFor(opts: { telegramId?: number; firstName?: string; authDate?: Date; botToken?: string } = {}): string {
  const user = { id: opts.telegramId ?? nextTelegramId++, first_name: opts.firstName ?? 'Tester', username: 'tester' };
  const authDate = Math.floor((opts.authDate ?? new Date()).getTime() / 1000);
  return signInitData({ auth_date: String(authDate), query_id: 'test', user: JSON.stringify(user) }, opts.botToken ?? TEST_BOT_TOKEN);
}

/** Signs a new user in; returns the session token and user id. */
export async function signIn(server: CocoonServer, opts: Parameters<typeof initDataFor>[0] = {}): Promise<{ token: string; userId: string }> {
  const res = await server.app.inject({ method: 'POST', url: '/api/session', payload: { initData: initDataFor(opts) } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.body}`);
  const body = res.json<{ token: string; user: { id: string } }>();
  return { token: body.token, userId: body.user.id };
}

/** The test owner's user id (created on first use), or a user with the given Telegram id. */
export async function ownerId(server: CocoonServer, telegramId = TEST_OWNER_TELEGRAM_ID): Promise<string> {
  const s = server.services();
  const who = { telegramId: BigInt(telegramId), firstName: 'Owner', username: undefined, authDate: new Date() };
  return (await upsertTelegramUser(s.database.db, s.ledger, who, s.config.STARTER_CREDITS)).id;
}

/**
 * A fresh one-time enrollment token, as an owner makes in the app (through the same function the
 * route uses): for the test owner unless `owner` names another user id.
 */
export async function enrollToken(t: { server: CocoonServer }, owner?: string): Promise<string> {
  const id = owner ?? (await ownerId(t.server));
  return (await mintEnrollmentToken(t.server.services().database.db, id)).token;
}
