import { defineConfig } from 'vitest/config';

import base from './vitest.config.js';

/** The Vitest configuration of `npm run mutate`: MUTATE_TESTS, comma-separated, narrows the tests. */
export default defineConfig({
  ...base,
  test: { ...base.test, include: process.env.MUTATE_TESTS?.split(',') ?? base.test?.include },
});
