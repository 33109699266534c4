import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { BuildFile } from '@cocoon/shared/web-build';
import { isPrecompressedCopy } from './precompress.ts';

/** Every file under a build folder, by its path relative to it (with `/`), for shared/web-build.ts. */
export async function readBuildFolder(dir: string): Promise<BuildFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const plain = entries.filter((e) => {
    if (e.isSymbolicLink()) throw new Error(`${join(e.parentPath, e.name)}: a build folder holds plain files only`);
    return e.isFile();
  });
  // The precompressed copies (scripts/lib/precompress.ts) are encodings of hashed files, not files of their own.
  const all = new Set(plain.map((e) => join(e.parentPath, e.name)));
  const files = plain.filter((e) => !isPrecompressedCopy(join(e.parentPath, e.name), all));
  return Promise.all(
    files.map(async (e) => {
      const path = join(e.parentPath, e.name);
      return { path: relative(dir, path).split(sep).join('/'), bytes: new Uint8Array(await readFile(path)) };
    }),
  );
}
