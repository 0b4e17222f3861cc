/**
 * The Console form of a new connector, built from the built package's metadata exactly as the
 * Console builds it (test/logto-rules.ts), filled in as an operator would, and sent through the
 * Console's test path to the TLS sandbox.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  type ConnectorConfigFormItem,
  ConnectorConfigFormItemType,
  TemplateType,
} from '@logto/connector-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { type Factory, consoleTest, loadFactory } from '../sandbox/logto.js';
import { defaultSandboxTemplates, sandboxToken } from '../sandbox/postmark-sandbox.js';

import { type RoutedSandbox, requiredTemplates, startRoutedSandbox } from './helpers.js';
import {
  jsonValidator,
  newConnectorForm,
  parseForm,
  savedConnectorForm,
  selectShows,
  validateForm,
} from './logto-rules.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sender = 'Acme <no-reply@example.com>';

/** The template map a new connector starts with: every usage type, Register first. */
const defaultTemplates = [
  [TemplateType.Register, 'logto-register'],
  [TemplateType.SignIn, 'logto-sign-in'],
  [TemplateType.ForgotPassword, 'logto-forgot-password'],
  [TemplateType.Generic, 'logto-generic'],
  [TemplateType.OrganizationInvitation, 'logto-organization-invitation'],
  [TemplateType.UserPermissionValidation, 'logto-user-permission-validation'],
  [TemplateType.BindNewIdentifier, 'logto-bind-new-identifier'],
  [TemplateType.MfaVerification, 'logto-mfa-verification'],
  [TemplateType.BindMfa, 'logto-bind-mfa'],
].map(([usageType, templateAlias]) => ({ usageType, templateAlias }));

const serverSetting = 'ServerSetting';

let sandbox: RoutedSandbox;
let factory: Factory;
let formItems: ConnectorConfigFormItem[];

beforeAll(async () => {
  sandbox = await startRoutedSandbox();
  factory = await loadFactory(root);
  formItems = factory.metadata.formItems ?? [];
});

afterAll(async () => {
  await sandbox.stop();
});

beforeEach(() => {
  sandbox.reset();
});

const itemsOfType = (type: ConnectorConfigFormItemType) =>
  formItems.filter((item) => item.type === type);

const item = (key: string) => formItems.find((formItem) => formItem.key === key);

describe('the form items', () => {
  it('are the configuration, in order, with their labels, types and required marks', () => {
    expect(
      formItems.map(({ key, label, type, required }) => [key, label, type, Boolean(required)])
    ).toEqual([
      ['serverToken', 'Server API token', ConnectorConfigFormItemType.Text, true],
      ['fromEmail', 'Sender', ConnectorConfigFormItemType.Text, true],
      ['templates', 'Templates', ConnectorConfigFormItemType.Json, true],
      ['messageStream', 'Message stream', ConnectorConfigFormItemType.Text, false],
      ['replyTo', 'Reply-To', ConnectorConfigFormItemType.Text, false],
      ['tag', 'Tag', ConnectorConfigFormItemType.Text, false],
      ['trackOpens', 'Open tracking', ConnectorConfigFormItemType.Select, false],
      ['trackLinks', 'Link tracking', ConnectorConfigFormItemType.Select, false],
      ['templateModel', 'Fixed template values', ConnectorConfigFormItemType.Json, false],
      ['metadata', 'Postmark metadata', ConnectorConfigFormItemType.Json, false],
      ['headers', 'Custom headers', ConnectorConfigFormItemType.Json, false],
      ['recordClientIp', "Record the user's IP address", ConnectorConfigFormItemType.Switch, false],
    ]);
    expect(item('serverToken')?.isConfidential).toBe(true);
  });

  it('label every Switch: the Console shows its description as the label', () => {
    expect(itemsOfType(ConnectorConfigFormItemType.Switch).length).toBeGreaterThan(0);
    for (const { key, description } of itemsOfType(ConnectorConfigFormItemType.Switch)) {
      expect(description?.trim(), `${key} has no description`).toBeTruthy();
    }
  });

  it('give every Select string options and a default the Select can show', () => {
    for (const formItem of itemsOfType(ConnectorConfigFormItemType.Select)) {
      const values =
        'selectItems' in formItem ? formItem.selectItems.map(({ value }) => value) : [];
      expect(values.every((value) => typeof value === 'string')).toBe(true);
      expect(typeof selectShows(formItem.defaultValue), `${formItem.key} shows its default`).toBe(
        'string'
      );
      expect(values).toContain(formItem.defaultValue);
    }
  });

  it.each([
    ['trackOpens', [serverSetting, 'On', 'Off']],
    ['trackLinks', [serverSetting, 'None', 'HtmlAndText', 'HtmlOnly', 'TextOnly']],
  ])("let %s go back to the server's setting, its default", (key, values) => {
    const select = item(key);
    const selectItems = select && 'selectItems' in select ? select.selectItems : [];

    expect(selectItems.map(({ value }) => value)).toEqual(values);
    expect(selectItems[0]).toEqual({ value: serverSetting, title: "Use the server's setting" });
    expect(select?.defaultValue).toBe(serverSetting);
  });

  it("give every Json item a default whose JSON passes the Console's validator", () => {
    for (const { key, defaultValue } of itemsOfType(ConnectorConfigFormItemType.Json)) {
      const text = JSON.stringify(defaultValue, null, 2) as string | undefined;
      expect(typeof text === 'string' && jsonValidator(text), `${key} starts as valid JSON`).toBe(
        true
      );
    }
  });

  it('start the templates with every usage type, Register first, and the others empty', () => {
    expect(item('templates')?.defaultValue).toEqual(defaultTemplates);
    expect(item('templateModel')?.defaultValue).toEqual({});
    expect(item('metadata')?.defaultValue).toEqual({});
    expect(item('headers')?.defaultValue).toEqual({});
  });
});

