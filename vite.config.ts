import { lingui } from '@lingui/vite-plugin';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { defineConfig, loadEnv, type Logger, type Plugin } from 'vite';
// Relative paths with their extension: Vite bundles them into the config (a package import would be
// left to Node), and they import nothing by an extensionless path, so Vite's native loader can too.
import { precompressFolder } from './scripts/lib/precompress.ts';
import { readBuildFolder } from './scripts/lib/web-build-files.ts';
import { appContentSecurityPolicy, tonConnectOrigins, withSocketOrigin } from './shared/content-security-policy.ts';
import { BUILD_MANIFEST_FILE, buildHashMeta, stampIndexHtml, UNSTAMPED_BUILD_HASH, webBuildManifest } from './shared/web-build.ts';

/** The injected test wallet's `js` bridge key: `deviceInfo.appName` in web/ton/test-wallet/device-info.ts. */
const TEST_WALLET_KEY = 'cocoonTestWallet';

/** A small coin on a dashed ring: the test wallet's picture, inline so no file ships for it. */
const testWalletImage =
  'data:image/svg+xml;base64,' +
  Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><rect width="96" height="96" rx="22" fill="#f59e0b"/>' +
      '<circle cx="48" cy="48" r="26" fill="none" stroke="#fff" stroke-width="6" stroke-dasharray="8 6"/>' +
      '<text x="48" y="58" font-family="sans-serif" font-size="28" font-weight="700" text-anchor="middle" fill="#fff">T</text></svg>',
  ).toString('base64');

const testWallet = {
  app_name: TEST_WALLET_KEY,
  name: 'Test wallet (local chain)',
  image: testWalletImage,
  about_url: 'https://github.com/ton-org/sandbox',
  bridge: [{ type: 'js', key: TEST_WALLET_KEY }],
  platforms: ['ios', 'android', 'chrome', 'firefox', 'safari', 'macos', 'windows', 'linux'],
  features: [{ name: 'SendTransaction', maxMessages: 4, extraCurrencySupported: false }],
};

/**
 * `COCOON_POLICY_KEYS`: comma-separated base64url Ed25519 operator keys, pinned in the build; the
 * crypto worker accepts only an attestation policy signed by one of them. Checked here so a typo
 * fails the build instead of every host in production.
 */
function policyKeys(raw: string | undefined): string[] {
  const keys = (raw ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  for (const key of keys) {
    if (!/^[A-Za-z0-9_-]{43}$/.test(key)) throw new Error(`COCOON_POLICY_KEYS: "${key}" is not a base64url Ed25519 public key (43 characters)`);
  }
  return keys;
}

/**
 * `COCOON_BROKER_ORIGIN`: the broker's origin when a static host serves the app apart from it (https
 * in a production build); unset: the app calls the origin that served it.
 */
function brokerOrigin(raw: string | undefined, production: boolean): string {
  const value = (raw ?? '').trim();
  if (!value) return '';
  const url = URL.canParse(value) ? new URL(value) : null;
  if (!url || !/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search || url.hash) {
    throw new Error(`COCOON_BROKER_ORIGIN: "${value}" is not an origin like https://broker.example`);
  }
  if (production && url.protocol !== 'https:') throw new Error('COCOON_BROKER_ORIGIN must be https in a production build');
  return url.origin;
}

/** The wallets TonConnect lists: the injected test wallet (dev, e2e) or the real ones (`productionWalletsFile`). */
const walletsList = (useTestWallet: boolean, productionWalletsFile: string): unknown[] =>
  useTestWallet ? [testWallet] : (JSON.parse(readFileSync(productionWalletsFile, 'utf8')) as unknown[]);

function manifest(appUrl: string) {
  const url = appUrl.replace(/\/+$/, '');
  return { url, name: 'Cocoon', iconUrl: `${url}/icon-180.png` };
}

interface TonConnectAssetsOptions {
  /** The Mini App's public origin, named in the manifest (PUBLIC_URL; the dev server uses the request's). */
  appUrl: string;
  /** List the injected test wallet of the local chain instead of real wallets (dev and e2e builds). */
  testWallet: boolean;
  /** The real wallets, in the format of github.com/ton-connect/wallets-list. */
  productionWalletsFile: string;
}

/**
 * Serves and emits the two files TonConnect reads from the Mini App's own origin:
 * `tonconnect-manifest.json` (the dApp's name, URL and icon, shown by wallets) and
 * `tonconnect-wallets.json` (the wallets list; the SDK's default is a third-party URL).
 * Dev and e2e builds list only the injected test wallet of the local chain; production builds
 * list real wallets, so nothing of the test wallet reaches a production bundle.
 */
function tonconnectAssets(opts: TonConnectAssetsOptions): Plugin {
  const wallets = () => walletsList(opts.testWallet, opts.productionWalletsFile);
  const files = (appUrl: string): Record<string, unknown> => ({
    'tonconnect-manifest.json': manifest(appUrl),
    'tonconnect-wallets.json': wallets(),
  });
  return {
    name: 'cocoon-tonconnect-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = (req.url ?? '').split('?')[0]?.slice(1) ?? '';
        const body = files(`http://${req.headers.host ?? 'localhost'}`)[name];
        if (body === undefined) return next();
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      });
    },
    generateBundle() {
      for (const [fileName, body] of Object.entries(files(opts.appUrl))) {
        this.emitFile({ type: 'asset', fileName, source: JSON.stringify(body, null, 2) + '\n' });
      }
    },
  };
}

