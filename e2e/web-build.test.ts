import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveConfig } from 'vite';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { BUILD_MANIFEST_FILE, BuildManifestSchema, webBuildManifest } from '@cocoon/shared/web-build';
import { INITIAL_JS_BUDGET_BYTES, initialJs, kb } from '../scripts/lib/size-budget';
import { readBuildFolder } from '../scripts/lib/web-build-files';

/** A well-formed operator key (base64url of 32 bytes); nothing is signed with it here. */
const POLICY_KEY = Buffer.alloc(32, 7).toString('base64url');
const production = () => resolveConfig({ configFile: 'vite.config.ts', mode: 'production', logLevel: 'silent' }, 'build');

describe('the production Mini App build refuses to be unsafe', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('refuses a production build without COCOON_POLICY_KEYS', async () => {
    vi.stubEnv('COCOON_POLICY_KEYS', '');
    await expect(production()).rejects.toThrow(/COCOON_POLICY_KEYS is required for a production build/);
  });

  it('refuses the development flags and a plain-http broker origin in a production build', async () => {
    vi.stubEnv('COCOON_POLICY_KEYS', POLICY_KEY);
    vi.stubEnv('VITE_TEST_WALLET', 'true');
    await expect(production()).rejects.toThrow(/VITE_TEST_WALLET: development-only/);
    vi.stubEnv('VITE_TEST_WALLET', '');
    vi.stubEnv('COCOON_BROKER_ORIGIN', 'http://broker.example');
    await expect(production()).rejects.toThrow(/COCOON_BROKER_ORIGIN must be https/);
    vi.stubEnv('COCOON_BROKER_ORIGIN', 'https://broker.example/api');
    await expect(production()).rejects.toThrow(/not an origin/);
    vi.stubEnv('COCOON_BROKER_ORIGIN', 'https://broker.example');
    await expect(production()).resolves.toBeDefined();
  });
});

describe('a real production build (vite build, as an auditor runs it)', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  /** `vite build` in a child process with a clean environment (not Vitest's NODE_ENV=test). */
  async function viteBuild(): Promise<{ dir: string; output: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'cocoon-web-prod-'));
    dirs.push(dir);
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, COCOON_POLICY_KEYS: POLICY_KEY, PUBLIC_URL: 'https://app.example', COCOON_BROKER_ORIGIN: 'https://broker.example' };
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--outDir', dir, '--emptyOutDir'], { env, maxBuffer: 16 << 20 });
    return { dir, output: stdout + stderr };
  }

  let first: { dir: string; output: string };
  const files = async () => readBuildFolder(first.dir);

  it('builds, prints its hash and writes the manifest that hash belongs to', { timeout: 120_000 }, async () => {
    first = await viteBuild();
    const manifest = BuildManifestSchema.parse(JSON.parse(await readFile(join(first.dir, BUILD_MANIFEST_FILE), 'utf8')));
    expect(first.output).toContain(`Mini App build sha256: ${manifest.sha256}`);
    expect((await webBuildManifest(await files())).sha256).toBe(manifest.sha256);
    expect(manifest.inputs).toMatchObject({ mode: 'production', COCOON_POLICY_KEYS: POLICY_KEY, COCOON_BROKER_ORIGIN: 'https://broker.example', VITE_TEST_WALLET: 'false' });
    const html = await readFile(join(first.dir, 'index.html'), 'utf8');
    expect(html).toContain(`<meta name="cocoon-build-sha256" content="${manifest.sha256}">`);
  });

  it('loads at most 150 kB of JavaScript (gzip) before its first screen: the entry script and what it preloads', async () => {
    const initial = initialJs(await files());
    expect(initial.gzipBytes, initial.files.map((f) => `${f.path} ${kb(f.gzipBytes)}`).join(', ')).toBeLessThanOrEqual(INITIAL_JS_BUDGET_BYTES);
  });

  it('contains neither the mocked Telegram, the test wallet nor the dev routes', async () => {
    const markers = ['cocoonTestWallet', '/api/dev/', 'test-invoice-sheet', 'Test wallet (local chain)'];
    for (const { path, bytes } of await files()) {
      const text = Buffer.from(bytes).toString('latin1');
      for (const marker of markers) expect(text.includes(marker), `${marker} in ${path}`).toBe(false);
    }
  });

  it('pins the operator key, calls the configured broker, and limits connect-src to it and the wallets', async () => {
    const all = (await files()).map((f) => Buffer.from(f.bytes).toString('latin1')).join('\n');
    expect(all).toContain(POLICY_KEY);
    expect(all).toContain('"https://broker.example"');
    const html = await readFile(join(first.dir, 'index.html'), 'utf8');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self' https://app.example wss://app.example https://broker.example wss://broker.example https://bridge.tonapi.io");
    expect(csp).not.toMatch(/unsafe-eval|\*/);
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('is reproducible: a second build gives the very same hash', { timeout: 120_000 }, async () => {
    const second = await viteBuild();
    const hash = async (dir: string) => BuildManifestSchema.parse(JSON.parse(await readFile(join(dir, BUILD_MANIFEST_FILE), 'utf8'))).sha256;
    expect(await hash(second.dir)).toBe(await hash(first.dir));
  });
});
