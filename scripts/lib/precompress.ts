import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/**
 * Precompressed copies of a built Mini App (issue 13, item 7): `x.br` (brotli, best) and `x.gz`
 * (gzip, best) beside every text file, made once at build time so the broker serves them per
 * `Accept-Encoding` without compressing on each request (server/http/static.ts). They are encodings
 * of files already in the build, so the build's hash leaves them out (scripts/lib/web-build-files.ts).
 */

/** The encodings' file suffixes, in the broker's order of preference. */
export const PRECOMPRESSED_SUFFIXES = ['.br', '.gz'] as const;
/** Text formats worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|json|svg|txt|map|wasm|webmanifest)$/;
/** Below this a compressed copy saves less than its own headers cost. */
const MIN_BYTES = 1024;

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

export const isPrecompressedCopy = (path: string, all: ReadonlySet<string>): boolean =>
  PRECOMPRESSED_SUFFIXES.some((suffix) => path.endsWith(suffix) && all.has(path.slice(0, -suffix.length)));

/** Writes `.br` and `.gz` beside each compressible file of `dir`; returns how many files it compressed. */
export async function precompressFolder(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && COMPRESSIBLE.test(e.name)).map((e) => join(e.parentPath, e.name));
  let count = 0;
  await Promise.all(
    files.map(async (path) => {
      const bytes = await readFile(path);
      if (bytes.length < MIN_BYTES) return;
      const [br, gzipped] = await Promise.all([
        brotli(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
        gz(bytes, { level: constants.Z_BEST_COMPRESSION }),
      ]);
      await Promise.all([writeFile(`${path}.br`, br), writeFile(`${path}.gz`, gzipped)]);
      count++;
    }),
  );
  return count;
}