interface BuildIdentityOptions {
  /** The app's Content-Security-Policy, put in index.html so it travels with the app to any host. */
  csp: string;
  /** The build variables the output depends on, recorded in the manifest for a reproduction. */
  inputs: Record<string, string>;
}

/**
 * Builds only. Puts the CSP and a zeroed build-hash meta at the top of index.html; once the bundle
 * is written, hashes the whole output folder (shared/web-build.ts), stamps the hash into
 * index.html, writes `build-manifest.json` and prints `Mini App build sha256: <hex>`.
 */
function buildIdentity(opts: BuildIdentityOptions): Plugin {
  let outDir = '';
  let logger: Logger | undefined;
  return {
    name: 'cocoon-build-identity',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
      logger = config.logger;
    },
    // Right after the charset (which must come within the first 1024 bytes) and before any script.
    transformIndexHtml(html) {
      const charset = '<meta charset="UTF-8" />';
      if (!html.includes(charset)) throw new Error(`index.html: expected ${charset}`);
      const attribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
      const metas = [`<meta http-equiv="Content-Security-Policy" content="${attribute(opts.csp)}">`, buildHashMeta(UNSTAMPED_BUILD_HASH)];
      return html.replace(charset, [charset, ...metas].join('\n    '));
    },
    writeBundle: {
      order: 'post',
      sequential: true,
      async handler() {
        const built = await webBuildManifest(await readBuildFolder(outDir), opts.inputs);
        const index = join(outDir, 'index.html');
        await writeFile(index, stampIndexHtml(await readFile(index, 'utf8'), built.sha256));
        await writeFile(join(outDir, BUILD_MANIFEST_FILE), JSON.stringify(built, null, 2) + '\n');
        logger?.info(`Mini App build sha256: ${built.sha256}`);
      },
    },
  };
}

/**
 * Builds only: brotli and gzip copies beside each text file (scripts/lib/precompress.ts), after
 * buildIdentity has stamped index.html (both run `post`, in plugin order), for the broker to serve.
 */
function precompressBuild(): Plugin {
  let outDir = '';
  let logger: Logger | undefined;
  return {
    name: 'cocoon-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
      logger = config.logger;
    },
    writeBundle: {
      order: 'post',
      sequential: true,
      async handler() {
        logger?.info(`precompressed ${await precompressFolder(outDir)} files (brotli, gzip)`);
      },
    },
  };
}

