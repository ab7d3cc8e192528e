import { defineConfig } from 'vitest/config';

// One runner for everything: unit tests sit next to the code, integration tests talk to a real
// PostgreSQL, workerd tests start the real Worker in Miniflare/workerd, e2e tests spawn processes, and
// the dev tools (tools/: the Resend stand-in…) are tested next to themselves.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'tools/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // 2 cores: a few files at once is the sweet spot; each file creates its own database.
    maxWorkers: 3,
    // Each file's wall time, slowest first, above the default reporter's summary (which CI reads).
    reporters: ['./test/support/file-durations-reporter.ts', 'default'],
  },
});
