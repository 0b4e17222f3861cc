import nock from 'nock';

import { ConnectorErrorCodes, TemplateType } from '@logto/connector-kit';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { parseConfig } from '../config/parse.js';
import { consoleTestDeadlineMs, limits } from '../constant.js';
import {
  lowercaseAlias,
  postmarkApi,
  requiredTemplates,
  withCode as sharedWithCode,
  storedTemplate,
  transactionalStream,
} from '../mock.js';

import { checkTemplates } from './index.js';

const api = postmarkApi;

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  vi.useRealTimers();
});

const required = requiredTemplates(lowercaseAlias);

/** The shared template, its text body spelling the variable with spaces. */
const withCode = { ...sharedWithCode, TextBody: '{{ code }}' };

type Stored = Record<string, unknown>;
type Reply = [number, unknown] | [number, unknown, Record<string, string>];

/**
 * Answers look-ups like Postmark: `streams` by ID, `stored` templates by alias or ID, anything
 * else as Postmark's "not found". Records every path asked for.
 */
const postmark = ({
  stored = {},
  streams = { outbound: 'Transactional' },
  override,
}: {
  stored?: Record<string, Stored>;
  streams?: Record<string, string>;
  override?: (path: string) => Reply | undefined;
} = {}) => {
  const seen: string[] = [];
  nock(api)
    .persist()
    .get(/.*/)
    .reply((path) => {
      seen.push(path);
      const overridden = override?.(path);

      if (overridden) {
        return overridden;
      }

      const [, kind = '', key = ''] = path.split('/');
      const id = decodeURIComponent(key);

      if (kind === 'message-streams') {
        const type = streams[id];
        return type
          ? [200, { ...transactionalStream, ID: id, MessageStreamType: type }]
          : [422, { ErrorCode: 1226, Message: 'The message stream was not found.' }];
      }

      const template = stored[id];
      return template
        ? [200, storedTemplate(template)]
        : [422, { ErrorCode: 1101, Message: 'Template not found.' }];
    });
  return seen;
};

const allWithCode = (
  aliases: string[] = required.map(({ templateAlias }) => templateAlias),
  template: Stored = withCode
) => Object.fromEntries(aliases.map((alias) => [alias, template]));

const configWith = (form: Record<string, unknown> = {}) =>
  parseConfig({
    serverToken: 'token',
    fromEmail: 'no-reply@acme.com',
    templates: required,
    ...form,
  });

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error: unknown) {
    return error as { code: string; data: { errorDescription: string } };
  }

  throw new Error('the check passed');
};

/** A configuration with `count` templates, all but the required ones localized. */
const withTemplates = (count: number) =>
  configWith({
    templates: [
      ...required,
      ...Array.from({ length: count - required.length }, (_, index) => ({
        usageType: 'SignIn',
        locale: `de-x-t${index}`,
        templateAlias: `localized-${index}`,
      })),
    ],
  });

