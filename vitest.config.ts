import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The e2e tests share one Docker engine and registry: run files one at a time.
    fileParallelism: false,
    testTimeout: 20_000,
    projects: [
      // Unit tests: no Docker, no stack.
      { extends: true, test: { name: 'unit', include: ['__tests__/**/*.test.ts'], globalSetup: ['test/setup/temp-dir.ts'] } },
      // The real stack: brought up before any file runs, its environment given to every worker.
      { extends: true, test: { name: 'e2e', include: ['test/**/*.test.ts'], globalSetup: ['test/setup/stack.ts', 'test/setup/temp-dir.ts'] } }
    ]
  }
});
