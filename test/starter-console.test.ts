/**
 * The starter templates pass the connector's own Console test: the command's folder is served as
 * Postmark would serve it after `postmark templates push`, the printed JSON is the form's
 * "Templates", and the connector is loaded by Logto's loader from lib/. Then each real send
 * picks the template of the user's language.
 */
import nock from 'nock';

import { TemplateType } from '@logto/connector-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { buildConnector, consoleTest, loadFactory } from '../sandbox/logto.js';
import { okAnswer, postmarkApi, transactionalStream } from '../src/mock.js';

import {
  type Entry,
  type Written,
  readWritten,
  root,
  runTemplates,
  scratchFolder,
  signInLanguages,
} from './starters.js';

const api = postmarkApi;
const token = 'a1b2c3d4-server-token';

let written: Map<string, Written>;
let templates: Entry[];
let factory: Awaited<ReturnType<typeof loadFactory>>;
let sent: Array<{ TemplateAlias?: string }>;

/** Postmark after the push: each template by alias, the default stream, and sends accepted. */
const servePostmark = () => {
  nock(api)
    .persist()
    .get('/message-streams/outbound')
    .reply(200, transactionalStream)
    .get(/^\/templates\//)
    .reply((uri) => {
      const alias = decodeURIComponent(uri.slice('/templates/'.length));
      const template = written.get(alias);
      return template
        ? [
            200,
            {
              TemplateId: 1,
              Alias: template.Alias,
              Name: template.Name,
              Subject: template.Subject ?? null,
              HtmlBody: template.HtmlBody,
              TextBody: template.TextBody,
              TemplateType: template.TemplateType,
              LayoutTemplate: template.LayoutTemplate ?? null,
              Active: true,
            },
          ]
        : [422, { ErrorCode: 1101, Message: `The template '${alias}' was not found.` }];
    })
    .post('/email/withTemplate')
    .reply((_, body) => {
      sent.push(body as { TemplateAlias?: string });
      return [200, { ...okAnswer, To: 'me@example.com' }];
    });
};

beforeAll(async () => {
  nock.disableNetConnect();
  const out = scratchFolder();
  const run = runTemplates(['templates', '--languages', 'all', '--out', out]);
  expect(run.status, run.stderr).toBe(0);
  templates = JSON.parse(run.stdout) as Entry[];
  written = readWritten(out);
  factory = await loadFactory(root);
  servePostmark();
});

afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

beforeEach(() => {
  sent = [];
});

const form = () => ({ serverToken: token, fromEmail: 'Acme <no-reply@acme.com>', templates });

const suffix = (language: string) => (language === 'en' ? '' : `-${language.toLowerCase()}`);

describe('the starters on Postmark', () => {
  it('are 180 templates and one layout, each printed entry naming one', () => {
    expect(templates).toHaveLength(180);
    expect(written.size).toBe(181);
    expect(templates.filter(({ templateAlias }) => !written.has(templateAlias))).toEqual([]);
  });

  it.each(signInLanguages)(
    'pass the Console test for a Console user in %s, which sends that language',
    async (language) => {
      await expect(
        consoleTest(factory, 'me@example.com', form(), { locale: language })
      ).resolves.toMatchObject({ ErrorCode: 0 });

      expect(sent).toEqual([
        expect.objectContaining({ TemplateAlias: `logto-generic${suffix(language)}` }),
      ]);
    }
  );

  it.each(signInLanguages)('serve every usage type in %s', async (language) => {
    const connector = await buildConnector(factory, form());

    for (const type of Object.values(TemplateType)) {
      const payload =
        type === TemplateType.OrganizationInvitation
          ? { link: 'https://auth.example.com/invitation', locale: language }
          : { code: '123456', locale: language };
      await connector.sendMessage({ to: 'user@example.com', type, payload });
    }

    expect(sent.map(({ TemplateAlias }) => TemplateAlias)).toEqual(
      Object.values(TemplateType).map(
        (type) =>
          templates.find(
            (entry) =>
              entry.usageType === type &&
              (language === 'en' ? !entry.locale : entry.locale === language)
          )?.templateAlias
      )
    );
  });

  it.each([
    ['de-CH', 'de'],
    ['fa', 'fa-IR'],
    ['pl', 'pl-PL'],
    ['tr', 'tr-TR'],
    ['uk', 'uk-UA'],
    ['pt', 'pt-BR'],
    ['pt-AO', 'pt-PT'],
    ['zh', 'zh-CN'],
    ['zh-Hans-HK', 'zh-CN'],
    ['zh-Hant', 'zh-TW'],
    ['zh-Hant-TW', 'zh-TW'],
    ['zh-MO', 'zh-HK'],
    ['en-GB', 'en'],
    ['nl', 'en'],
  ])('send a user whose language is %s the %s template', async (locale, language) => {
    const connector = await buildConnector(factory, form());
    await connector.sendMessage({
      to: 'user@example.com',
      type: TemplateType.SignIn,
      payload: { code: '123456', locale },
    });

    expect(sent).toEqual([
      expect.objectContaining({ TemplateAlias: `logto-sign-in${suffix(language)}` }),
    ]);
  });
});
