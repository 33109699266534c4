// Fingerprints a Mini App build (shared/web-build.ts) from a folder or from where it is served, and
// checks that the hash index.html carries (what the About screen shows) is the files' real hash:
//   npx tsx scripts/verify-web-build.ts dist/web
//   npx tsx scripts/verify-web-build.ts https://app.example/ --expect <sha256 from your rebuild or the signed policy>
// It also checks the first-load budget: the JavaScript index.html loads at once, gzip, at most
// 150 KB (scripts/lib/size-budget.ts).
// Exit 0 when every hash agrees and the budget holds, 1 when one differs or it is exceeded, 2 on unusable input.
import { parseArgs } from 'node:util';
import { BUILD_HASH_META, BUILD_MANIFEST_FILE, BuildManifestSchema, webBuildManifest, type BuildFile } from '@cocoon/shared/web-build';
import { INITIAL_JS_BUDGET_BYTES, initialJs, kb } from './lib/size-budget';
import { readBuildFolder } from './lib/web-build-files';

async function download(url: URL): Promise<Uint8Array> {
  const res = await fetch(url, { redirect: 'error' });
  if (!res.ok) throw new Error(`GET ${url.href} answered ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * The served files a manifest names. index.html is taken from the app URL itself, as a phone
 * loads it. A file the manifest leaves out cannot be loaded without changing a hashed file that
 * refers to it, so the hash still tells a published build from anything else.
 */
async function servedFiles(app: URL): Promise<{ files: BuildFile[]; claimed: string }> {
  const manifest = BuildManifestSchema.parse(JSON.parse(new TextDecoder().decode(await download(new URL(BUILD_MANIFEST_FILE, app)))));
  const files = await Promise.all(
    manifest.files.map(async ({ path }) => ({ path, bytes: await download(path === 'index.html' ? app : new URL(path, app)) })),
  );
  return { files, claimed: manifest.sha256 };
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { expect: { type: 'string' } } });
  const [target] = positionals;
  if (!target || positionals.length > 1) {
    console.error('usage: verify-web-build <build folder | app URL> [--expect <sha256>]');
    return 2;
  }
  const remote = /^https?:\/\//.test(target);
  const { files, claimed } = remote
    ? await servedFiles(new URL(target.endsWith('/') ? target : `${target}/`))
    : { files: await readBuildFolder(target), claimed: undefined };
  const { sha256 } = await webBuildManifest(files);
  const html = files.find((f) => f.path === 'index.html');
  const shown = html && new RegExp(`<meta name="${BUILD_HASH_META}" content="([0-9a-f]{64})">`).exec(new TextDecoder().decode(html.bytes))?.[1];

  console.log(`Mini App build sha256: ${sha256}`);
  const checks: [string, string | undefined][] = [
    ['index.html says (the About screen)', shown ?? 'none'],
    ...(claimed ? [['build-manifest.json says', claimed] as [string, string]] : []),
    ...(values.expect ? [['expected', values.expect.toLowerCase()] as [string, string]] : []),
  ];
  let ok = true;
  for (const [what, value] of checks) {
    const same = value === sha256;
    ok &&= same;
    console.log(`  ${same ? 'same' : 'DIFFERENT'}  ${what}: ${value}`);
  }
  const initial = initialJs(files);
  const within = initial.gzipBytes <= INITIAL_JS_BUDGET_BYTES;
  console.log(`  ${within ? 'within' : 'OVER'}  initial JS: ${kb(initial.gzipBytes)} gzip of ${kb(INITIAL_JS_BUDGET_BYTES)} (${initial.files.map((f) => `${f.path} ${kb(f.gzipBytes)}`).join(', ')})`);
  return ok && within ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  },
);
