import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests with faked dependencies, and integration tests against the real
// PostgreSQL, Temporal and S3 servers that the global setup starts once (or finds already running).
// Temporal's native bridge is unsafe in worker threads, so every project runs in forked processes.
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
