import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most files wait on child processes, emulators, storage and timers far more than they compute. Vitest's default,
    // one worker fewer than the cores, would run them one at a time on CI's two cores.
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
