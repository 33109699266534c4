import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { BuildFile } from '@cocoon/shared/web-build';

/** Every file under a build folder, by its path relative to it (with `/`), for shared/web-build.ts. */
export async function readBuildFolder(dir: string): Promise<BuildFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => {
    if (e.isSymbolicLink()) throw new Error(`${join(e.parentPath, e.name)}: a build folder holds plain files only`);
    return e.isFile();
  });
  return Promise.all(
    files.map(async (e) => {
      const path = join(e.parentPath, e.name);
      return { path: relative(dir, path).split(sep).join('/'), bytes: new Uint8Array(await readFile(path)) };
    }),
  );
}
