import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import { useMemoryTemplate } from '../../db/client';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A dumped PGlite data directory that in-memory test databases start from. */
    pgliteTemplatePath: string | undefined;
  }
}

/**
 * In-memory test databases start from the migrated PGlite cluster that vitest's global setup
 * dumped once for the run (vitest.global-setup.ts), instead of creating a cluster each time.
 * Without that setup (another runner) they are created as in production.
 */
const path = inject('pgliteTemplatePath');
let template: Promise<Blob> | undefined;
if (path) useMemoryTemplate(() => (template ??= readFile(path).then((bytes) => new Blob([bytes]))));
