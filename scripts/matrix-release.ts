/**
 * One release of `npm run matrix`, in a process of its own because Logto's loader keeps what it loaded
 * for the life of the process. In a folder laid out like one Logto release's `packages/core`, it
 * adds the packed connector with that release's CLI, loads it with that CLI's loader, and sends
 * the way that release's core sends, to the local Postmark sandbox.
 *
 *   tsx scripts/matrix-release.ts <instance folder> <tarball> <report.json>
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect, promisify } from 'node:util';

import type * as CliConnector from '@logto/cli/lib/connector/index.js';
import type * as CliLoader from '@logto/cli/lib/connector/loader.js';
import type * as CliUtils from '@logto/cli/lib/utils.js';
import type * as Kit from '@logto/connector-kit';

import {
  type Fault,
  defaultSandboxTemplates,
  faults,
  sandboxToken,
} from '../sandbox/postmark-sandbox.js';
import { type RoutedSandbox, errorOf, startRoutedSandbox } from '../test/helpers.js';
import { newConnectorForm, parseForm, validateForm } from '../test/logto-rules.js';

export type CheckResult = {
  check: string;
  ok: boolean;
  /** What the table shows: a short outcome, or why the check failed. */
  outcome: string;
};

export type ReleaseReport = {
  versions: { cli: string; kit: string; zod: string };
  checks: CheckResult[];
};

const [instance = '', tarball = '', reportFile = ''] = process.argv.slice(2);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const core = path.join(instance, 'packages', 'core');
const connectors = path.join(core, 'connectors');
const packageName = 'connector-postmark-mail';

const to = 'user@example.com';
const ip = '203.0.113.7';
const sender = 'Acme <no-reply@example.com>';
const localizedAlias = 'logto-sign-in-de';

const run = promisify(execFile);
const versionOf = async (folder: string) =>
  (JSON.parse(await readFile(path.join(folder, 'package.json'), 'utf8')) as { version: string })
    .version;
/** Imports a module as Logto core would find it: from core's node_modules. */
const importFromCore = async <T>(specifier: string) =>
  (await import(pathToFileURL(path.join(core, 'node_modules', specifier)).href)) as T;

const cliFolder = path.join(core, 'node_modules', '@logto', 'cli');
const cli: typeof CliConnector = await importFromCore('@logto/cli/lib/connector/index.js');
const cliUtils: typeof CliUtils = await importFromCore('@logto/cli/lib/utils.js');
const kit: typeof Kit = await importFromCore('@logto/connector-kit/lib/index.js');
/** The kit the CLI's loader compares a connector's range with, as it resolves it. */
const kitSeenByLoader = path.dirname(
  createRequire(path.join(cliFolder, 'package.json')).resolve('@logto/connector-kit/package.json')
);

type Factory = Awaited<ReturnType<typeof cli.loadConnectorFactories>>[number];

// eslint-disable-next-line unicorn/no-useless-undefined
const noCustomTemplate: Kit.GetI18nEmailTemplate = async () => undefined;

const payloadFor = (type: Kit.TemplateType, locale = 'en'): Kit.SendMessagePayload => ({
  locale,
  uiLocales: locale,
  application: { id: 'app-1', name: 'Acme Portal' },
  ...(type === kit.TemplateType.OrganizationInvitation
    ? {
        link: 'https://auth.example.com/invitation?token=matrix',
        organization: { id: 'org-1', name: 'Acme' },
        inviter: { name: 'Ann' },
      }
    : { code: '123456' }),
});

const aliasFor = (templates: unknown, type: string) => {
  const entries = Array.isArray(templates)
    ? (templates as Array<{ usageType?: string; locale?: string; templateAlias?: string }>)
    : [];
  const entryOf = (usageType: string) =>
    entries.find((entry) => entry.usageType === usageType && !entry.locale);
  return (entryOf(type) ?? entryOf(kit.TemplateType.Generic))?.templateAlias;
};

/** The one email the sandbox accepted since its last reset. */
const acceptedEmail = (sandbox: RoutedSandbox) => {
  assert.equal(sandbox.accepted.length, 1, 'the sandbox accepted exactly one email');
  const [email] = sandbox.accepted;
  assert.ok(email);
  return email.body;
};

const assertTokenAbsent = (error: unknown) => {
  const { message, stack, data } = error as { message?: string; stack?: string; data?: unknown };
  assert.ok(
    !JSON.stringify({ message, stack, data }).includes(sandboxToken),
    'the error carries the server token'
  );
};

const checks: CheckResult[] = [];

/** One line: node:assert's own message spans several and names neither value. */
const describe = (error: unknown) => {
  if (error instanceof assert.AssertionError && error.generatedMessage) {
    return `expected ${inspect(error.expected)}, got ${inspect(error.actual)}`;
  }

  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
};

