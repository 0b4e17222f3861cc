import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Each file gets its own process: nock and the sandbox route both replace the global fetch path.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
