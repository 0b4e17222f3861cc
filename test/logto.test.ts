/**
 * The built package, loaded by Logto's own loader, sending to a local Postmark sandbox over TLS.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { connectorMetadataGuard, TemplateType } from '@logto/connector-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  buildConnector,
  consoleTest,
  loadFactory,
  samplePayload,
  sendAsLogto,
} from '../sandbox/logto.js';
import { sandboxToken } from '../sandbox/postmark-sandbox.js';

import { type RoutedSandbox, errorOf, sandboxConfig, startRoutedSandbox } from './helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let sandbox: RoutedSandbox;
let factory: Awaited<ReturnType<typeof loadFactory>>;

beforeAll(async () => {
  sandbox = await startRoutedSandbox({
    templates: {
      'logto-sign-in': 1,
      'logto-register': 2,
      'logto-forgot-password': 3,
      'logto-generic': 4,
      'logto-sign-in-de': 5,
      'logto-generic-pt-br': 6,
    },
  });
  factory = await loadFactory(root);
});

afterAll(async () => {
  await sandbox.stop();
});

beforeEach(() => {
  sandbox.reset();
});

describe("Logto's loader", () => {
  it('loads the package, with metadata that passes connector-kit', async () => {
    expect(factory.type).toBe('Email');
    expect(factory.metadata.id).toBe('postmark-mail');
    expect(connectorMetadataGuard.safeParse(factory.metadata).success).toBe(true);
  });

  it("turns the logo into an SVG data URI and reads the Console's guide", async () => {
    const logo = await readFile(path.join(root, 'logo.svg'));
    expect(factory.metadata.logo).toBe(`data:image/svg+xml;base64,${logo.toString('base64')}`);
    expect(factory.metadata.readme).toBe(
      await readFile(path.join(root, 'docs/guide.en.md'), 'utf8')
    );
  });

  it('carries the logo and the guide in the built metadata, so a rebuild reads no file', async () => {
    const { default: createConnector } = (await import(path.join(root, 'lib/index.js'))) as {
      default: (options: { getConfig: () => Promise<unknown> }) => Promise<{
        metadata: { logo: string; readme: string };
      }>;
    };
    const { metadata } = await createConnector({ getConfig: async () => ({}) });

    expect(metadata.logo).toBe(factory.metadata.logo);
    expect(metadata.readme).toBe(factory.metadata.readme);
    // Logto's loader reads a file when one exists at the package folder joined with the value;
    // the guide's first path segment is a whole paragraph, which names no file there.
    expect(existsSync(path.join(root, metadata.readme))).toBe(false);
    expect(metadata.readme.split('/')[0]).toContain('\n\n');
  });

  it('has every form field the configuration reads', () => {
    expect(factory.metadata.formItems?.map(({ key }) => key)).toEqual([
      'serverToken',
      'fromEmail',
      'templates',
      'messageStream',
      'replyTo',
      'tag',
      'trackOpens',
      'trackLinks',
      'templateModel',
      'metadata',
      'headers',
      'recordClientIp',
    ]);
    expect(factory.metadata.formItems?.find(({ key }) => key === 'serverToken')).toMatchObject({
      isConfidential: true,
      required: true,
    });
  });
});

describe('sending through the sandbox', () => {
  it('runs the Console test as Logto core does: checks the templates, then sends Generic', async () => {
    const result = await consoleTest(factory, 'me@example.com', sandboxConfig);

    expect(result).toMatchObject({ To: 'me@example.com', ErrorCode: 0, Message: 'OK' });
    const lookups = sandbox.requests.filter(({ method }) => method === 'GET');
    expect(lookups.map(({ path }) => path).sort()).toEqual([
      '/message-streams/outbound',
      '/templates/logto-forgot-password',
      '/templates/logto-generic',
      '/templates/logto-register',
      '/templates/logto-sign-in',
    ]);
    expect(sandbox.accepted).toHaveLength(1);
    expect(sandbox.accepted[0]?.body).toEqual({
      From: 'Acme <no-reply@example.com>',
      To: 'me@example.com',
      TemplateAlias: 'logto-generic',
      TemplateModel: { code: '000000', locale: 'en' },
      Tag: 'Generic',
      Metadata: { usage_type: 'Generic', locale: 'en' },
    });
    const post = sandbox.requests.find(({ method }) => method === 'POST');
    expect(post?.headers).toMatchObject({
      host: 'api.postmarkapp.com',
      accept: 'application/json',
      'content-type': 'application/json',
      'x-postmark-server-token': sandboxToken,
    });
  });

  it('sends one email per Logto usage type, falling back to Generic', async () => {
    for (const type of Object.values(TemplateType)) {
      await sendAsLogto(factory, sandboxConfig, {
        to: 'user@example.com',
        type,
        payload: samplePayload(type),
      });
    }

    expect(sandbox.accepted.map(({ body }) => [body.Tag, body.TemplateAlias])).toEqual([
      ['SignIn', 'logto-sign-in'],
      ['Register', 'logto-register'],
      ['ForgotPassword', 'logto-forgot-password'],
      ['OrganizationInvitation', 'logto-generic'],
      ['Generic', 'logto-generic'],
      ['UserPermissionValidation', 'logto-generic'],
      ['BindNewIdentifier', 'logto-generic'],
      ['MfaVerification', 'logto-generic'],
      ['BindMfa', 'logto-generic'],
    ]);
    expect(sandbox.accepted[3]?.body.TemplateModel).toEqual(
      samplePayload(TemplateType.OrganizationInvitation)
    );
  });

  it("sends the user's language's template", async () => {
    const connector = await buildConnector(factory, {
      ...sandboxConfig,
      templates: [
        ...sandboxConfig.templates,
        { usageType: 'SignIn', locale: 'de', templateAlias: 'logto-sign-in-de' },
        { usageType: 'Generic', locale: 'pt-BR', templateAlias: 'logto-generic-pt-br' },
      ],
    });

    await connector.sendMessage({
      to: 'user@example.com',
      type: TemplateType.SignIn,
      payload: { code: '1', locale: 'de-CH' },
    });
    await connector.sendMessage({
      to: 'user@example.com',
      type: TemplateType.BindMfa,
      payload: { code: '2', locale: 'fr', uiLocales: 'fr pt-BR' },
    });

    expect(sandbox.accepted.map(({ body }) => body.TemplateAlias)).toEqual([
      'logto-sign-in-de',
      'logto-generic-pt-br',
    ]);
  });

  it("sends Logto's custom HTML template through /email, with its text, headers and Metadata", async () => {
    const config = {
      ...sandboxConfig,
      headers: { 'X-Entity-Ref-ID': 'logto-auth' },
      metadata: { tenant: 'acme' },
      recordClientIp: true,
    };

    await sendAsLogto(
      factory,
      config,
      {
        to: 'user@example.com',
        type: TemplateType.SignIn,
        payload: samplePayload(TemplateType.SignIn),
        ip: '203.0.113.9',
      },
      async (type, locale) => ({
        subject: `${type} code for {{application.name}}`,
        content: `<p>{{code}} (${locale ?? ''})</p><p><a href="https://acme.com/help">Help</a></p>`,
        contentType: 'text/html',
        sendFrom: 'Acme Login',
      })
    );

    expect(sandbox.requests[0]?.path).toBe('/email');
    expect(sandbox.accepted[0]?.body).toEqual({
      From: 'Acme Login <no-reply@example.com>',
      To: 'user@example.com',
      Subject: 'SignIn code for Acme Portal',
      HtmlBody: '<p>123456 (en)</p><p><a href="https://acme.com/help">Help</a></p>',
      TextBody: '123456 (en)\n\nHelp (https://acme.com/help)',
      Tag: 'SignIn',
      Headers: [{ Name: 'X-Entity-Ref-ID', Value: 'logto-auth' }],
      Metadata: { usage_type: 'SignIn', locale: 'en', client_ip: '203.0.113.9', tenant: 'acme' },
    });
  });

  it.each([
    [
      'a rejected token',
      { serverToken: 'wrong-token-123' },
      'Postmark rejected the server token: copy the Server API token from Postmark (Servers → your server → API Tokens) into "Server API token". Postmark answered HTTP 401, error 10',
    ],
    [
      'a sender Postmark will not send from',
      { fromEmail: 'no-reply@unverified.org' },
      'Postmark will not send from no-reply@unverified.org: confirm it as a Sender Signature, verify its domain, or change "Sender". Postmark answered HTTP 422, error 400',
    ],
  ])('names %s as a configuration error, without the token', async (_, change, expected) => {
    const config = { ...sandboxConfig, ...change };
    const connector = await buildConnector(factory, config);

    const error = await errorOf(
      connector.sendMessage({ to: 'user@example.com', type: TemplateType.SignIn, payload: {} })
    );

    // The sign-in page shows the user a general error; the audit log keeps why.
    expect(error.code).toBe('general');
    expect(error.data).toMatchObject({ reason: 'invalid_config' });
    expect(error.data.operatorMessage).toContain(expected);
    expect(JSON.stringify(error)).not.toContain(config.serverToken);
    expect(sandbox.accepted).toHaveLength(0);
  });

  it('names every missing template in the Console test and sends nothing', async () => {
    const error = await errorOf(
      consoleTest(factory, 'me@example.com', {
        ...sandboxConfig,
        templates: [
          ...sandboxConfig.templates,
          { usageType: 'SignIn', locale: 'fr', templateAlias: 'logto-sign-in-fr' },
          { usageType: 'BindMfa', templateId: 999 },
        ],
      })
    );

    // General, so that the Console shows the operator this sentence.
    expect(error.code).toBe('general');
    expect(error.data).toMatchObject({ reason: 'template_not_found' });
    expect(error.data.errorDescription).toBe(
      'Postmark has none of 2 templates: create them there, or fix "Templates". They are SignIn (fr): alias "logto-sign-in-fr"; BindMfa: ID 999. Nothing was sent.'
    );
    expect(sandbox.accepted).toHaveLength(0);
  });
});