/**
 * Builds only: zod's JSON Schema generation (about 5 kB gzip of the first load) left out. Every
 * classic zod schema links it for `.toJSONSchema()`, which the Mini App never calls; it only parses.
 * Calling it, or the few derived getters built on it (`.minLength`, `.maxValue`…), throws. Its
 * English error sentences are left out too: a failed parse's issues say only "Invalid input".
 */
function zodWithoutJsonSchema(): Plugin {
  const left = (names: string[]) =>
    `const left = () => { throw new Error('zod JSON Schema is left out of the Mini App build (vite.config.ts)'); };\n` +
    names.map((name) => `export const ${name} = left;`).join('\n');
  // Every name zod's module exports (its schemas link one processor each), so none is undefined.
  const processorNames = [...readFileSync('node_modules/zod/v4/core/json-schema-processors.js', 'utf8').matchAll(/^export (?:const|function) (\w+)/gm)]
    .map((m) => m[1]!)
    .filter((name) => name !== 'allProcessors');
  const stubs: Record<string, string> = {
    'json-schema-processors.js': left(processorNames) + '\nexport const allProcessors = {};',
    'to-json-schema.js':
      left(['extractDefs', 'finalize', 'initializeContext', 'processSchema', 'handleUnrepresentable']) +
      '\nexport const createToJSONSchemaMethod = () => left;\nexport const createStandardJSONSchemaMethod = () => left;',
    // English sentences for failed parses: the app shows its own words for a bad response, never zod's.
    'locales/en.js': "export default function () { return { localeError: () => 'Invalid input' }; }",
  };
  return {
    name: 'cocoon-zod-without-json-schema',
    apply: 'build',
    enforce: 'pre',
    resolveId(id, importer) {
      const file = id.endsWith('/locales/en.js') ? 'locales/en.js' : (id.split('/').pop() ?? '');
      return importer?.includes('/node_modules/zod/') && file in stubs ? `\0zod-left-out:${file}` : null;
    },
    load(id) {
      return id.startsWith('\0zod-left-out:') ? stubs[id.slice('\0zod-left-out:'.length)] : null;
    },
  };
}

const PRODUCTION_WALLETS_FILE = 'web/ton/wallets.production.json';

/** The product's version (package.json), shown on the About screen. */
function appVersion(): string {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version?: unknown };
  if (typeof version !== 'string') throw new Error('package.json has no version');
  return version;
}

