import { defineConfig } from 'vitest/config';

// Three tiers (plus the replay corpus): unit tests (pure code, fakes; no servers, no binaries, no downloads), component tests (one real
// piece in-process or as a private binary: an ephemeral Temporal dev server, fetched models), and integration
// tests against the real PostgreSQL, Temporal and S3 servers that the global setup starts once (or finds running).
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
        // Recorded workflow histories replayed against today's workflow code: no server, only the SDK's core.
        extends: true,
        test: { name: 'replay', include: ['test/replay/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 120_000 },
      },
      {
        // In-process real pieces without the shared stack: an ephemeral Temporal dev server, fetched models.
        extends: true,
        test: { name: 'component', include: ['test/component/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
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
