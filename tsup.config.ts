import { readFileSync } from 'node:fs';

import { defineConfig } from 'tsup';

/**
 * The Console's logo and guide, inlined into the metadata, so that Logto's loader, which runs on
 * every send, finds nothing to read from disk. The files stay in the package for people.
 */
const logo = `data:image/svg+xml;base64,${readFileSync('logo.svg').toString('base64')}`;
const guide = readFileSync('docs/guide.en.md', 'utf8');

export default defineConfig({
  // The connector, which Logto's loader imports, and the package's command (`bin`), which shares
  // no code with it: without splitting, each file stands alone and the connector does not grow.
  entry: { index: 'src/index.ts', cli: 'scripts/templates.ts' },
  splitting: false,
  format: 'esm',
  outDir: 'lib',
  target: 'node20',
  clean: true,
  // Logto's core resolves ky 1.2.3 for connectors, whose retries differ; the client carries its own.
  noExternal: ['ky'],
  dts: false,
  define: {
    BUNDLED_LOGO: JSON.stringify(logo),
    BUNDLED_GUIDE: JSON.stringify(guide),
  },
});