/** Runs one check; a check that throws fails with what it threw, and later checks still run. */
const check = async (name: string, body: () => Promise<string>) => {
  try {
    checks.push({ check: name, ok: true, outcome: await body() });
  } catch (error: unknown) {
    checks.push({ check: name, ok: false, outcome: describe(error) });
  }
};

const main = async () => {
  const versions = {
    cli: await versionOf(cliFolder),
    kit: await versionOf(path.join(core, 'node_modules', '@logto', 'connector-kit')),
    zod: await versionOf(path.join(core, 'node_modules', 'zod')),
  };
  const sandbox = await startRoutedSandbox({
    templates: { ...defaultSandboxTemplates, [localizedAlias]: 2001 },
  });
  let factory: Factory | undefined;
  let formConfig: Record<string, unknown> = {};

  /** A connector built as core builds one for every real send: a fresh config read each time. */
  const buildForSend = async (
    savedConfig: string,
    getI18nEmailTemplate: Kit.GetI18nEmailTemplate = noCustomTemplate
  ) => {
    assert.ok(factory, 'not loaded');
    const { rawConnector } = await cli.buildRawConnector(
      factory,
      async () => JSON.parse(savedConfig) as unknown,
      undefined,
      getI18nEmailTemplate
    );
    return rawConnector as Kit.EmailConnector;
  };

  /** One real send with a freshly built connector, after the sandbox's scripted faults, if any. */
  const send = async (
    type: Kit.TemplateType,
    {
      savedConfig = JSON.stringify(formConfig),
      payload = payloadFor(type),
      getI18nEmailTemplate,
      faultsFirst = [],
    }: {
      savedConfig?: string;
      payload?: Kit.SendMessagePayload;
      getI18nEmailTemplate?: Kit.GetI18nEmailTemplate;
      faultsFirst?: Fault[];
    } = {}
  ) => {
    sandbox.reset();
    sandbox.fail(...faultsFirst);
    const connector = await buildForSend(savedConfig, getI18nEmailTemplate);
    return connector.sendMessage({ to, type, payload, ip });
  };

  const failedSend = async (...faultsFirst: Fault[]) => {
    const error = await errorOf(send(kit.TemplateType.SignIn, { faultsFirst }));
    assert.ok(
      error instanceof kit.ConnectorError,
      `not a ConnectorError of Logto's own kit: ${describe(error)}`
    );
    assertTokenAbsent(error);
    assert.equal(sandbox.accepted.length, 0, 'an email went out');
    return error;
  };

  /** A fault the connector retries past: sent on the second try. */
  const retried = async ({ faultsFirst, seen }: { faultsFirst: Fault[]; seen: string[] }) => {
    await send(kit.TemplateType.SignIn, { faultsFirst });
    assert.deepEqual(
      sandbox.requests.map((request) => request.outcome),
      seen
    );
    return 'sent on try 2';
  };

  try {
    await check('installed', async () => {
      await run(
        process.execPath,
        [path.join(cliFolder, 'bin', 'logto.js'), 'connector', 'add', tarball],
        { cwd: instance }
      );
      // The CLI reports a failed add and still exits with 0: look at what it left.
      assert.deepEqual(await readdir(connectors), [packageName]);
      // What was packed and nothing more: no node_modules, so every import comes from core's.
      const { stdout } = await run('tar', ['-tzf', tarball]);
      const packed = new Set(stdout.split('\n').map((entry) => entry.split('/')[1] ?? ''));
      packed.delete('');
      const files = await readdir(path.join(connectors, packageName));
      assert.deepEqual(files.sort(), [...packed].sort());
      return 'by the CLI';
    });

    await check('loaded', async () => {
      assert.equal(versions.zod, '3.24.3');
      assert.equal(
        kitSeenByLoader,
        path.join(core, 'node_modules', '@logto', 'connector-kit'),
        "the CLI's loader sees another kit than core's"
      );
      const packages = await cliUtils.getConnectorPackagesFromDirectory(connectors);
      [factory] = await cli.loadConnectorFactories(packages, false);

      if (!factory) {
        // The loader only logs why it skipped a package; loading it alone throws the reason.
        const loader = await importFromCore<typeof CliLoader>('@logto/cli/lib/connector/loader.js');
        await loader.loadConnector(path.join(connectors, packageName), false);
        throw new Error("Logto's loader skipped the package");
      }

      assert.equal(factory.metadata.id, 'postmark-mail');
      // The same logo and guide the loader made of the files before the build inlined them.
      const logo = await readFile(path.join(root, 'logo.svg'));
      assert.equal(factory.metadata.logo, `data:image/svg+xml;base64,${logo.toString('base64')}`);
      assert.equal(
        factory.metadata.readme,
        await readFile(path.join(root, 'docs', 'guide.en.md'), 'utf8')
      );
      return 'yes';
    });

    await check('Console form', async () => {
      assert.ok(factory, 'not loaded');
      const { formItems = [] } = factory.metadata;
      const values = {
        ...newConnectorForm(formItems),
        serverToken: sandboxToken,
        fromEmail: sender,
      };
      formConfig = parseForm(formItems, values);
      const blocking = validateForm(formItems, values).map(({ key }) => key);
      assert.deepEqual(
        blocking,
        [],
        `Send and Save stay blocked until ${blocking.join(', ')} is edited`
      );
      // What core's "Save" runs before it stores the configuration.
      kit.validateConfig(formConfig, factory.configGuard);
      return 'token and sender';
    });

    await check('Console test', async () => {
      assert.ok(factory, 'not loaded');
      sandbox.reset();
      const { rawConnector } = await cli.buildRawConnector(
        factory,
        cli.notImplemented,
        undefined,
        noCustomTemplate
      );
      await (rawConnector as Kit.EmailConnector).sendMessage(
        { to, type: kit.TemplateType.Generic, payload: { code: '000000', locale: 'en' }, ip },
        formConfig
      );
      const email = acceptedEmail(sandbox);
      assert.equal(email.TemplateAlias, aliasFor(formConfig.templates, kit.TemplateType.Generic));
      assert.equal((email.TemplateModel as { code?: string }).code, '000000');
      return 'sent';
    });

    await check('usage types', async () => {
      const types = Object.values(kit.TemplateType);
      for (const type of types) {
        await send(type);
        const email = acceptedEmail(sandbox);
        assert.equal(email.TemplateAlias, aliasFor(formConfig.templates, type), type);
        assert.equal(email.To, to);
      }
      return `${types.length} sent`;
    });

    await check('localized', async () => {
      const templates = [
        ...(Array.isArray(formConfig.templates) ? (formConfig.templates as unknown[]) : []),
        { usageType: kit.TemplateType.SignIn, locale: 'de', templateAlias: localizedAlias },
      ];
      await send(kit.TemplateType.SignIn, {
        savedConfig: JSON.stringify({ ...formConfig, templates }),
        payload: payloadFor(kit.TemplateType.SignIn, 'de-DE'),
      });
      assert.equal(acceptedEmail(sandbox).TemplateAlias, localizedAlias);
      return 'de';
    });

    await check('custom template', async () => {
      const asked: Array<[string, string | undefined]> = [];
      const custom: Kit.EmailTemplateDetails = {
        subject: 'Your {{application.name}} code',
        content: '<p>Your code is {{code}}.</p>',
        contentType: 'text/html',
      };
      await send(kit.TemplateType.SignIn, {
        payload: payloadFor(kit.TemplateType.SignIn, 'fr'),
        getI18nEmailTemplate: async (type, locale) => {
          asked.push([type, locale]);
          return custom;
        },
      });
      assert.deepEqual(asked, [[kit.TemplateType.SignIn, 'fr']]);
      assert.equal(sandbox.requests.at(-1)?.path, '/email');
      const email = acceptedEmail(sandbox);
      assert.equal(email.Subject, 'Your Acme Portal code');
      assert.match(String(email.HtmlBody), /123456/);
      return 'sent';
    });

    await check('429 ×3', async () => {
      const error = await failedSend(
        faults.rateLimited(),
        faults.rateLimited(),
        faults.rateLimited()
      );
      assert.equal(error.code, kit.ConnectorErrorCodes.RateLimitExceeded);
      return error.code;
    });

    await check('405', async () => {
      const error = await failedSend(
        faults.postmark(422, 405, 'Sending has been disabled for this account.')
      );
      // `usage_limit_exceeded` came with kit 5.1.1; an older kit must get a code it knows.
      const expected =
        (kit.ConnectorErrorCodes as Partial<Record<string, string>>).UsageLimitExceeded ??
        kit.ConnectorErrorCodes.General;
      assert.equal(error.code, expected);
      return error.code;
    });

    await check('503, reset', async () => {
      await send(kit.TemplateType.SignIn, { faultsFirst: [faults.unavailable(), faults.reset()] });
      assert.deepEqual(
        sandbox.requests.map(({ outcome }) => outcome),
        ['503', 'reset', 'accepted']
      );
      return 'sent on try 3';
    });

    await check('no answer', async () =>
      // The connector times a hung attempt out and tries again.
      retried({ faultsFirst: [faults.hang()], seen: ['hang', 'accepted'] })
    );

    await check('Retry-After 0', async () =>
      // No wait at all is a retry at once, not a reason to give up.
      retried({ faultsFirst: [faults.rateLimited(0)], seen: ['429', 'accepted'] })
    );

    await check('Retry-After 60 s', async () => {
      // Longer than the send may wait: answered at once, not retried early against Postmark's word.
      const error = await failedSend(faults.rateLimited(60));
      assert.equal(error.code, kit.ConnectorErrorCodes.RateLimitExceeded);
      assert.deepEqual(
        sandbox.requests.map(({ outcome }) => outcome),
        ['429']
      );
      return 'failed on try 1';
    });
  } finally {
    await sandbox.stop();
  }

  const report: ReleaseReport = { versions, checks };
  await writeFile(reportFile, JSON.stringify(report));
};

await main();