describe('template look-ups', () => {
  it(`looks templates up ${limits.templateLookups} at a time, each once, after the stream`, async () => {
    const config = withTemplates(limits.templates);
    let inFlight = 0;
    let most = 0;
    const seen: string[] = [];
    nock(api)
      .get('/message-streams/outbound')
      .reply(200, transactionalStream)
      .get(/^\/templates\//)
      .times(limits.templates)
      .reply(async (path) => {
        seen.push(path);
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => {
          setTimeout(resolve, 2);
        });
        inFlight -= 1;
        return [200, withCode];
      });

    await checkTemplates(config);

    expect(most).toBe(limits.templateLookups);
    expect(new Set(seen).size).toBe(limits.templates);
  });

  it('asks once for an alias that two entries share', async () => {
    const config = configWith({
      templates: [
        ...required,
        { usageType: 'SignIn', locale: 'de', templateAlias: 'logto-signin' },
      ],
    });
    const seen = postmark({ stored: allWithCode() });

    await checkTemplates(config);

    expect(seen.filter((path) => path === '/templates/logto-signin')).toHaveLength(1);
    expect(seen).toHaveLength(1 + required.length);
  });

  it('names every missing one, in the order of the form', async () => {
    const config = withTemplates(10);
    postmark({
      stored: allWithCode([
        ...required.map(({ templateAlias }) => templateAlias),
        ...[0, 2, 4, 5].map((index) => `localized-${index}`),
      ]),
    });

    const error = await failure(checkTemplates(config));

    expect(error.code).toBe(ConnectorErrorCodes.TemplateNotFound);
    expect(error.data.errorDescription).toContain(
      'SignIn (de-x-t1): alias "localized-1"; SignIn (de-x-t3): alias "localized-3"'
    );
  });

  it('does not require templates that Logto serves from its own custom email templates', async () => {
    const config = configWith({
      templates: [...required, { usageType: 'BindMfa', templateAlias: 'logto-bind-mfa' }],
    });
    const seen = postmark({ stored: allWithCode() });
    const served = new Set<string>([TemplateType.BindMfa]);

    await checkTemplates(config, {
      getI18nEmailTemplate: async (type) =>
        served.has(type) ? { subject: 'Code', content: '{{code}}' } : undefined,
    });

    expect(seen).not.toContain('/templates/logto-bind-mfa');
    await expect(checkTemplates(config)).rejects.toMatchObject({
      code: ConnectorErrorCodes.TemplateNotFound,
    });
  });

  it('stops after one request when the token is rejected', async () => {
    const seen = postmark({ override: () => [401, { ErrorCode: 10, Message: 'Bad token.' }] });

    const error = await failure(checkTemplates(configWith()));

    expect(seen).toEqual(['/message-streams/outbound']);
    expect(error.code).toBe(ConnectorErrorCodes.InvalidConfig);
    expect(error.data.errorDescription).toMatch(
      /^Postmark rejected the server token: .+ This came while looking up the message stream "outbound"\. Nothing was sent\.$/
    );
  });

  it('describes a refused template look-up as a look-up, and starts no new one', async () => {
    const seen = postmark({
      stored: allWithCode(),
      override: (path) =>
        path === '/templates/logto-register'
          ? [422, { ErrorCode: 1105, Message: 'Odd.' }]
          : undefined,
    });

    const error = await failure(checkTemplates(configWith()));

    expect(error.data.errorDescription).toBe(
      'Postmark refused to look up the template "logto-register": fix what its answer names. Postmark answered HTTP 422, error 1105: "Odd." Nothing was sent.'
    );
    expect(error.data.errorDescription).not.toContain('refused the email');
    expect(seen.length).toBeLessThanOrEqual(1 + limits.templateLookups);
  });

  it('starts no new look-up once one is refused, while the ones under way finish', async () => {
    const config = withTemplates(12);
    const asked: string[] = [];
    nock(api)
      .persist()
      .get(/.*/)
      .reply(async (path) => {
        if (path.startsWith('/message-streams/')) {
          return [200, transactionalStream];
        }

        asked.push(path);

        if (path === '/templates/logto-register') {
          return [422, { ErrorCode: 1105, Message: 'Odd.' }];
        }

        // The others answer late, so that the refusal arrives while they are under way.
        await new Promise((resolve) => {
          setTimeout(resolve, 300);
        });
        return [200, withCode];
      });

    const error = await failure(checkTemplates(config));

    expect(error.data.errorDescription).toMatch(
      /^Postmark refused to look up the template "logto-register"/
    );
    expect(asked).toEqual(required.map(({ templateAlias }) => `/templates/${templateAlias}`));
  });

  it('goes on after a missing template, and names every missing one with what identifies it', async () => {
    const config = withTemplates(10);
    postmark({
      stored: allWithCode([
        ...required.slice(1).map(({ templateAlias }) => templateAlias),
        ...[0, 1, 2, 3, 4].map((index) => `localized-${index}`),
      ]),
    });

    const error = await failure(checkTemplates(config));

    expect(error.data).toEqual({
      errorDescription:
        'Postmark has none of 2 templates: create them there, or fix "Templates". They are Register: alias "logto-register"; SignIn (de-x-t5): alias "localized-5". Nothing was sent.',
      advice: 'site',
      missing: [
        { usageType: 'Register', templateAlias: 'logto-register' },
        { usageType: 'SignIn', locale: 'de-x-t5', templateAlias: 'localized-5' },
      ],
    });
  });

  it('says "it" for one missing template, and names one by ID as such', async () => {
    const config = configWith({
      templates: [...required, { usageType: 'SignIn', locale: 'de', templateId: 42 }],
    });
    postmark({ stored: allWithCode() });

    const error = await failure(checkTemplates(config));

    expect(error.code).toBe(ConnectorErrorCodes.TemplateNotFound);
    expect(error.data).toEqual({
      errorDescription:
        'Postmark has no template for SignIn (de): ID 42: create it there, or fix "Templates". Nothing was sent.',
      advice: 'site',
      missing: [{ usageType: 'SignIn', locale: 'de', templateId: 42 }],
    });
  });
});

