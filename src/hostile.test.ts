/**
 * Input made to be slow: a megabyte in each place a sign-in request, the Console form or a
 * network answer can fill. Each must settle in well under 50 ms and send nothing. A pattern that
 * backtracks quadratically takes seconds here (the dotted address below took 9.6 s at 100 kB),
 * so the bound tells the two apart on any machine; the best of three runs keeps a busy machine
 * from failing it.
 */
import nock from 'nock';

import { TemplateType } from '@logto/connector-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseConfig } from './config.js';
import { describeFailure } from './errors.js';
import createConnector from './index.js';
import { parseMailbox } from './mailbox.js';
import { customEmailBody, parseMessage } from './request.js';

const megabyte = 1024 * 1024;
const run = (character: string) => character.repeat(megabyte / character.length);

const templates = ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({
  usageType,
  templateAlias: `logto-${usageType.toLowerCase()}`,
}));
const config = { serverToken: 'token', fromEmail: 'no-reply@acme.com', templates };

const requests: string[] = [];
const record = (request: { path?: string }) => requests.push(request.path ?? '?');

beforeAll(() => {
  nock.disableNetConnect();
  nock.emitter.on('no match', record);
});

afterAll(() => {
  nock.emitter.off('no match', record);
});

/** The best of three runs, in milliseconds. */
const settle = async (work: () => unknown) => {
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    try {
      await work();
    } catch {
      // Refusing is the expected outcome; only the time counts here.
    }
    times.push(performance.now() - start);
  }
  return Math.min(...times);
};

const addresses: Array<[string, string]> = [
  ['the dotted address', `a@${run('.')}:`],
  ['a run of dots after a label', `a@b${run('.')}`],
  ['a long local part', `${run('a')}@acme.com`],
  ['a long domain', `a@${run('a')}.com`],
  ['unbalanced <', run('<')],
  ['unbalanced "', `"${run('"')}`],
  ['a long display name', `${run('N')} <a@acme.com>`],
  ['nested brackets', `${run('<a')}@b.c>`],
  ['spaces and @', run(' @')],
  ['backslashes', `a@b.${run('\\')}`],
];

describe.each(addresses)('%s', (_, hostile) => {
  it('is refused as a recipient, quickly, with nothing sent', async () => {
    const { sendMessage } = await createConnector({ getConfig: async () => config });

    const milliseconds = await settle(async () =>
      sendMessage({ to: hostile, type: TemplateType.SignIn, payload: { code: '1' } })
    );

    expect(milliseconds).toBeLessThan(50);
    expect(requests).toEqual([]);
  });

  it('is refused as the sender or Reply-To, quickly', async () => {
    expect(parseMailbox(hostile)).toBeUndefined();
    expect(await settle(() => parseConfig({ ...config, fromEmail: hostile }))).toBeLessThan(50);
    expect(await settle(() => parseConfig({ ...config, replyTo: hostile }))).toBeLessThan(50);
  });
});

const formFields: Array<[string, Record<string, unknown>]> = [
  ['a long token', { serverToken: run('a') }],
  [
    'a long alias',
    { templates: [...templates, { usageType: 'BindMfa', templateAlias: run('a') }] },
  ],
  [
    'a long template locale',
    { templates: [...templates, { usageType: 'SignIn', locale: run('de-'), templateAlias: 'a' }] },
  ],
  [
    'a hundred thousand template entries',
    { templates: Array.from({ length: 100_000 }, () => templates[0]) },
  ],
  ['a long tag', { tag: run('t') }],
  ['a long message stream', { messageStream: run('s') }],
  ['a long header name', { headers: { [run('X')]: 'v' } }],
  ['a long header value', { headers: { 'X-Ref': run('v') } }],
  [
    'many headers',
    { headers: Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`X-${i}`, 'v'])) },
  ],
  ['a long metadata name', { metadata: { [run('m')]: 'v' } }],
  ['a long metadata value', { metadata: { tenant: run('v') } }],
  [
    'many metadata entries',
    { metadata: Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, 'v'])) },
  ],
];

describe.each(formFields)('%s in the form', (_, change) => {
  it('is refused quickly', async () => {
    expect(() => parseConfig({ ...config, ...change })).toThrow();
    expect(await settle(() => parseConfig({ ...config, ...change }))).toBeLessThan(50);
  });
});

const payloads: Array<[string, Record<string, unknown>]> = [
  ['a long locale', { code: '1', locale: run('de-') }],
  ['long ui_locales', { code: '1', uiLocales: run('de ') }],
  ['ui_locales of one long tag', { code: '1', uiLocales: run('x') }],
];

describe.each(payloads)('%s in a sign-in request', (_, payload) => {
  it('is refused quickly, with nothing sent', async () => {
    const { sendMessage } = await createConnector({ getConfig: async () => config });
    const send = async () =>
      sendMessage({ to: 'user@example.com', type: TemplateType.SignIn, payload });

    await expect(send()).rejects.toMatchObject({ data: { reason: 'invalid_request_parameters' } });
    expect(await settle(send)).toBeLessThan(50);
    expect(requests).toEqual([]);
  });
});

// The template is the operator's (Logto's own email templates); what a request brings is the
// payload, whose values are put in as they are and never read as handlebars again.
describe("Logto's custom template filled with hostile handlebars", () => {
  it('puts a hostile payload value in once, quickly', async () => {
    const value = run('{{code}}');
    const message = parseMessage({ to: 'a@b.co', type: 'SignIn', payload: { code: value } });
    const fill = () =>
      customEmailBody(
        parseConfig(config),
        { subject: 'S', content: '<p>{{code}}</p>', contentType: 'text/html' },
        message
      );

    expect(fill()).toMatchObject({ HtmlBody: `<p>${value}</p>` });
    expect(await settle(fill)).toBeLessThan(50);
  });

  it.each([
    ['unclosed', `{{ ${run('a')}`],
    ['spaces', `{{${run(' ')}`],
    ['opening braces', run('{{')],
  ])('%s: fills quickly', async (_, content) => {
    const message = parseMessage({ to: 'a@b.co', type: 'SignIn', payload: { code: '1' } });
    const fill = (contentType: 'text/plain' | 'text/html') => () =>
      customEmailBody(parseConfig(config), { subject: content, content, contentType }, message);

    expect(await settle(fill('text/plain'))).toBeLessThan(50);
    expect(await settle(fill('text/html'))).toBeLessThan(50);
  });
});

describe('a hostile answer from the network', () => {
  it.each([
    ['unbalanced <', run('<')],
    ['unclosed tags', run('<a ')],
    ['white space', run(' \n')],
  ])('%s: is quoted quickly', async (_, body) => {
    const describe = () =>
      describeFailure(
        { kind: 'http', status: 502, body, attempts: 1 },
        { from: 'a@b.c', to: 'd@e.f', usageType: 'SignIn' }
      );

    expect(describe().description.length).toBeLessThan(400);
    expect(await settle(describe)).toBeLessThan(50);
  });
});
