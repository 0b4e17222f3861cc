/**
 * `npm start`: builds the package if needed, loads it through Logto's own loader, runs the
 * Console's "Send" test and one send per Logto usage type, and prints what happened.
 *
 * By default everything goes to the local Postmark sandbox (no account needed). With
 * POSTMARK_SERVER_TOKEN and POSTMARK_FROM set (and POSTMARK_TO), it sends through the real
 * Postmark instead; Postmark's test token POSTMARK_API_TEST checks the requests without sending.
 *
 * In the sandbox it also runs the package's `templates` command and holds what it writes, as
 * `postmark templates push` would, so the Console test shows the starter templates passing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ConnectorError, TemplateType } from '@logto/connector-kit';

import { buildConnector, consoleTest, loadFactory, samplePayload } from '../sandbox/logto.js';
import {
  type SandboxTemplate,
  defaultSandboxTemplates,
  sandboxToken,
  startSandbox,
} from '../sandbox/postmark-sandbox.js';
import { createCertificate, routePostmarkTo } from '../sandbox/route.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const newestSource = () =>
  Math.max(
    ...readdirSync(path.join(root, 'src'))
      .filter((name) => !name.endsWith('.test.ts'))
      .map((name) => statSync(path.join(root, 'src', name)).mtimeMs)
  );

const isFresh = (built: string, newest: number) =>
  existsSync(built) && statSync(built).mtimeMs >= newest;

const buildIfNeeded = () => {
  const command = statSync(path.join(root, 'scripts', 'templates.ts')).mtimeMs;

  if (
    isFresh(path.join(root, 'lib', 'index.js'), newestSource()) &&
    isFresh(path.join(root, 'lib', 'cli.js'), command)
  ) {
    return;
  }

  console.log('Building lib/ …');
  const { status } = spawnSync('npm', ['run', '--silent', 'build'], {
    cwd: root,
    stdio: 'inherit',
  });

  if (status !== 0) {
    throw new Error('The build failed; see above.');
  }
};

const defaultTemplates = Object.values(TemplateType).map((usageType) => ({
  usageType,
  templateAlias: `logto-${usageType.replaceAll(/(?<=[a-z])(?=[A-Z])/g, '-').toLowerCase()}`,
}));

type Row = { send: string; template: string; to: string; outcome: string };

type Entry = { usageType: TemplateType; templateAlias: string; locale?: string };

/**
 * Runs `connector-postmark-mail templates` for every language into a temporary folder and reads
 * back what it wrote, by alias, as Postmark stores it after `postmark templates push`.
 */
