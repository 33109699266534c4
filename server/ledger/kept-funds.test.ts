import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keptFundsMismatches, rowsOf } from './balances';

describe('migration 0007 on a ledger written before it', () => {
  const migrations = fileURLToPath(new URL('../db/migrations', import.meta.url));
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cocoon-migrations-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sets each user\'s balance from their transfers and held from their active holds', { timeout: 60_000 }, async () => {
    // The migrations up to 0006, as a broker from before this one had them.
    const before = join(dir, 'before');
    cpSync(migrations, before, { recursive: true });
    const journal = JSON.parse(readFileSync(join(before, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    journal.entries = journal.entries.filter((e) => e.tag < '0007');
    writeFileSync(join(before, 'meta/_journal.json'), JSON.stringify(journal));
    const client = new PGlite();
    try {
      const db = drizzle(client);
      await migrate(db, { migrationsFolder: before });
      const [alice, bob] = [randomUUID(), randomUUID()];
      await client.exec(`
        insert into users (id, telegram_id, first_name) values ('${alice}', 1, 'A'), ('${bob}', 2, 'B');
        insert into accounts (id, kind) values ('user:${alice}', 'user'), ('user:${bob}', 'user'), ('external:stars', 'external_stars'), ('network:fees', 'network_fees');
        insert into transfers (debit_account, credit_account, amount, kind, idempotency_key) values
          ('external:stars', 'user:${alice}', 900, 'stars_top_up', 'a1'),
          ('user:${alice}', 'network:fees', 150, 'job_commission', 'a2'),
          ('user:${alice}', 'user:${bob}', 50, 'job_earning', 'a3');
        insert into holds (job_id, user_id, amount, status, expires_at) values
          ('${randomUUID()}', '${alice}', 200, 'active', now() + interval '1 hour'),
          ('${randomUUID()}', '${alice}', 300, 'released', now() + interval '1 hour'),
          ('${randomUUID()}', '${bob}', 20, 'active', now() + interval '1 hour');`);
      await migrate(db, { migrationsFolder: migrations });
      const rows = rowsOf<{ id: string; balance: string; held: string }>(await client.query('select id, balance::text, held::text from accounts order by id'));
      expect(rows).toEqual(expect.arrayContaining([
        { id: `user:${alice}`, balance: '700', held: '200' },
        { id: `user:${bob}`, balance: '50', held: '20' },
        { id: 'network:fees', balance: '0', held: '0' },
      ]));
      expect(await keptFundsMismatches(db as never)).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
