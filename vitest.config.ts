import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The reliability suite has its own command (npm run test:reliability) and config.
    exclude: ['test/reliability/**', 'node_modules/**'],
    // SQLite files and real ports: keep workers to the machine's two cores.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