describe("a new connector's form", () => {
  it('asks for nothing but the token and the sender', () => {
    expect(validateForm(formItems, newConnectorForm(formItems))).toEqual([
      { key: 'serverToken', reason: 'required' },
      { key: 'fromEmail', reason: 'required' },
    ]);
  });

  it('with a token and a sender, validates and sends through the Console test', async () => {
    const values = { ...newConnectorForm(formItems), serverToken: sandboxToken, fromEmail: sender };
    expect(validateForm(formItems, values)).toEqual([]);

    const { recordClientIp, ...config } = parseForm(formItems, values);
    expect(config).toEqual({
      serverToken: sandboxToken,
      fromEmail: sender,
      templates: defaultTemplates,
      trackOpens: serverSetting,
      trackLinks: serverSetting,
      templateModel: {},
      metadata: {},
      headers: {},
    });
    expect(recordClientIp ?? false).toBe(false);

    const result = await consoleTest(factory, 'me@example.com', parseForm(formItems, values));

    expect(result).toMatchObject({ To: 'me@example.com', ErrorCode: 0, Message: 'OK' });
    expect(
      sandbox.requests
        .filter(({ method }) => method === 'GET')
        .map(({ path }) => path)
        .sort()
    ).toEqual(
      [
        '/message-streams/outbound',
        ...Object.keys(defaultSandboxTemplates).map((alias) => `/templates/${alias}`),
      ].sort()
    );
    // "The server's setting" means the email says nothing about tracking.
    expect(sandbox.accepted.map(({ body }) => body)).toEqual([
      {
        From: sender,
        To: 'me@example.com',
        TemplateAlias: 'logto-generic',
        TemplateModel: { code: '000000', locale: 'en' },
        Tag: 'Generic',
        Metadata: { usage_type: 'Generic', locale: 'en' },
      },
    ]);
  });
});

describe('a connector saved with the earlier true/false tracking', () => {
  it.each([true, false])(
    'keeps sending TrackOpens %s from the Console test',
    async (trackOpens) => {
      const saved = {
        serverToken: sandboxToken,
        fromEmail: sender,
        templates: requiredTemplates,
        trackOpens,
        trackLinks: 'HtmlOnly',
      };
      const values = savedConnectorForm(formItems, saved);
      expect(validateForm(formItems, values)).toEqual([]);

      await consoleTest(factory, 'me@example.com', parseForm(formItems, values));

      expect(sandbox.accepted).toHaveLength(1);
      expect(sandbox.accepted[0]?.body).toMatchObject({
        TrackOpens: trackOpens,
        TrackLinks: 'HtmlOnly',
      });
    }
  );
});