class RefusedConnection extends Error {
  get code() {
    return 'ECONNREFUSED';
  }
}

describe('a failed look-up', () => {
  const stream = 'This came while looking up the message stream "outbound".';

  it.each<[string, Reply, string, ConnectorErrorCodes]>([
    [
      'a 401 without ErrorCode 10',
      [401, { ErrorCode: 0, Message: 'No token.' }],
      'Postmark rejected the server token: copy the Server API token from Postmark (Servers → your server → API Tokens) into "Server API token". Postmark answered HTTP 401: "No token."',
      ConnectorErrorCodes.InvalidConfig,
    ],
    [
      'ErrorCode 10 without a 401',
      [422, { ErrorCode: 10, Message: 'Bad token.' }],
      'Postmark rejected the server token: copy the Server API token from Postmark (Servers → your server → API Tokens) into "Server API token". Postmark answered HTTP 422, error 10: "Bad token."',
      ConnectorErrorCodes.InvalidConfig,
    ],
    [
      'a 429 from Postmark',
      [429, { ErrorCode: 429, Message: 'Slow down.' }, { 'Retry-After': '0' }],
      'Postmark is limiting how fast this server may send: wait a moment, then try again. After 3 attempts, Postmark answered HTTP 429: "Slow down."',
      ConnectorErrorCodes.RateLimitExceeded,
    ],
    [
      "an answer that is not Postmark's",
      [403, '<h1>Forbidden</h1>'],
      'Something between Logto and Postmark refused the request: let this server reach api.postmarkapp.com through its proxy or firewall. The answer was HTTP 403 with "Forbidden", not Postmark\'s.',
      ConnectorErrorCodes.General,
    ],
  ])('describes %s in the words for it', async (_, reply, words, code) => {
    const seen = postmark({ override: () => reply });

    const error = await failure(checkTemplates(configWith()));

    expect(error.code).toBe(code);
    expect(error.data.errorDescription).toBe(`${words} ${stream} Nothing was sent.`);
    expect(seen.every((path) => path === '/message-streams/outbound')).toBe(true);
  });

  it('describes a network failure as one', async () => {
    nock(api).persist().get(/.*/).replyWithError(new RefusedConnection('connect refused'));

    const error = await failure(checkTemplates(configWith()));

    expect(error.data.errorDescription).toBe(
      `This server could not reach Postmark: check its network, DNS and proxy settings for api.postmarkapp.com. After 3 attempts, the last connection failed with ECONNREFUSED (connect refused). ${stream} Nothing was sent.`
    );
  });

  it("describes Postmark's refusal of the look-up as one", async () => {
    postmark({ override: () => [422, { ErrorCode: 1105, Message: 'Odd.' }] });

    const error = await failure(checkTemplates(configWith()));

    expect(error.code).toBe(ConnectorErrorCodes.General);
    expect(error.data.errorDescription).toBe(
      'Postmark refused to look up the message stream "outbound": fix what its answer names. Postmark answered HTTP 422, error 1105: "Odd." Nothing was sent.'
    );
  });
});

