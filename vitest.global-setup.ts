import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Read by server/tests/support/pglite-template.ts, which declares the same. */
    pgliteTemplatePath: string | undefined;
  }
}

/**
 * Once per run: an initialised, migrated PGlite cluster, dumped to a file. Creating a cluster
 * costs PGlite seconds of CPU; each test database loads this one instead (its migrations then
 * find nothing left to do).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'cocoon-pglite-template-'));
  const path = join(dir, 'cluster.tar');
  const pglite = new PGlite('memory://');
  await migrate(drizzle(pglite), { migrationsFolder: 'server/db/migrations' });
  const dump = await pglite.dumpDataDir('none');
  await pglite.close();
  await writeFile(path, new Uint8Array(await dump.arrayBuffer()));
  project.provide('pgliteTemplatePath', path);
  return () => rm(dir, { recursive: true, force: true });
}
