import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'e2e/**/*.test.ts', 'server/**/*.test.ts', 'host/**/*.test.ts', 'web/**/*.test.ts', 'cli/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