/**
 * The Mini App build. Modes: `development` (vite dev) and `e2e` include the mocked Telegram
 * environment and accept the simulated TEE; the default `production` build includes neither, and
 * the mock is tree-shaken out because the flags below are compile-time constants.
 * `VITE_MOCK_TELEGRAM=true|false`, `VITE_ALLOW_SIMULATED_TEE=true|false` and `VITE_TEST_WALLET=true|false`
 * override the mode's defaults. `PUBLIC_URL` (as the broker's) is the origin named in the
 * TonConnect manifest. `COCOON_POLICY_KEYS` pins the operator's attestation-policy keys: required in a
 * production build, which also refuses the development flags. `COCOON_BROKER_ORIGIN` points the app
 * at a broker on another origin. Every build prints its hash and writes `build-manifest.json`.
 */
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_');
  const devMode = mode === 'development' || mode === 'e2e';
  const mockTelegram = env.VITE_MOCK_TELEGRAM ? env.VITE_MOCK_TELEGRAM === 'true' : devMode;
  const allowSimulated = env.VITE_ALLOW_SIMULATED_TEE ? env.VITE_ALLOW_SIMULATED_TEE === 'true' : devMode;
  const testWallet = env.VITE_TEST_WALLET ? env.VITE_TEST_WALLET === 'true' : devMode;
  const publicUrl = process.env.PUBLIC_URL ?? 'http://127.0.0.1:8080';
  const broker = process.env.COCOON_BROKER_URL ?? 'http://127.0.0.1:8080';
  const pinnedPolicyKeys = policyKeys(process.env.COCOON_POLICY_KEYS);
  const brokerAt = brokerOrigin(process.env.COCOON_BROKER_ORIGIN, !devMode);
  if (!devMode) {
    // A production build fails closed: it must pin the operator's policy keys, and may not consent
    // to the simulated TEE or carry the mocked Telegram or the test wallet.
    if (pinnedPolicyKeys.length === 0) throw new Error('COCOON_POLICY_KEYS is required for a production build: without a pinned operator key the app would accept any TDX image (use --mode development or e2e for local builds)');
    const devFlags = { VITE_MOCK_TELEGRAM: mockTelegram, VITE_ALLOW_SIMULATED_TEE: allowSimulated, VITE_TEST_WALLET: testWallet };
    const on = Object.entries(devFlags).filter(([, value]) => value).map(([name]) => name);
    if (on.length > 0) throw new Error(`${on.join(', ')}: development-only, refused in a production build`);
  }

  const ton = tonConnectOrigins(walletsList(testWallet, PRODUCTION_WALLETS_FILE));
  const csp = appContentSecurityPolicy({
    connect: [...withSocketOrigin(publicUrl), ...(brokerAt ? withSocketOrigin(brokerAt) : []), ...ton.bridges],
    images: ton.images,
  });
  const inputs = {
    mode,
    PUBLIC_URL: publicUrl,
    COCOON_POLICY_KEYS: pinnedPolicyKeys.join(','),
    COCOON_BROKER_ORIGIN: brokerAt,
    VITE_MOCK_TELEGRAM: String(mockTelegram),
    VITE_ALLOW_SIMULATED_TEE: String(allowSimulated),
    VITE_TEST_WALLET: String(testWallet),
  };

  return {
    root: '.',
    plugins: [
      react(),
      lingui(),
      tailwindcss(),
      tonconnectAssets({ appUrl: publicUrl, testWallet, productionWalletsFile: PRODUCTION_WALLETS_FILE }),
      buildIdentity({ csp, inputs }),
      precompressBuild(),
      zodWithoutJsonSchema(),
    ],
    define: {
      __COCOON_MOCK_TELEGRAM__: JSON.stringify(mockTelegram),
      __COCOON_ALLOW_SIMULATED_TEE__: JSON.stringify(allowSimulated),
      __COCOON_TEST_WALLET__: JSON.stringify(testWallet),
      __COCOON_POLICY_KEYS__: JSON.stringify(pinnedPolicyKeys),
      __COCOON_BROKER_ORIGIN__: JSON.stringify(brokerAt),
      __COCOON_APP_VERSION__: JSON.stringify(appVersion()),
    },
    worker: { format: 'es' },
    build: {
      outDir: 'dist/web',
      emptyOutDir: true,
      target: 'es2022',
      // zod and no-eval.ts in one chunk: with several lazy chunks the bundler splits modules they
      // share with the entry (shared/errors.ts…) into common chunks the entry imports, which run
      // before the entry's own no-eval.ts; zod would then probe `new Function` under the CSP. Every
      // chunk with a schema imports zod's, so no-eval.ts there runs before any schema is built.
      rolldownOptions: {
        output: { codeSplitting: { groups: [{ name: 'schemas', test: /[\\/]node_modules[\\/]zod[\\/]|[\\/]web[\\/]no-eval\.ts$/, priority: 10 }] } },
      },
    },
    server: {
      proxy: {
        '/api': { target: broker, changeOrigin: true, ws: true },
        '/healthz': { target: broker, changeOrigin: true },
      },
    },
    preview: {
      proxy: {
        '/api': { target: broker, changeOrigin: true, ws: true },
        '/healthz': { target: broker, changeOrigin: true },
      },
    },
  };
});
