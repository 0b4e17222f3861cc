/**
 * `npm start`: builds the package if needed, loads it through Logto's own loader, runs the
 * Console's "Send" test and one send per Logto usage type, and prints what happened.
 *
 * By default everything goes to the local Postmark sandbox (no account needed). With
 * POSTMARK_SERVER_TOKEN and POSTMARK_FROM set (and POSTMARK_TO), it sends through the real
 * Postmark instead; Postmark's test token POSTMARK_API_TEST checks the requests without sending.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ConnectorError, TemplateType } from '@logto/connector-kit';

import { buildConnector, consoleTest, loadFactory, samplePayload } from '../sandbox/logto.js';
import {
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

const buildIfNeeded = () => {
  const built = path.join(root, 'lib', 'index.js');

  if (existsSync(built) && statSync(built).mtimeMs >= newestSource()) {
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
      },
      log: (line) => {
        console.log(`  sandbox: ${line}`);
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
