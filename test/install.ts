/**
 * The install as `logto connector add` does it: `npm pack`, then the CLI's own code extracts the
 * tarball into <instance>/packages/core/connectors/, where only Logto core's dependencies are
 * above it. Loading and sending from there proves the package needs nothing else at run time.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { addConnectorsToPath } from '@logto/cli/lib/commands/connector/utils.js';
import { loadConnectorFactories, buildRawConnector } from '@logto/cli/lib/connector/index.js';
import { getConnectorPackagesFromDirectory } from '@logto/cli/lib/utils.js';
import { type EmailConnector, TemplateType } from '@logto/connector-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { faults } from '../sandbox/postmark-sandbox.js';

import { type RoutedSandbox, sandboxConfig, startRoutedSandbox } from './helpers.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * What Logto core's node_modules hold that a connector may import. Logto asks for ky ^1.2.3, so
 * the oldest ky it may have is installed in a second instance.
 */
const coreDependencies = (ky: string) => ({
  '@logto/connector-kit': '^5.1.1',
  zod: '3.24.3',
  ky,
});

/** Logto's loader caches what it loaded for the life of the process: one instance a test file. */
export const describeInstall = (ky: string) => {
  describe(`an instance with ky ${ky}`, () => {
    let instance: string;
    let connectors: string;
    let sandbox: RoutedSandbox | undefined;

    beforeAll(async () => {
      instance = await mkdtemp(path.join(tmpdir(), 'logto-instance-'));
      const core = path.join(instance, 'packages', 'core');
      connectors = path.join(core, 'connectors');
      await mkdir(connectors, { recursive: true });
      await writeFile(
        path.join(core, 'package.json'),
        JSON.stringify({ name: '@logto/core', private: true, dependencies: coreDependencies(ky) })
      );
      await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], {
        cwd: core,
      });

      const { stdout } = await run(
        'npm',
        ['pack', '--json', '--ignore-scripts', '--pack-destination', instance],
        {
          cwd: root,
        }
      );
      const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>;
      await addConnectorsToPath(connectors, [path.join(instance, packed?.filename ?? '')]);

      sandbox = await startRoutedSandbox();
    }, 180_000);

    afterAll(async () => {
      await sandbox?.stop();
      await rm(instance, { recursive: true, force: true });
    });

    it('lands where Logto looks for connectors, with only the packed files', async () => {
      const installedKy = JSON.parse(
        await readFile(path.join(instance, 'packages/core/node_modules/ky/package.json'), 'utf8')
      ) as { version: string };
      expect(installedKy.version).toMatch(ky.startsWith('^') ? /^1\./ : new RegExp(`^${ky}$`));

      expect(await readdir(connectors)).toEqual(['connector-postmark-mail']);
      const files = await readdir(path.join(connectors, 'connector-postmark-mail'));
      expect(files.sort()).toEqual(['LICENSE', 'README.md', 'lib', 'logo.svg', 'package.json']);
    });

    it('loads from there and sends, with nothing but Logto core above it', async () => {
      if (!sandbox) {
        throw new Error('The sandbox did not start.');
      }

      const packages = await getConnectorPackagesFromDirectory(connectors);
      expect(packages.map(({ name }) => name)).toEqual(['connector-postmark-mail']);

      const [factory] = await loadConnectorFactories(packages, false);
      if (!factory) {
        throw new Error("Logto's loader skipped the installed package; its log says why.");
      }
      expect(factory.metadata.id).toBe('postmark-mail');
      expect(factory.path).toBe(path.join(connectors, 'connector-postmark-mail'));

      const { rawConnector } = await buildRawConnector(factory, async () => sandboxConfig);
      const result = await (rawConnector as EmailConnector).sendMessage({
        to: 'user@example.com',
        type: TemplateType.Register,
        payload: { code: '314159' },
      });

      expect(result).toMatchObject({ To: 'user@example.com', ErrorCode: 0 });
      expect(sandbox.accepted.map(({ body }) => body.TemplateAlias)).toEqual(['logto-register']);

      sandbox.reset();
      sandbox.fail(faults.unavailable(), faults.reset());
      await (rawConnector as EmailConnector).sendMessage({
        to: 'user@example.com',
        type: TemplateType.SignIn,
        payload: { code: '271828' },
      });
      expect(sandbox.requests.map(({ outcome }) => outcome)).toEqual(['503', 'reset', 'accepted']);

      // An attempt that gets no answer is retried on every ky: the connector times it out itself.
      sandbox.reset();
      sandbox.fail(faults.hang());
      await (rawConnector as EmailConnector).sendMessage({
        to: 'user@example.com',
        type: TemplateType.SignIn,
        payload: { code: '161803' },
      });
      expect(sandbox.requests.map(({ outcome }) => outcome)).toEqual(['hang', 'accepted']);
    });
  });
};
