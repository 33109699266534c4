import { expect } from 'vitest';
import { isCocoonError, type ErrorCode } from '@cocoon/shared/errors';
import pg from 'pg';
import { openDatabase, type Database } from '../../db/client';
import { createScratchDatabase as createScratch, dropScratchDatabase as dropScratch } from '../../db/scratch';
import './pglite-template';

/** The PostgreSQL the suites also run on when it is reachable (CI: trust auth, database `test`). */
export const TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

async function probePostgres(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const postgresReachable = await probePostgres();
if (!postgresReachable) {
  console.warn(`[tests] PostgreSQL not reachable at ${TEST_PG_URL}: PostgreSQL variants are skipped (PGlite variants still run).`);
}

export type Backend = 'pglite' | 'postgres';
export const backends: Backend[] = ['pglite', 'postgres'];

export interface TestDatabase extends Database {
  /** The URL a server config should use (`DATABASE_URL`), or undefined for in-memory PGlite. */
  url: string | undefined;
}

/** A fresh, migrated database: in-memory PGlite, or a throwaway PostgreSQL database dropped on close. */
export async function openTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'pglite') return { ...(await openDatabase({ dataDir: 'memory://' })), url: undefined };
  const url = await createScratchDatabase();
  const database = await openDatabase({ url, dataDir: '' });
  return {
    ...database,
    url,
    close: async () => {
      await database.close();
      await dropScratchDatabase(url);
    },
  };
}

/** A throwaway PostgreSQL database for one suite; the caller drops it with `dropScratchDatabase`. */
export const createScratchDatabase = (): Promise<string> => createScratch(TEST_PG_URL);
export const dropScratchDatabase = (url: string): Promise<void> => dropScratch(TEST_PG_URL, url);

/** Awaits `p` and expects it to fail with the CocoonError `code`. */
export async function expectCode(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isCocoonError(err, code), `expected ${code}, got ${String(err)}`).toBe(true);
}
