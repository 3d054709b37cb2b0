import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Stack tests share one chain and one distribution fund: run files one at a time.
    fileParallelism: false,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/fixtures/unit-env.ts'],
        },
      },
      {
        test: {
          name: 'stack',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          // One local stack (free ports, in-memory) for the whole run; see test/fixtures/global-stack.ts.
          globalSetup: ['test/fixtures/global-stack.ts'],
          setupFiles: ['test/fixtures/stack-env.ts', 'test/fixtures/contract-check.ts'],
          testTimeout: 60_000,
          hookTimeout: 240_000,
          pool: 'forks',
        },
      },
    ],
  },
});
