import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema';

/** The database as every module sees it, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** A query target: the database, or an open transaction. */
export type Executor = Db | Tx;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export interface DatabaseOptions {
  /** postgres://… for PostgreSQL through a pg.Pool; otherwise PGlite. */
  url?: string | undefined;
  /** PGlite data directory, or `memory://`. */
  dataDir: string;
  /** PostgreSQL: connections the pool opens at most (10 unless told). */
  poolMax?: number;
  /**
   * Errors of idle pooled connections (a restarted or failed-over server, an admin terminating
   * sessions). pg.Pool emits them as 'error' events, which would crash the process unhandled;
   * the pool discards the broken client and the next query opens a new one.
   */
  onPoolError?: (err: Error) => void;
}

/**
 * Where in-memory PGlite databases start from: a data directory (`PGlite.dumpDataDir()`) of an
 * already migrated cluster, or nothing (an empty cluster, initialised on open). Creating a cluster
 * takes PGlite seconds, loading one a fraction of that; the test suites open hundreds of in-memory
 * databases, so their setup sets one template (server/tests/support/pglite-template.ts). Migrations
 * still run on every open: a template one migration behind is brought up to date.
 */
let memoryTemplate: (() => Promise<Blob | undefined>) | undefined;

export function useMemoryTemplate(load: (() => Promise<Blob | undefined>) | undefined): void {
  memoryTemplate = load;
}

/** How long a closing broker waits for checked-out connections to come back before it stops waiting. */
const POOL_END_GRACE_MS = 10_000;

/**
 * Ends the pool: idle connections close at once, checked-out ones when released. A connection
 * that is never released (seen after connections were cut under transactions) must not hang the
 * shutdown: after the grace the broker stops waiting and says so; the process exit closes it.
 */
async function endPool(pool: pg.Pool, warn?: (err: Error) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), POOL_END_GRACE_MS);
    timer.unref();
  });
  const ended = pool.end().then(() => 'ended' as const);
  const outcome = await Promise.race([ended, grace]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    const message = `postgres: ${pool.totalCount - pool.idleCount} connection(s) still checked out ${POOL_END_GRACE_MS} ms into shutdown; not waiting for them`;
    if (warn) warn(new Error(message));
    else console.warn(message);
  }
}

/**
 * Opens the database and applies the committed migrations. PGlite is one connection: it runs
 * one query or transaction at a time (its own mutex), so transactions are serialized there.
 */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolMax ?? 10 });
    pool.on('error', opts.onPoolError ?? ((err) => console.warn(`postgres: idle connection lost: ${err.message}`)));
    // A client checked out of the pool (a transaction in progress) has no 'error' listener of the
    // pool's: a connection cut under it would be an unhandled 'error' event and take the process
    // down. The same error also fails the client's queries, which is where it is handled; the
    // pool drops the broken client when it is released.
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = drizzlePg(pool, { schema });
    await migratePg(db, { migrationsFolder });
    return { db: db as unknown as Db, kind: 'postgres', close: () => endPool(pool, opts.onPoolError) };
  }
  if (!opts.dataDir.startsWith('memory://')) await mkdir(opts.dataDir, { recursive: true });
  const template = opts.dataDir.startsWith('memory://') ? await memoryTemplate?.() : undefined;
  const client = template ? new PGlite({ loadDataDir: template }) : new PGlite(opts.dataDir);
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder });
  return { db: db as unknown as Db, kind: 'pglite', close: () => client.close() };
}
