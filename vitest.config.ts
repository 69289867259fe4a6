import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts', 'test/**/*.test.ts'],
    // The e2e tests share one Docker engine and registry: run files one at a time.
    fileParallelism: false,
    testTimeout: 20_000
  }
});
