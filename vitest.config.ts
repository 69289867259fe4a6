import { defineConfig } from 'vitest/config';
import { stackLanes } from './test/e2e/support/lanes.js';

// The e2e tests share an engine and a registry: one file at a time, or one file per lane, each lane
// on an engine of its own (STACK_LANES, test/setup/stack.ts).
const lanes = stackLanes();

export default defineConfig({
  test: {
    fileParallelism: lanes > 1,
    maxWorkers: lanes,
    minWorkers: 1,
    testTimeout: 20_000,
    projects: [
      // Unit tests: no Docker, no stack.
      { extends: true, test: { name: 'unit', include: ['__tests__/**/*.test.ts'], globalSetup: ['test/setup/temp-dir.ts'] } },
      // The real stack: brought up before any file runs, its environment given to every worker.
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/setup/stack.ts', 'test/setup/temp-dir.ts'],
          setupFiles: ['test/setup/lane.ts']
        }
      }
    ]
  }
});
