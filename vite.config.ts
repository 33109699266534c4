import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { defineConfig, loadEnv, type Plugin } from 'vite';

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
  const wallets = () => (opts.testWallet ? [testWallet] : (JSON.parse(readFileSync(opts.productionWalletsFile, 'utf8')) as unknown[]));
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

/**
 * The Mini App build. Modes: `development` (vite dev) and `e2e` include the mocked Telegram
 * environment and accept the simulated TEE; the default `production` build includes neither, and
 * the mock is tree-shaken out because the flags below are compile-time constants.
 * `VITE_MOCK_TELEGRAM=true|false`, `VITE_ALLOW_SIMULATED_TEE=true|false` and `VITE_TEST_WALLET=true|false`
 * override the mode's defaults. `PUBLIC_URL` (as the broker's) is the origin named in the
 * TonConnect manifest. `COCOON_POLICY_KEYS` pins the operator's attestation-policy keys (none by default).
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

  return {
    root: '.',
    plugins: [react(), tailwindcss(), tonconnectAssets({ appUrl: publicUrl, testWallet, productionWalletsFile: 'web/ton/wallets.production.json' })],
    define: {
      __COCOON_MOCK_TELEGRAM__: JSON.stringify(mockTelegram),
      __COCOON_ALLOW_SIMULATED_TEE__: JSON.stringify(allowSimulated),
      __COCOON_TEST_WALLET__: JSON.stringify(testWallet),
      __COCOON_POLICY_KEYS__: JSON.stringify(pinnedPolicyKeys),
    },
    worker: { format: 'es' },
    build: { outDir: 'dist/web', emptyOutDir: true, target: 'es2022' },
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