const writeStarters = () => {
  const out = mkdtempSync(path.join(tmpdir(), 'postmark-templates-'));

  try {
    const { status, stdout, stderr } = spawnSync(
      process.execPath,
      [path.join(root, 'lib', 'cli.js'), 'templates', '--languages', 'all', '--out', out],
      { encoding: 'utf8' }
    );

    if (status !== 0) {
      throw new Error(`The templates command failed: ${stderr}`);
    }

    const folders = [
      ...readdirSync(out).filter((name) => name !== '_layouts'),
      ...readdirSync(path.join(out, '_layouts')).map((name) => path.join('_layouts', name)),
    ];
    const stored = Object.fromEntries(
      folders.map((folder, index): [string, SandboxTemplate] => {
        const read = (name: string) => readFileSync(path.join(out, folder, name), 'utf8');
        const meta = JSON.parse(read('meta.json')) as SandboxTemplate & { Alias: string };
        return [
          meta.Alias,
          {
            TemplateId: 5000 + index,
            Subject: meta.Subject,
            HtmlBody: read('content.html'),
            TextBody: read('content.txt'),
            TemplateType: meta.TemplateType,
            LayoutTemplate: meta.LayoutTemplate ?? null,
          },
        ];
      })
    );
    return { stored, entries: JSON.parse(stdout) as Entry[] };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
};

const describeOutcome = async (send: () => Promise<unknown>): Promise<[boolean, string]> => {
  try {
    const result = (await send()) as { MessageID?: string };
    return [true, `sent, MessageID ${result.MessageID ?? '(none)'}`];
  } catch (error: unknown) {
    if (error instanceof ConnectorError) {
      const { errorDescription, operatorMessage, reason } = error.data as {
        errorDescription?: string;
        operatorMessage?: string;
        reason?: string;
      };
      // What the sign-in page shows the user, then what the audit log keeps for the operator.
      const shown = `${error.code}: ${errorDescription ?? JSON.stringify(error.data)}`;
      return [
        false,
        operatorMessage ? `${shown}\n  audit log: ${reason}: ${operatorMessage}` : shown,
      ];
    }
    throw error;
  }
};

const printTable = (rows: Row[]) => {
  const headers: Row = { send: 'Send', template: 'Template', to: 'To', outcome: 'Outcome' };
  const keys = ['send', 'template', 'to'] as const;
  const widths = keys.map((key) => Math.max(...[headers, ...rows].map((row) => row[key].length)));
  const line = (row: Row) =>
    [...keys.map((key, index) => row[key].padEnd(widths[index] ?? 0)), row.outcome].join('  ');

  console.log(`\n${line(headers)}`);
  console.log(widths.map((width) => '-'.repeat(width)).join('  ') + '  -------');
  for (const row of rows) {
    console.log(line(row));
  }
};

const main = async () => {
  buildIfNeeded();
  const live = Boolean(process.env.POSTMARK_SERVER_TOKEN);

  if (live && !process.env.POSTMARK_FROM) {
    throw new Error(
      'POSTMARK_FROM is needed with POSTMARK_SERVER_TOKEN: a confirmed sender in Postmark.'
    );
  }

  const certificate = live ? undefined : await createCertificate();
  const starters = live ? undefined : writeStarters();
  // The starters' Console test looks up 181 templates: counted, not listed.
  let quiet = false;
  const sandbox =
    certificate &&
    (await startSandbox({
      tls: certificate,
      templates: {
        ...defaultSandboxTemplates,
        // Like a starter template pasted from Postmark: its own names, which Logto never fills.
        'logto-sign-in-starter': {
          TemplateId: 3001,
          Subject: 'Sign in to {{product_name}}',
          HtmlBody: '<p>Your code is {{verification_code}}.</p>',
          TextBody: 'Your code is {{verification_code}}.',
        },
        ...starters?.stored,
      },
      log: (line) => {
        if (!quiet) {
          console.log(`  sandbox: ${line}`);
        }
      },
    }));
  const unroute = certificate && sandbox && routePostmarkTo(sandbox.port, certificate.cert);

  try {
    const config = {
      serverToken: process.env.POSTMARK_SERVER_TOKEN ?? sandboxToken,
      fromEmail: process.env.POSTMARK_FROM ?? 'Acme <no-reply@example.com>',
      templates: defaultTemplates,
    };
    const to = process.env.POSTMARK_TO ?? 'user@example.com';

    console.log(
      live
        ? 'Sending through api.postmarkapp.com with your server token.'
        : `Sending to the local Postmark sandbox (api.postmarkapp.com is routed to 127.0.0.1:${sandbox?.port} in this process only).`
    );

    const factory = await loadFactory(root);
    console.log(`Logto's loader found "${factory.metadata.id}" (${factory.type}).\n`);

    const rows: Row[] = [];
    let failures = 0;
    const record = async (
      send: string,
      template: string,
      run: () => Promise<unknown>,
      expectFailure = false
    ) => {
      const [ok, outcome] = await describeOutcome(run);
      failures += ok === expectFailure ? 1 : 0;
      rows.push({ send, template, to, outcome });
    };

    await record('Console test', 'every template checked, then Generic', async () =>
      consoleTest(factory, to, config)
    );

    const connector = await buildConnector(factory, config);
    for (const { usageType, templateAlias } of defaultTemplates) {
      await record(usageType, templateAlias, async () =>
        connector.sendMessage({ to, type: usageType, payload: samplePayload(usageType) })
      );
    }

    if (!live) {
      const typo = {
        ...config,
        templates: config.templates.map((entry) =>
          entry.usageType === TemplateType.SignIn
            ? { ...entry, templateAlias: 'logto-sign-on' }
            : entry
        ),
      };
      const misconfigured = await buildConnector(factory, typo);
      await record(
        'SignIn, alias typo',
        'logto-sign-on',
        async () =>
          misconfigured.sendMessage({
            to,
            type: TemplateType.SignIn,
            payload: samplePayload(TemplateType.SignIn),
          }),
        true
      );
    }

    if (!live) {
      const starter = {
        ...config,
        templates: config.templates.map((entry) =>
          entry.usageType === TemplateType.SignIn
            ? { ...entry, templateAlias: 'logto-sign-in-starter' }
            : entry
        ),
      };
      await record(
        'Console test, no {{code}}',
        'logto-sign-in-starter',
        async () => consoleTest(factory, to, starter),
        true
      );
    }

    if (starters && sandbox) {
      const before = sandbox.requests.length;
      quiet = true;
      await record(
        'Console test, starter templates',
        `${starters.entries.length} from the templates command, 20 languages`,
        async () => consoleTest(factory, to, { ...config, templates: starters.entries })
      );
      quiet = false;
      console.log(
        `  sandbox: ${sandbox.requests.length - before} requests for the starters' Console test (not listed)`
      );
      const german = await buildConnector(factory, { ...config, templates: starters.entries });
      await record('SignIn, user in de-CH', 'logto-sign-in-de (starter)', async () =>
        german.sendMessage({
          to,
          type: TemplateType.SignIn,
          payload: { ...samplePayload(TemplateType.SignIn), locale: 'de-CH' },
        })
      );
    }

    printTable(rows);

    if (sandbox) {
      console.log(
        `\nThe sandbox accepted ${sandbox.accepted.length} emails and saw ${sandbox.requests.length} requests.`
      );
    }

    if (failures > 0) {
      console.error(`\n${failures} send(s) did not go as expected.`);
      process.exitCode = 1;
    }
  } finally {
    await unroute?.();
    await sandbox?.close();
  }
};

await main();
