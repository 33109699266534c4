import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../db/client';
import { users } from '../../db/schema';
import { mintEnrollmentToken } from '../../hosts/enrollment-tokens';
import { TEST_BOT_TOKEN, TEST_OWNER_TELEGRAM_ID } from './test-server';

/** The broker's entry, run from source through tsx as `npm start` runs the host agent. */
const BROKER_MAIN = fileURLToPath(new URL('../../main.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface BrokerProcess {
  url: string;
  wsUrl: string;
  /** SIGKILL: no graceful close, no hold released, sockets and database connections cut. */
  kill(): Promise<void>;
  /** What the process wrote, for a failing test's message. */
  output(): string;
}

/**
 * A broker in its own process (server/main.ts with the test config as environment), for faults
 * only a process can have: being killed mid-job.
 */
export async function startBrokerProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<BrokerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', BROKER_MAIN], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      BOT_TOKEN: TEST_BOT_TOKEN,
      PORT: '0',
      ALLOW_SIMULATED_TEE: 'true',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker process not listening after ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (d: string) => {
      out += d;
      const m = /cocoon broker listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`broker process exited before listening:\n${out}`));
    });
  }).catch(async (e: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw e;
  });
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    output: () => out,
  };
}

/**
 * An enrollment token for the test owner, made straight in a PostgreSQL database a broker process
 * runs on (the process has no in-process services to ask).
 */
export async function enrollTokenOnDatabase(url: string): Promise<string> {
  const database = await openDatabase({ url, dataDir: 'unused' });
  try {
    const [owner] = await database.db
      .insert(users)
      .values({ telegramId: BigInt(TEST_OWNER_TELEGRAM_ID), firstName: 'Owner' })
      .onConflictDoUpdate({ target: users.telegramId, set: { firstName: 'Owner' } })
      .returning({ id: users.id });
    return (await mintEnrollmentToken(database.db, owner!.id)).token;
  } finally {
    await database.close();
  }
}
