import { openSession, signedInitData } from '@cocoon/e2e/support/chat-client';
import { openDatabase } from '@cocoon/server/db/client';
import { users } from '@cocoon/server/db/schema';
import { createScratchDatabase, dropScratchDatabase } from '@cocoon/server/db/scratch';
import { mintEnrollmentToken } from '@cocoon/server/hosts/enrollment-tokens';
import { randomBytes } from 'node:crypto';
import { startChild, type Child } from './child';

/** The load test's bot: initData signed with it opens the simulated users' sessions. Not a real token. */
export const LOAD_BOT_TOKEN = '7000000003:LOAD-token-not-secret-AAAAAAAAAAAAAA';
const OWNER_TELEGRAM_ID = 9_100_000_001n;
const FIRST_USER_TELEGRAM_ID = 9_200_000_000;

/**
 * The broker configured for load (README, broker configuration): PostgreSQL, the simulated TEE,
 * and the per-user and per-address limits raised so that one harness process may stand for
 * thousands of users. Everything else (frame limits, queues, heartbeats, timeouts) as deployed.
 */
const loadEnv = (databaseUrl: string, verbose: boolean): Record<string, string> => ({
  BOT_TOKEN: LOAD_BOT_TOKEN,
  PORT: '0',
  HOST: '127.0.0.1',
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_MAX: '32',
  ALLOW_SIMULATED_TEE: 'true',
  LOG_LEVEL: verbose ? 'info' : 'error',
  STARTER_CREDITS: '1000000000000000',
  MAX_CONCURRENT_JOBS_PER_USER: '1000',
  RATE_LIMIT_PER_IP: '1000000',
  RATE_LIMIT_PER_USER: '1000000',
  RATE_LIMIT_JOBS_PER_USER: '100000000',
  WS_INBOUND_BYTES_PER_S: String(1 << 30),
  WS_INBOUND_BURST_BYTES: String(1 << 30),
  // A host carrying a thousand streams sends bursts of small chunk frames: one 64 KiB read holds
  // ~600 of them, past the default's termination mark (16 x 16 frames queued).
  WS_MAX_QUEUED_MESSAGES: '64',
});

export interface Brokers {
  children: Child[];
  /** http://… of each broker. */
  urls: string[];
  databaseUrl: string;
  /** One enrollment token per host, made for the load owner as Add machine makes them. */
  enrollTokens(n: number): Promise<string[]>;
  /** Session tokens of `n` simulated Telegram users (each with the starter credits). */
  sessions(n: number): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Starts `count` broker processes (server/main.ts) on one throwaway PostgreSQL database; with
 * `cluster`, each with NATS_URL and its own BROKER_ID. The database is dropped at close.
 */
export async function startBrokers(o: { count: number; pgAdminUrl: string; cluster?: { natsUrl: string }; verbose: boolean; onLine?: (line: string) => void }): Promise<Brokers> {
  const databaseUrl = await createScratchDatabase(o.pgAdminUrl);
  // Its own subject prefix: other brokers on the same NATS server (tests running beside) never see its messages.
  const clusterName = `load_${randomBytes(4).toString('hex')}`;
  const children: Child[] = [];
  const close = async () => {
    await Promise.all(children.map((c) => c.kill()));
    await dropScratchDatabase(o.pgAdminUrl, databaseUrl);
  };
  try {
    // One after the other: the first migrates the new database.
    for (let i = 0; i < o.count; i++) {
      const env = { ...loadEnv(databaseUrl, o.verbose), ...(o.cluster && { NATS_URL: o.cluster.natsUrl, BROKER_ID: `load-${i}`, CLUSTER_NAME: clusterName }) };
      children.push(await startChild('server/main.ts', env, /cocoon broker listening on (http:\/\/\S+)/, 60_000, o.onLine));
    }
  } catch (e) {
    await close();
    throw e;
  }
  const urls = children.map((c) => c.ready[1]!);
  return {
    children,
    urls,
    databaseUrl,
    async enrollTokens(n) {
      const database = await openDatabase({ url: databaseUrl, dataDir: 'unused' });
      try {
        const [owner] = await database.db
          .insert(users)
          .values({ telegramId: OWNER_TELEGRAM_ID, firstName: 'Load owner' })
          .onConflictDoUpdate({ target: users.telegramId, set: { firstName: 'Load owner' } })
          .returning({ id: users.id });
        const tokens: string[] = [];
        for (let i = 0; i < n; i++) tokens.push((await mintEnrollmentToken(database.db, owner!.id)).token);
        return tokens;
      } finally {
        await database.close();
      }
    },
    async sessions(n) {
      const url = urls[urls.length - 1]!;
      const tokens: string[] = [];
      for (let i = 0; i < n; i++) tokens.push((await openSession(url, signedInitData(LOAD_BOT_TOKEN, { id: FIRST_USER_TELEGRAM_ID + i, first_name: `Load ${i}` }))).token);
      return tokens;
    },
    close,
  };
}