describe('the message stream', () => {
  it('fails for a stream Postmark does not have, naming it', async () => {
    postmark({ stored: allWithCode() });

    const error = await failure(checkTemplates(configWith({ messageStream: 'codes' })));

    expect(error.code).toBe(ConnectorErrorCodes.General);
    expect(error.data).toMatchObject({ advice: 'site', messageStream: 'codes' });
    expect(error.data.errorDescription).toBe(
      'Postmark has no message stream "codes": create it as a Transactional stream (your server → Message Streams), or fix "Message stream". Empty means "outbound". Nothing was sent.'
    );
  });

  it('takes a 404 as a missing stream, whatever its body', async () => {
    postmark({ override: () => [404, 'Not Found'] });

    const error = await failure(checkTemplates(configWith()));

    expect(error.data.errorDescription).toMatch(/^Postmark has no message stream "outbound": /);
  });

  it.each<[string, Reply]>([
    ['an answer that is not JSON', [200, '<html>OK</html>']],
    ["Postmark's error JSON with a 200", [200, { ErrorCode: 1226, Message: 'Not found.' }]],
  ])('says when it cannot read %s about the stream', async (_, reply) => {
    postmark({ override: () => reply });

    const error = await failure(checkTemplates(configWith()));

    expect(error.code).toBe(ConnectorErrorCodes.General);
    expect(error.data).toEqual({
      errorDescription:
        'Send the test again: Postmark\'s answer about the message stream "outbound" could not be read. If this repeats, check what sits between this server and Postmark. Nothing was sent.',
      advice: 'site',
      messageStream: 'outbound',
    });
  });

  it.each([
    ['Broadcasts', 'is a Broadcasts stream'],
    ['Inbound', 'is an Inbound stream'],
  ])('fails for a %s stream, naming stream and type', async (type, words) => {
    const seen = postmark({ stored: allWithCode(), streams: { news: type } });

    const error = await failure(checkTemplates(configWith({ messageStream: 'news' })));

    expect(error.data.errorDescription).toContain(`The message stream "news" ${words}`);
    expect(error.data).toMatchObject({ messageStream: 'news', messageStreamType: type });
    expect(seen).toEqual(['/message-streams/news']);
  });

  it('fails for an archived stream', async () => {
    postmark({
      override: () => [200, { ...transactionalStream, ArchivedAt: '2026-01-01T00:00:00Z' }],
    });

    const error = await failure(checkTemplates(configWith()));

    expect(error.data.errorDescription).toContain(
      'The message stream "outbound" is an archived stream: name an active Transactional one in "Message stream", or leave it empty for "outbound".'
    );
  });

  it('passes with the default stream, looked up as outbound', async () => {
    const seen = postmark({ stored: allWithCode() });

    await checkTemplates(configWith());

    expect(seen[0]).toBe('/message-streams/outbound');
  });
});

