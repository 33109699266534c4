import { z } from 'zod';

/**
 * The Mini App build hash (README.md, "Verify the app you run"): one SHA-256 over everything a
 * build writes, so a phone's app, a rebuild of the tagged source and the operator's signed policy
 * (`webBuilds`) can be compared by one string.
 *
 * What is hashed: every file of the build folder except `build-manifest.json`, each by its own
 * SHA-256, listed as `sha256sum` prints it (`<hex>  <path>\n`, paths relative with `/`, sorted by
 * byte order). The build hash is the SHA-256 of that listing. `index.html` carries the hash in
 * `<meta name="cocoon-build-sha256">` for the app to show; it is hashed with that value set to 64
 * zeros, so the hash covers index.html too without having to contain itself.
 *
 * @example
 * const { sha256 } = await webBuildManifest([{ path: 'index.html', bytes }, { path: 'assets/app-1f.js', bytes: js }]);
 */

// No relative imports here: vite.config.ts imports this file, and Vite's native config loader
// (Node's type stripping) resolves no extensionless paths.

/** The meta element in index.html that carries the build hash. */
export const BUILD_HASH_META = 'cocoon-build-sha256';
/** Written beside index.html by the build; not itself hashed. */
export const BUILD_MANIFEST_FILE = 'build-manifest.json';
/** The value index.html is hashed with (and carries before the hash is known). */
export const UNSTAMPED_BUILD_HASH = '0'.repeat(64);

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 in lower-case hex');

export const BuildManifestSchema = z.object({
  version: z.literal(1),
  /** The build hash: SHA-256 of the `sha256sum` listing of `files`. */
  sha256: Sha256Hex,
  /** Every hashed file, sorted by path; index.html's digest is of its unstamped form. */
  files: z.array(z.object({ path: z.string().min(1), sha256: Sha256Hex })),
  /** The build variables the files depend on, for a reproduction (informational, not hashed). */
  inputs: z.record(z.string(), z.string()),
});
export type BuildManifest = z.output<typeof BuildManifestSchema>;

export interface BuildFile {
  /** Relative to the build folder, with `/`. */
  path: string;
  bytes: Uint8Array;
}

const metaPattern = new RegExp(`(<meta name="${BUILD_HASH_META}" content=")([0-9a-f]{64})(")`);

/** The build-hash meta element, as the build writes it into index.html's head. */
export const buildHashMeta = (hash: string): string => `<meta name="${BUILD_HASH_META}" content="${hash}">`;

/** index.html as hashed: its (first) build-hash meta set to zeros; unchanged without one. */
export const unstampIndexHtml = (html: string): string => html.replace(metaPattern, `$1${UNSTAMPED_BUILD_HASH}$3`);

/** index.html carrying `hash`; throws unless it has the (unstamped) meta exactly once. */
export function stampIndexHtml(html: string, hash: string): string {
  const count = html.split(buildHashMeta(UNSTAMPED_BUILD_HASH)).length - 1;
  if (count !== 1) throw new Error(`index.html must carry ${buildHashMeta(UNSTAMPED_BUILD_HASH)} exactly once (found ${count})`);
  return html.replace(buildHashMeta(UNSTAMPED_BUILD_HASH), buildHashMeta(Sha256Hex.parse(hash)));
}

/** Bytes as one character each and back: the meta is ASCII, so unstamping leaves every other byte exactly as it was. */
const asLatin1 = (bytes: Uint8Array): string => Array.from(bytes, (b) => String.fromCharCode(b)).join('');
const fromLatin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

const sha256Hex = async (bytes: Uint8Array): Promise<string> =>
  Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes))), (b) => b.toString(16).padStart(2, '0')).join('');

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The `sha256sum` listing the build hash is taken over. */
export const buildListing = (files: BuildManifest['files']): string => files.map((f) => `${f.sha256}  ${f.path}\n`).join('');

/**
 * Hashes a build folder's files (order does not matter) into its manifest. Paths must be relative
 * with `/`, unique, and free of newlines.
 */
export async function webBuildManifest(files: readonly BuildFile[], inputs: Record<string, string> = {}): Promise<BuildManifest> {
  const hashed = files.filter((f) => f.path !== BUILD_MANIFEST_FILE);
  const seen = new Set<string>();
  for (const { path } of hashed) {
    if (seen.has(path) || path.startsWith('/') || path.includes('\\') || /[\r\n]/.test(path)) throw new Error(`bad or duplicate build path: ${JSON.stringify(path)}`);
    seen.add(path);
  }
  const digests = await Promise.all(
    hashed.map(async ({ path, bytes }) => {
      const content = path === 'index.html' ? fromLatin1(unstampIndexHtml(asLatin1(bytes))) : bytes;
      return { path, sha256: await sha256Hex(content) };
    }),
  );
  digests.sort((a, b) => byteOrder(a.path, b.path));
  return { version: 1, sha256: await sha256Hex(new TextEncoder().encode(buildListing(digests))), files: digests, inputs };
}
