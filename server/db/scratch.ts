import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Throwaway PostgreSQL databases for tests and benchmarks: created on the server of `adminUrl`
 * (a database the role may connect to), named `cocoon_test_<12 hex>`, dropped by name only.
 */
export async function createScratchDatabase(adminUrl: string): Promise<string> {
  const name = `cocoon_test_${randomBytes(6).toString('hex')}`;
  await admin(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropScratchDatabase(adminUrl: string, url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^cocoon_test_[0-9a-f]{12}$/.test(name)) throw new Error(`refusing to drop ${name}`);
  await admin(adminUrl, `drop database if exists ${name} with (force)`);
}

async function admin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
