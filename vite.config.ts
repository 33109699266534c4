import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv } from 'vite';

/**
 * The Mini App build. Modes: `development` (vite dev) and `e2e` include the mocked Telegram
 * environment and accept the simulated TEE; the default `production` build includes neither, and
 * the mock is tree-shaken out because the flags below are compile-time constants.
 * `VITE_MOCK_TELEGRAM=true|false` and `VITE_ALLOW_SIMULATED_TEE=true|false` override the mode's
 * defaults.
 */
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_');
  const devMode = mode === 'development' || mode === 'e2e';
  const mockTelegram = env.VITE_MOCK_TELEGRAM ? env.VITE_MOCK_TELEGRAM === 'true' : devMode;
  const allowSimulated = env.VITE_ALLOW_SIMULATED_TEE ? env.VITE_ALLOW_SIMULATED_TEE === 'true' : devMode;
  const broker = process.env.COCOON_BROKER_URL ?? 'http://127.0.0.1:8080';

  return {
    root: '.',
    plugins: [react(), tailwindcss()],
    define: {
      __COCOON_MOCK_TELEGRAM__: JSON.stringify(mockTelegram),
      __COCOON_ALLOW_SIMULATED_TEE__: JSON.stringify(allowSimulated),
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
