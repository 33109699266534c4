import { lingui } from '@lingui/vite-plugin';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The Mini App's .po catalogues, compiled on import (web/i18n).
  plugins: [lingui()],
  // The Mini App's compile-time flags that web/config.ts reads (vite.config.ts sets them in builds),
  // so modules importing it load in unit tests: no simulated TEE, no pinned keys, same-origin broker.
  define: {
    __COCOON_ALLOW_SIMULATED_TEE__: 'false',
    __COCOON_POLICY_KEYS__: '[]',
    __COCOON_BROKER_ORIGIN__: '""',
    __COCOON_APP_VERSION__: '"0.0.0-test"',
  },
  test: {
    include: ['{shared,server,host,cli,proxy,web,dev,e2e,scripts}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time even on two cores (vitest's default there is one): most suites wait on
    // sockets, child processes and databases, not the CPU.
    maxWorkers: 2,
    // One migrated PGlite cluster for the run, loaded by every in-memory test database.
    globalSetup: ['vitest.global-setup.ts'],
  },
});
