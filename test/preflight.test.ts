/**
 * The Console test's preflight as Logto runs it, against the sandbox: what each template shows,
 * the message stream, the look-ups it makes.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { TemplateType } from '@logto/connector-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { consoleTest, loadFactory } from '../sandbox/logto.js';
import { defaultSandboxTemplates } from '../sandbox/postmark-sandbox.js';

import {
  type RoutedSandbox,
  errorOf,
  requiredTemplates,
  sandboxConfig,
  startRoutedSandbox,
} from './helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const row = '<tr><td style="padding: 8px">{{code}}</td></tr>\n';

let sandbox: RoutedSandbox;
let factory: Awaited<ReturnType<typeof loadFactory>>;

beforeAll(async () => {
  sandbox = await startRoutedSandbox({
    templates: {
      ...defaultSandboxTemplates,
      starter: {
        TemplateId: 2001,
        Subject: 'Welcome to {{product_name}}',
        HtmlBody: '<p>Your code: {{ verification_code }}</p>',
        TextBody: null,
      },
      wrapped: {
        TemplateId: 2002,
        Subject: 'Sign in',
        HtmlBody: '<p>Here it is.</p>',
        LayoutTemplate: 'base',
      },
      base: {
        TemplateId: 2003,
        TemplateType: 'Layout',
        HtmlBody: '<main>{{{@content}}}</main><p>{{code}}</p>',
      },
      large: {
        TemplateId: 2004,
        Subject: 'Code',
        HtmlBody: row.repeat(Math.ceil(500_000 / row.length)),
      },
      hostile: {
        TemplateId: 2005,
        Subject: '{{code}}',
        // Sections nested 40 000 deep, then unbalanced braces.
        HtmlBody: '{{#a}}'.repeat(40_000) + '}}{{{'.repeat(40_000),
      },
    },
    messageStreams: { outbound: 'Transactional', news: 'Broadcasts' },
  });
  factory = await loadFactory(root);
});

afterAll(async () => {
  await sandbox.stop();
});

beforeEach(() => {
  sandbox.reset();
});

const withSignIn = (templateAlias: string, form: Record<string, unknown> = {}) => ({
  ...sandboxConfig,
  ...form,
  templates: requiredTemplates.map((entry) =>
    entry.usageType === 'SignIn' ? { ...entry, templateAlias } : entry
  ),
});

const test = async (form: unknown) => consoleTest(factory, 'me@example.com', form);

describe('the Console test against the sandbox', () => {
  it('catches a template without {{code}}, names what to fix, and sends nothing', async () => {
    const error = await errorOf(test(withSignIn('starter')));

    expect(error.data.errorDescription).toMatch(
      /^Put {{code}} in the subject or body of SignIn: alias "starter", or users get no code\. /
    );
    expect(error.data.errorDescription).toContain(
      'Add 2 variables to "Fixed template values", or remove them from SignIn: alias "starter". It uses {{product_name}}, {{verification_code}}, which Logto does not send for SignIn.'
    );
    expect(sandbox.accepted).toHaveLength(0);
  });

  it('reads the code from the layout, looked up once', async () => {
    await expect(test(withSignIn('wrapped'))).resolves.toMatchObject({ ErrorCode: 0 });

    expect(sandbox.requests.filter(({ path }) => path === '/templates/base')).toHaveLength(1);
    expect(sandbox.accepted).toHaveLength(1);
  });

  it('says that a Layout cannot be sent', async () => {
    const error = await errorOf(test(withSignIn('base')));

    expect(error.data.errorDescription).toContain(
      'SignIn: alias "base" is a Layout, which Postmark cannot send: give a Standard template'
    );
  });

  it('reads a template of half a megabyte', async () => {
    await expect(test(withSignIn('large'))).resolves.toMatchObject({ ErrorCode: 0 });
  });

  it('settles a hostile template body with a reason', async () => {
    const error = await errorOf(test(withSignIn('hostile')));

    expect(error.data.errorDescription).toContain(
      'SignIn: alias "hostile" cannot be checked: simplify it in Postmark. Its HTML body nests sections deeper than 16.'
    );
  });

  it('fails for a Broadcasts stream, naming it, after one request', async () => {
    const error = await errorOf(test({ ...sandboxConfig, messageStream: 'news' }));

    expect(error.data.errorDescription).toContain(
      'The message stream "news" is a Broadcasts stream'
    );
    expect(sandbox.requests.map(({ path }) => path)).toEqual(['/message-streams/news']);
  });

  it('fails for a stream that does not exist', async () => {
    const error = await errorOf(test({ ...sandboxConfig, messageStream: 'codes' }));

    expect(error.data.errorDescription).toContain('Postmark has no message stream "codes"');
  });

  it('ends after one request when the token is rejected', async () => {
    const error = await errorOf(test({ ...sandboxConfig, serverToken: 'wrong-token' }));

    expect(error.data.errorDescription).toMatch(
      /^Postmark rejected the server token: .+ This came while looking up the message stream "outbound"\. Nothing was sent\.$/
    );
    expect(sandbox.requests).toHaveLength(1);
  });

  it("skips templates Logto's own custom templates replace", async () => {
    const form = {
      ...sandboxConfig,
      templates: [...requiredTemplates, { usageType: 'BindMfa', templateAlias: 'nowhere' }],
    };

    const result = await consoleTest(factory, 'me@example.com', form, {
      getI18nEmailTemplate: async (type) =>
        type === TemplateType.BindMfa ? { subject: 'Code', content: '{{code}}' } : undefined,
    });

    expect(result).toMatchObject({ ErrorCode: 0 });
    expect(sandbox.requests.map(({ path }) => path)).not.toContain('/templates/nowhere');
  });
});
