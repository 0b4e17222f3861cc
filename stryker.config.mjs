/**
 * Mutation testing: `npm run mutate` (Node 22 or later).
 *
 * Vitest runs in its `forks` pool, as in vitest.config.ts: nock and the sandbox route both replace
 * the global fetch path, which threads would share. The global setup builds lib/ inside Stryker's
 * sandbox copy, from the instrumented source, so the tests that load lib/ switch mutants too;
 * `related` is off because those tests import lib/, not src/, and would otherwise be skipped.
 */
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', pool: 'forks', related: false },
  mutate: ['src/**/*.ts', '!src/**/*.test.ts', '!src/mock.ts'],
  plugins: ['@stryker-mutator/*', './scripts/stryker-console-text.mjs'],
  ignorers: ['console-text'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 20_000,
  ignorePatterns: ['/lib', '/coverage', '/.tmp', '*.tgz'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  cleanTempDir: 'always',
};

export default config;
