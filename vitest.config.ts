import { lingui } from '@lingui/vite-plugin';
import { defineConfig } from 'vitest/config';

/**
 * Units that run isolated all the same: those that mock, spy or fake timers, and one that loads
 * the Mini App's translations in a set order (shared modules would hand it them already loaded).
 * Checked with `npx vitest run --project units --sequence.shuffle --sequence.seed=N`.
 */
const ISOLATED_UNITS = [
  'web/features/chat/error-messages.test.ts',
  'web/features/chat/chat-jobs.test.ts',
  'web/ws/heartbeat.test.ts',
  'web/ws/broker-socket.test.ts',
];

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
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time even on two cores (vitest's default there is one): most suites wait on
    // sockets, child processes and databases, not the CPU.
    maxWorkers: 2,
    // One migrated PGlite cluster for the run, loaded by every in-memory test database.
    globalSetup: ['vitest.global-setup.ts'],
    projects: [
      {
        // Pure units (protocol, crypto, the Mini App's logic): they share one module graph per
        // worker instead of importing it anew for every file (most of their time was imports).
        // Files that mock modules, spy or fake timers stay isolated, in the other project.
        extends: true,
        test: { name: 'units', include: ['{shared,web,scripts}/**/*.test.ts'], exclude: [...ISOLATED_UNITS, '**/node_modules/**'], isolate: false },
      },
      {
        extends: true,
        test: { name: 'integration', include: ['{server,host,cli,proxy,dev,e2e}/**/*.test.ts', ...ISOLATED_UNITS] },
      },
    ],
  },
});