describe('what each template shows', () => {
  const check = async (templates: Record<string, Stored>, form: Record<string, unknown> = {}) => {
    postmark({ stored: { ...allWithCode(), ...templates } });
    return checkTemplates(configWith(form));
  };

  it('fails for a template without {{code}}, naming usage type, template and variable', async () => {
    const error = await failure(
      check({
        'logto-signin': { Subject: 'Sign in', HtmlBody: 'Your code: {{verification_code}}' },
      })
    );

    const problems = [
      'Put {{code}} in the subject or body of SignIn: alias "logto-signin", or users get no code. Logto fills "code", under no other name.',
      'Add {{verification_code}} to "Fixed template values", or remove it from SignIn: alias "logto-signin". It uses {{verification_code}}, which Logto does not send for SignIn.',
    ];
    expect(error.code).toBe(ConnectorErrorCodes.General);
    expect(error.data).toEqual({
      errorDescription: `${problems.join(' ')} Nothing was sent.`,
      advice: 'site',
      problems,
    });
  });

  const variables = (count: number) =>
    Array.from({ length: count }, (_, index) => `{{v${index}}}`).join(' ');

  it.each([
    [
      2,
      'Add 2 variables to "Fixed template values", or remove them from SignIn: alias "logto-signin". It uses {{v0}}, {{v1}}, which Logto does not send for SignIn. Nothing was sent.',
    ],
    [10, `It uses ${variables(10).replaceAll(' ', ', ')}, which Logto does not send for SignIn.`],
    [
      11,
      `It uses ${variables(10).replaceAll(' ', ', ')} and 1 more, which Logto does not send for SignIn.`,
    ],
    [13, `{{v9}} and 3 more, which`],
  ])('names %i unknown variables, ten at most', async (count, words) => {
    const error = await failure(
      check({ 'logto-signin': { Subject: '{{code}}', HtmlBody: variables(count) } })
    );

    expect(error.data.errorDescription).toMatch(
      new RegExp(`^Add ${count} variables to "Fixed template values", or remove them from`)
    );
    expect(error.data.errorDescription).toContain(`It uses {{v0}}, `);
    expect(error.data.errorDescription).toContain(words);
    expect(error.data.errorDescription).not.toContain(`{{v10}}`);
    expect(error.data.errorDescription.includes(' more,')).toBe(count > 10);
  });

  it.each([
    ['the subject', { Subject: 'Code {{code}}', HtmlBody: '<p>Hi</p>' }],
    ['the text body', { Subject: 'Code', TextBody: '{{{code}}}' }],
    ['a section', { Subject: 'Code', HtmlBody: '{{#code}}{{.}}{{/code}}' }],
  ])('finds the code in %s', async (_, template) => {
    await expect(check({ 'logto-signin': template })).resolves.toBeUndefined();
  });

  it('finds the code in the layout', async () => {
    await expect(
      check({
        'logto-signin': { Subject: 'Hi', HtmlBody: '<p>Welcome</p>', LayoutTemplate: 'base' },
        base: { TemplateType: 'Layout', HtmlBody: '{{{@content}}} Code: {{code}}' },
      })
    ).resolves.toBeUndefined();
  });

  it("checks the layout's variables, and looks each layout up once", async () => {
    const seen = postmark({
      stored: {
        ...allWithCode(
          required.map(({ templateAlias }) => templateAlias),
          {
            ...withCode,
            LayoutTemplate: 'base',
          }
        ),
        base: { TemplateType: 'Layout', HtmlBody: '{{{@content}}} {{company_name}}' },
      },
    });

    const error = await failure(checkTemplates(configWith()));

    expect(error.data.errorDescription).toContain(
      'Add {{company_name}} to "Fixed template values", or remove it from Register: alias "logto-register". It uses {{company_name}}, which'
    );
    expect(seen.filter((path) => path === '/templates/base')).toHaveLength(1);
  });

  it('accepts a variable once it is a key of "Fixed template values"', async () => {
    const starter = {
      ...withCode,
      HtmlBody: '{{code}} {{product_name}} {{#company}}{{name}}{{/company}}',
    };
    const templates = { 'logto-signin': starter };

    await expect(failure(check(templates))).resolves.toMatchObject({
      data: {
        errorDescription: expect.stringContaining(
          '{{product_name}}, {{company}}, {{company.name}}'
        ) as unknown,
      },
    });
    await expect(
      check(templates, { templateModel: { product_name: 'Acme', company: { name: 'Acme' } } })
    ).resolves.toBeUndefined();
  });

  it.each([
    ['{{user.name}}', true],
    ['{{#user}}{{primaryEmail}}{{/user}}', true],
    ['{{application.displayName}} {{organization.branding.logoUrl}}', true],
    ['{{locale}} {{uiLocales}}', true],
    ['{{user.password}}', false],
    ['{{link}}', false],
    ['{{inviter.name}}', false],
  ])('judges %s for a code by what Logto sends (%s)', async (body, filled) => {
    const promise = check({ 'logto-signin': { Subject: '{{code}}', HtmlBody: body } });
    await (filled ? expect(promise).resolves.toBeUndefined() : expect(promise).rejects.toThrow());
  });

  it('requires {{link}} for OrganizationInvitation, and takes its context', async () => {
    const form = {
      templates: [...required, { usageType: 'OrganizationInvitation', templateAlias: 'invite' }],
    };

    const error = await failure(
      check({ invite: { Subject: 'Join {{organization.name}}', HtmlBody: '{{code}}' } }, form)
    );
    expect(error.data.errorDescription).toContain(
      'Put {{link}} in the subject or body of OrganizationInvitation: alias "invite", or users get no link. Logto fills "link", under no other name.'
    );
    expect(error.data.errorDescription).toContain('{{code}}, which Logto does not send');

    nock.cleanAll();
    await expect(
      check(
        {
          invite: { Subject: 'Join {{organization.name}}', HtmlBody: '{{inviter.name}}: {{link}}' },
        },
        form
      )
    ).resolves.toBeUndefined();
  });

  it('says that a Layout cannot be sent', async () => {
    const error = await failure(
      check({ 'logto-generic': { TemplateType: 'Layout', HtmlBody: '{{{@content}}}' } })
    );

    expect(error.data.errorDescription).toContain(
      'Generic: alias "logto-generic" is a Layout, which Postmark cannot send: give a Standard template that uses it.'
    );
  });

  it('names a template it cannot read', async () => {
    const error = await failure(
      check({ 'logto-signin': { Subject: '{{code}}', HtmlBody: '{{#a}}'.repeat(40) } })
    );

    expect(error.data.errorDescription).toBe(
      'SignIn: alias "logto-signin" cannot be checked: simplify it in Postmark. Its HTML body nests sections deeper than 16. Nothing was sent.'
    );
  });

  it("names every part of a template it cannot read, its layout's too", async () => {
    const deep = '{{#a}}'.repeat(40);

    const error = await failure(
      check({
        'logto-signin': {
          Subject: deep,
          HtmlBody: '{{code}}',
          TextBody: deep,
          LayoutTemplate: 'base',
        },
        base: { TemplateType: 'Layout', HtmlBody: deep },
      })
    );

    expect(error.data.errorDescription).toBe(
      'SignIn: alias "logto-signin" cannot be checked: simplify it in Postmark. Its subject nests sections deeper than 16, and its text body nests sections deeper than 16, and its layout\'s HTML body nests sections deeper than 16. Nothing was sent.'
    );
  });

  it('says which template answer is not a template, or too long', async () => {
    postmark({
      stored: allWithCode(),
      override: (path) =>
        path === '/templates/logto-signin'
          ? [200, '<html>'.repeat(3)]
          : path === '/templates/logto-generic'
            ? [200, { Subject: 7 }]
            : undefined,
    });

    const error = await failure(checkTemplates(configWith()));

    expect(error.code).toBe(ConnectorErrorCodes.General);
    expect(error.data).toEqual({
      errorDescription:
        'Check the template "logto-signin" in Postmark: its answer was not a template, or longer than 2 MB. Nothing was sent.',
      advice: 'site',
      templates: ['logto-signin', 'logto-generic'],
    });
  });

  it('names a layout whose look-up fails', async () => {
    postmark({
      stored: {
        ...allWithCode(),
        'logto-signin': { ...withCode, LayoutTemplate: 'base' },
      },
      override: (path) =>
        path === '/templates/base' ? [422, { ErrorCode: 1105, Message: 'Odd.' }] : undefined,
    });

    const error = await failure(checkTemplates(configWith()));

    expect(error.data.errorDescription).toBe(
      'Postmark refused to look up the layout "base": fix what its answer names. Postmark answered HTTP 422, error 1105: "Odd." Nothing was sent.'
    );
  });

  it('names a layout that Postmark does not have, and every template that uses it', async () => {
    const error = await failure(
      check({
        'logto-signin': { ...withCode, LayoutTemplate: 'gone' },
        'logto-generic': { ...withCode, LayoutTemplate: 'gone' },
      })
    );

    expect(error.code).toBe(ConnectorErrorCodes.General);
    expect(error.data.errorDescription).toBe(
      'SignIn: alias "logto-signin" uses the layout "gone", which Postmark lacks: create it, or choose another. Generic: alias "logto-generic" uses the layout "gone", which Postmark lacks: create it, or choose another. Nothing was sent.'
    );
  });

  it('does not look up the layout that a Layout names', async () => {
    const seen = postmark({
      stored: {
        ...allWithCode(),
        'logto-generic': {
          TemplateType: 'Layout',
          HtmlBody: '{{{@content}}}',
          LayoutTemplate: 'outer',
        },
        outer: { TemplateType: 'Layout', HtmlBody: '{{{@content}}} {{code}}' },
      },
    });

    const error = await failure(checkTemplates(configWith()));

    expect(error.data.errorDescription).toBe(
      'Generic: alias "logto-generic" is a Layout, which Postmark cannot send: give a Standard template that uses it. Nothing was sent.'
    );
    expect(seen).not.toContain('/templates/outer');
  });

  it('reads a template of several hundred kilobytes', async () => {
    const row = '<tr><td class="x">{{code}}</td></tr>\n';
    const HtmlBody = row.repeat(Math.ceil(400_000 / row.length)) + '{{product_name}}';

    const error = await failure(check({ 'logto-signin': { Subject: 'Code', HtmlBody } }));

    expect(HtmlBody.length).toBeGreaterThan(400_000);
    expect(error.data.errorDescription).toContain('uses {{product_name}}');
  });
});

