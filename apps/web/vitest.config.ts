import { defineConfig } from 'vitest/config';

// The web UI's end-to-end test on its own: `npm run test:e2e -w @ttpgrid/web`. The root config
// runs the same file in its `e2e` project. Postgres and Temporal come from the shared global
// setup; the test starts the worker, the trainer, the API and Chromium itself.
export default defineConfig({
  test: {
    name: 'e2e',
    root: new URL('.', import.meta.url).pathname,
    include: ['test/**/*.e2e.test.ts'],
    globalSetup: ['../../test/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 900_000,
  },
});
