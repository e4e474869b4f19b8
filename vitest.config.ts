import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs no service; `integration` runs against a real Postgres and a real
// Temporal dev server that test/support/global-setup.ts starts once for the whole run.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/**/test/**/*.test.ts', 'apps/**/test/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.e2e.test.ts', '**/node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'packages/**/test/**/*.int.test.ts',
            'apps/**/test/**/*.int.test.ts',
            'infra/test/**/*.int.test.ts',
            // Browser tests drive Debian's Chromium against the real API (apps/web/test).
            'apps/**/test/**/*.e2e.test.ts',
          ],
          exclude: ['**/node_modules/**'],
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
