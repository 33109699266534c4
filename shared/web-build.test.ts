import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUILD_MANIFEST_FILE, BuildManifestSchema, buildHashMeta, stampIndexHtml, UNSTAMPED_BUILD_HASH, unstampIndexHtml, webBuildManifest, type BuildFile } from './web-build';

const text = (path: string, content: string): BuildFile => ({ path, bytes: new TextEncoder().encode(content) });
const index = (hash = UNSTAMPED_BUILD_HASH, title = 'Cocoon') => `<!doctype html><head><meta charset="UTF-8" />\n    ${buildHashMeta(hash)}<title>${title}</title></head>`;
const build = (): BuildFile[] => [
  text('index.html', index()),
  text('assets/index-3f9a.js', 'console.log(1)'),
  text('assets/worker-77aa.js', 'postMessage(2)'),
  text('tonconnect-wallets.json', '[]\n'),
  { path: 'icon-180.png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]) },
];
const sha256sum = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');

describe('webBuildManifest', () => {
  it('is the SHA-256 of the sorted `sha256sum` listing, computed here independently', async () => {
    const manifest = await webBuildManifest([text('b.txt', 'b'), text('a.txt', 'a'), text('assets/z.js', 'z')]);
    const listing = `${sha256sum('a')}  a.txt\n${sha256sum('z')}  assets/z.js\n${sha256sum('b')}  b.txt\n`;
    expect(manifest.sha256).toBe(sha256sum(listing));
    expect(manifest.files.map((f) => f.path)).toEqual(['a.txt', 'assets/z.js', 'b.txt']);
    expect(BuildManifestSchema.parse(manifest)).toEqual(manifest);
  });

  it('is deterministic and does not depend on the order the files are read in', async () => {
    const first = await webBuildManifest(build());
    expect((await webBuildManifest(build())).sha256).toBe(first.sha256);
    expect((await webBuildManifest(build().reverse())).sha256).toBe(first.sha256);
    expect((await webBuildManifest([...build().slice(2), ...build().slice(0, 2)])).sha256).toBe(first.sha256);
  });

  it('changes when any file changes, appears, disappears or is renamed', async () => {
    const base = (await webBuildManifest(build())).sha256;
    const variants: BuildFile[][] = [
      build().map((f) => (f.path === 'assets/index-3f9a.js' ? text(f.path, 'console.log(2)') : f)),
      build().map((f) => (f.path === 'icon-180.png' ? { path: f.path, bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0xfe]) } : f)),
      build().map((f) => (f.path === 'index.html' ? text(f.path, index(UNSTAMPED_BUILD_HASH, 'Cocoon!')) : f)),
      [...build(), text('assets/extra.js', '')],
      build().filter((f) => f.path !== 'tonconnect-wallets.json'),
      build().map((f) => (f.path === 'assets/worker-77aa.js' ? { ...f, path: 'assets/worker-77ab.js' } : f)),
    ];
    const hashes = await Promise.all(variants.map(async (v) => (await webBuildManifest(v)).sha256));
    for (const h of hashes) expect(h).not.toBe(base);
    expect(new Set(hashes).size).toBe(variants.length);
  });

  it('covers index.html with its build-hash meta zeroed, and never the manifest file', async () => {
    const base = await webBuildManifest(build());
    const stamped = build().map((f) => (f.path === 'index.html' ? text(f.path, index(base.sha256)) : f));
    expect((await webBuildManifest(stamped)).sha256).toBe(base.sha256);
    expect((await webBuildManifest([...stamped, text(BUILD_MANIFEST_FILE, JSON.stringify(base))])).sha256).toBe(base.sha256);
    expect(base.files.find((f) => f.path === 'index.html')?.sha256).toBe(sha256sum(index()));
  });

  it('records the build inputs without hashing them', async () => {
    const a = await webBuildManifest(build(), { mode: 'production', PUBLIC_URL: 'https://app.example' });
    expect(a.inputs).toEqual({ mode: 'production', PUBLIC_URL: 'https://app.example' });
    expect(a.sha256).toBe((await webBuildManifest(build())).sha256);
  });

  it('refuses duplicate, absolute, backslashed and multi-line paths', async () => {
    for (const bad of [[text('a.js', '1'), text('a.js', '2')], [text('/a.js', '')], [text('assets\\a.js', '')], [text('a\n.js', '')]]) {
      await expect(webBuildManifest(bad)).rejects.toThrow(/bad or duplicate build path/);
    }
  });
});

describe('stamping index.html', () => {
  const hash = 'ab'.repeat(32);

  it('replaces the zeroed meta with the hash, and unstamping restores the exact text', () => {
    const stamped = stampIndexHtml(index(), hash);
    expect(stamped).toBe(index(hash));
    expect(unstampIndexHtml(stamped)).toBe(index());
  });

  it('refuses an index.html without the zeroed meta, or with it twice', () => {
    expect(() => stampIndexHtml('<title>Cocoon</title>', hash)).toThrow(/exactly once \(found 0\)/);
    expect(() => stampIndexHtml(index() + buildHashMeta(UNSTAMPED_BUILD_HASH), hash)).toThrow(/found 2/);
    expect(() => stampIndexHtml(index(), 'not-a-hash')).toThrow();
  });
});
