import { defineConfig } from 'vitest/config';

/** `npm run test:live`: the connector scenarios against real accounts, one file, one scenario at a time. */
export default defineConfig({
  test: {
    include: ['test/live/**/*.live.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
