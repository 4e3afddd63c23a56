import { defineConfig } from 'vitest/config';

// `npm run test:reliability`: crashes, faults, hostile input and load against real processes.
// One file at a time: each one loads the machine's two cores on purpose.
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