/** Moves fake time on in small steps, letting the sockets' real callbacks run between them. */
const advance = async (milliseconds: number) => {
  for (let passed = 0; passed < milliseconds; passed += 50) {
    await vi.advanceTimersByTimeAsync(50);

    await new Promise((resolve) => {
      setImmediate(resolve);
    });
  }
};

describe('the shared deadline', () => {
  it(`ends within ${consoleTestDeadlineMs / 1000} s when every request hangs`, async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    nock(api).persist().get(/.*/).delay(60_000).reply(200, {});
    const startedAt = Date.now();
    const deadlineAt = startedAt + consoleTestDeadlineMs;

    const settled = checkTemplates(configWith(), { deadlineAt }).then(
      () => 'passed',
      (error: unknown) => error
    );
    await advance(consoleTestDeadlineMs);

    await expect(Promise.race([settled, 'still waiting'])).resolves.toMatchObject({
      data: {
        errorDescription: expect.stringMatching(
          /^Postmark did not answer within .+ This came while looking up the message stream "outbound"\. Nothing was sent\.$/
        ) as unknown,
      },
    });
  });

  it('ends at the shared deadline when answers are slow but many', async () => {
    // Ten rounds of four look-ups, 400 ms each, would pass after 4 s; the deadline comes first.
    const config = withTemplates(40);
    nock(api)
      .persist()
      .get(/.*/)
      .delay(400)
      .reply((path) =>
        path.startsWith('/message-streams/') ? [200, transactionalStream] : [200, withCode]
      );

    const error = await failure(checkTemplates(config, { deadlineAt: Date.now() + 1500 }));

    expect(error.data.errorDescription).toMatch(
      /^Postmark did not answer within 0\.\d s: .+ This came while looking up the template "[\w-]+"\. Nothing was sent\.$/
    );
  });

  it('fails at once when the deadline has passed', async () => {
    const seen = postmark({ stored: allWithCode() });

    const error = await failure(checkTemplates(configWith(), { deadlineAt: Date.now() - 1 }));

    expect(error.data.errorDescription).toContain('did not answer within 0 s');
    expect(seen.length).toBeLessThanOrEqual(1);
  });
});
