/**
 * Every kind of failure the Console's "Send" test can show, as the operator reads it: a toast of
 * about five seconds whose first sentence must say what to fix, in the form's and Postmark's
 * words, in at most 160 characters; the detail follows. No doubled stops, no brackets back to
 * back, and no HTTP status repeated as a Postmark error code.
 */
import nock from 'nock';

import { ConnectorErrorCodes, type EmailTemplateDetails, TemplateType } from '@logto/connector-kit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { parseConfig } from '../src/config/parse.js';
import { maxFirstSentence } from '../src/errors/connector-error.js';
import { toLogtoError } from '../src/errors/readers.js';
import createConnector from '../src/index.js';
import {
  type PostmarkReply,
  SystemError,
  lowercaseAlias,
  mockConfig,
  mockServerToken,
  postmarkApi,
  postmarkError,
  requiredTemplates,
  storedTemplate,
  transactionalStream,
  withCode,
} from '../src/mock.js';
import { postmarkFailureError } from '../src/postmark/answers.js';
import { checkTemplates } from '../src/preflight/index.js';

const api = postmarkApi;
const token = mockServerToken;

const templates = requiredTemplates(lowercaseAlias);
const form = { ...mockConfig, templates };

/** The longest names a form can hold, each at its limit. */
const longAlias = `a${'b'.repeat(255)}`;
const longLocale = 'de-x-aaaaaaaa-bbbbbbbb-cccccccc-dddddddd-eeeeeeee-ffffffff-gggg';
const longStream = 's'.repeat(256);
const longSender = `${'N'.repeat(256)} <${'l'.repeat(64)}@${'d'.repeat(60)}.${'d'.repeat(60)}.${'d'.repeat(60)}.com>`;
const longRecipient = `${'r'.repeat(64)}@${'d'.repeat(60)}.${'d'.repeat(60)}.${'d'.repeat(60)}.com`;

type Reply = PostmarkReply;

const stream = (type = 'Transactional', archived: string | null = null): Reply => [
  200,
  { ...transactionalStream, MessageStreamType: type, ArchivedAt: archived },
];
const template = (stored: Record<string, unknown> = withCode): Reply => [
  200,
  storedTemplate(stored),
];

type Lookups = {
  /** The stream's answer, and each template's (by key) or the answer to every template. */
  stream?: Reply | Error;
  templates?: Record<string, Reply> | Reply | Error;
};

/** Answers the look-ups and the send like Postmark would, each template found unless told. */
const answer = (
  { stream: streamReply = stream(), templates: stored = {} }: Lookups,
  send?: Reply | Error
) => {
  if (streamReply instanceof Error) {
    nock(api)
      .persist()
      .get(/^\/message-streams\//)
      .replyWithError(streamReply);
  } else {
    nock(api)
      .persist()
      .get(/^\/message-streams\//)
      .reply(streamReply[0], streamReply[1] as nock.Body);
  }

  if (stored instanceof Error) {
    nock(api)
      .persist()
      .get(/^\/templates\//)
      .replyWithError(stored);
  } else {
    nock(api)
      .persist()
      .get(/^\/templates\//)
      .reply((path) => {
        const key = decodeURIComponent(path.split('/')[2] ?? '');
        return Array.isArray(stored) ? stored : (stored[key] ?? template());
      });
  }

  if (send instanceof Error) {
    nock(api).persist().post(/.*/).replyWithError(send);
  } else if (send) {
    nock(api)
      .persist()
      .post(/.*/)
      .reply(send[0], send[1] as nock.Body);
  }
};

type Row = {
  name: string;
  form?: Record<string, unknown>;
  /** The whole configuration the Console sends, in place of the form's. */
  input?: unknown;
  lookups?: Lookups;
  send?: Reply | Error;
  to?: string;
  custom?: EmailTemplateDetails;
  /** Any other way the Console test fails, when no request can make it fail so. */
  run?: () => Promise<unknown>;
  /** The token was rejected: the first sentence names it. */
  token?: true;
};

/** What the Console shows for a failure that does not come from a request. */
const asConsoleShowsIt = async (failing: () => Promise<unknown>) => {
  try {
    await failing();
  } catch (error: unknown) {
    throw toLogtoError(error, { rawConfig: form, data: {}, isConsoleTest: true });
  }
};

const rows: Row[] = [
  { name: 'a field the guard refuses', form: { fromEmail: 'nobody' } },
  {
    name: 'every field refused',
    form: {
      serverToken: '',
      fromEmail: 'x',
      templates: [],
      messageStream: 7,
      replyTo: 'y',
      tag: 'x'.repeat(1001),
      trackOpens: 'yes',
      trackLinks: 'Always',
      templateModel: [1],
      metadata: [],
      headers: { To: 'x' },
      recordClientIp: 'yes',
    },
  },
  { name: 'a configuration that is no object', input: 'serverToken=abc' },
  // The stream's look-up, which comes first and alone.
  {
    name: 'a 401 on the look-up',
    lookups: { stream: postmarkError(401, 10, 'Bad token.') },
    token: true,
  },
  {
    name: 'ErrorCode 10 on the look-up',
    lookups: { stream: postmarkError(422, 10, 'Bad token.') },
    token: true,
  },
  {
    name: 'a bare 401 on the look-up',
    lookups: { stream: [401, '<h1>Unauthorized</h1>'] },
    token: true,
  },
  { name: 'a 429 on the look-up', lookups: { stream: postmarkError(429, 429, 'Slow down.') } },
  {
    name: "a proxy's 407 on the look-up",
    lookups: { stream: [407, '<h1>Proxy Authentication Required</h1>'] },
  },
  { name: "a proxy's 403 on the look-up", lookups: { stream: [403, '<h1>Forbidden</h1>'] } },
  {
    name: 'a 503 on the look-up',
    lookups: { stream: postmarkError(503, 503, 'Service unavailable.') },
  },
  { name: 'an HTML 502 on the look-up', lookups: { stream: [502, '<h1>502 Bad Gateway</h1>'] } },
  {
    name: "Postmark's refusal of the look-up",
    lookups: { stream: postmarkError(422, 1105, 'Odd.') },
  },
  {
    name: 'an unreachable Postmark',
    lookups: { stream: new SystemError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:443') },
  },
  {
    name: 'a DNS failure',
    lookups: { stream: new SystemError('ENOTFOUND', 'getaddrinfo ENOTFOUND api.postmarkapp.com') },
  },
  {
    name: 'the deadline on a look-up',
    run: async () =>
      asConsoleShowsIt(async () =>
        checkTemplates(parseConfig(form), { deadlineAt: Date.now() - 1 })
      ),
  },
  // What the stream and the templates hold.
  { name: 'a missing stream', lookups: { stream: postmarkError(422, 1226, 'Not found.') } },
  {
    name: 'a missing stream with the longest name',
    form: { messageStream: longStream },
    lookups: { stream: [404, ''] },
  },
  { name: 'a Broadcasts stream', lookups: { stream: stream('Broadcasts') } },
  {
    name: 'an archived stream with the longest name',
    form: { messageStream: longStream },
    lookups: { stream: stream('Transactional', '2026-01-01T00:00:00Z') },
  },
  { name: "a stream answer that can't be read", lookups: { stream: [200, '<html>'] } },
  {
    name: 'a missing template',
    lookups: { templates: { 'logto-signin': postmarkError(422, 1101, 'Template not found.') } },
  },
  {
    name: 'the longest missing entry',
    form: {
      templates: [
        ...templates,
        { usageType: 'UserPermissionValidation', locale: longLocale, templateAlias: longAlias },
      ],
    },
    lookups: { templates: { [longAlias]: postmarkError(422, 1101, 'Template not found.') } },
  },
  {
    name: 'every template missing',
    lookups: { templates: postmarkError(422, 1101, 'Template not found.') },
  },
  {
    name: "a template answer that can't be read",
    form: { templates: [...templates, { usageType: 'BindMfa', templateAlias: longAlias }] },
    lookups: { templates: { [longAlias]: [200, '<html>'] } },
  },
  {
    name: 'a Layout as the longest entry',
    form: {
      templates: [
        ...templates,
        { usageType: 'UserPermissionValidation', locale: longLocale, templateAlias: longAlias },
      ],
    },
    lookups: { templates: { [longAlias]: template({ ...withCode, TemplateType: 'Layout' }) } },
  },
  {
    name: 'a missing layout with the longest names',
    form: {
      templates: [
        ...templates,
        { usageType: 'UserPermissionValidation', locale: longLocale, templateAlias: longAlias },
      ],
    },
    lookups: {
      templates: {
        [longAlias]: template({ ...withCode, LayoutTemplate: longAlias.replace('a', 'L') }),
      },
    },
  },
  {
    name: 'a template without {{code}} as the longest entry',
    form: {
      templates: [
        ...templates,
        { usageType: 'UserPermissionValidation', locale: longLocale, templateAlias: longAlias },
      ],
    },
    lookups: { templates: { [longAlias]: template({ Subject: 'Hi', HtmlBody: '<p>Hi</p>' }) } },
  },
  {
    name: 'an invitation without {{link}}',
    form: {
      templates: [...templates, { usageType: 'OrganizationInvitation', templateAlias: 'invite' }],
    },
    lookups: { templates: { invite: template() } },
  },
  {
    name: 'a long variable nothing fills',
    form: {
      templates: [
        ...templates,
        { usageType: 'UserPermissionValidation', locale: longLocale, templateAlias: longAlias },
      ],
    },
    lookups: {
      templates: {
        [longAlias]: template({ ...withCode, HtmlBody: `{{code}} {{${'v'.repeat(200)}}}` }),
      },
    },
  },
  {
    name: 'twelve variables nothing fills',
    lookups: {
      templates: {
        'logto-signin': template({
          ...withCode,
          HtmlBody: `{{code}} ${Array.from({ length: 12 }, (_, index) => `{{v${index}}}`).join(' ')}`,
        }),
      },
    },
  },
  {
    name: "a template that can't be checked",
    lookups: {
      templates: { 'logto-signin': template({ ...withCode, TextBody: '{{#a}}'.repeat(40) }) },
    },
  },
  {
    name: "a layout's look-up refused",
    lookups: {
      templates: {
        'logto-signin': template({ ...withCode, LayoutTemplate: 'base' }),
        base: postmarkError(422, 1105, 'Odd.'),
      },
    },
  },
  // The test email itself, once every check passed.
  { name: 'a 401 on the send', send: postmarkError(401, 10, 'Bad token.'), token: true },
  {
    name: 'a sender Postmark will not send from, the longest',
    form: { fromEmail: longSender },
    send: postmarkError(422, 400, 'Sender signature not found.'),
  },
  { name: 'a template missing on the send', send: postmarkError(422, 1101, 'Template not found.') },
  { name: 'an account that may not send', send: postmarkError(422, 405, 'Not allowed to send.') },
  {
    name: 'an inactive recipient, the longest',
    to: longRecipient,
    send: postmarkError(422, 406, 'Inactive.'),
  },
  {
    name: 'a 300 naming To',
    send: postmarkError(422, 300, "Error parsing 'To': Illegal email address"),
  },
  {
    name: 'a 300 naming From, the longest',
    form: { fromEmail: longSender },
    send: postmarkError(422, 300, "Invalid 'From' address."),
  },
  { name: 'a 300 naming Reply-To', send: postmarkError(422, 300, "Invalid 'ReplyTo' address.") },
  { name: 'a 300 naming nothing', send: postmarkError(422, 300, 'Invalid email request.') },
  { name: 'a 1105', send: postmarkError(422, 1105, 'TemplateModel is invalid.') },
  { name: 'three 429s', send: postmarkError(429, 429, 'Rate limit exceeded.') },
  { name: 'three 503s with ErrorCode 503', send: postmarkError(503, 503, 'Service unavailable.') },
  { name: 'three 500s with ErrorCode 0', send: postmarkError(500, 0, 'Internal error.') },
  { name: "a proxy's 407 on the send", send: [407, '<h1>Proxy Authentication Required</h1>'] },
  {
    name: "a proxy's 403 on the send",
    send: [403, '<html><body>Forbidden by policy</body></html>'],
  },
  { name: 'an HTML 502 on the send', send: [502, '<h1>502 Bad Gateway</h1><hr>nginx'] },
  { name: 'a 404 that is not Postmark', send: [404, 'Not found'] },
  { name: 'resets on the send', send: new SystemError('ECONNRESET', 'read ECONNRESET') },
  {
    name: "the send's deadline",
    run: async () =>
      asConsoleShowsIt(async () => {
        throw postmarkFailureError(
          { kind: 'deadline', milliseconds: 8500, attempts: 3 },
          { from: form.fromEmail, to: 'me@acme.com', usageType: TemplateType.Generic }
        );
      }),
  },
  // What the request and Logto's own templates hold.
  { name: 'a recipient that is a list', to: 'a@acme.com, b@acme.com', lookups: {} },
  {
    name: "a custom template's sendFrom",
    lookups: {},
    custom: { subject: 'S', content: 'C', sendFrom: `Acme <${'x'.repeat(300)}@acme.com>` },
  },
  {
    name: "a custom template's Reply-To list",
    lookups: {},
    custom: { subject: 'S', content: 'C', replyTo: 'a@acme.com, , b@acme.com' },
  },
  {
    name: 'an email over 10 MB',
    lookups: {},
    custom: { subject: 'S', content: 'x'.repeat(11 * 1024 * 1024), contentType: 'text/plain' },
  },
];

/** The first sentence: up to the first stop, maybe inside closing quotes, that a space follows. */
const firstSentence = (text: string) => text.split(/(?<=[!.?]["')\]]?)\s/)[0] ?? '';

const consoleTest = async ({ form: changes, input, to = 'me@acme.com', custom, run }: Row) => {
  if (run) {
    return run();
  }

  const { sendMessage } = await createConnector({
    getConfig: async () => {
      throw new Error('the Console test reads no saved configuration');
    },
    getI18nEmailTemplate: async () => custom,
  });
  return sendMessage(
    { to, type: TemplateType.Generic, payload: { code: '000000' } },
    input ?? { ...form, ...changes }
  );
};

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

/** The Console test's error for a form and Postmark's answers to it. */
const consoleError = async (row: Row) => {
  answer(row.lookups ?? {}, row.send);
  return (await consoleTest(row).then(
    () => {
      throw new Error('the Console test passed');
    },
    (error: unknown) => error
  )) as { code: string; data: { errorDescription: string } };
};

describe.each(rows)('the Console test after $name', (row) => {
  it('says what to fix first, in at most 160 characters, and then the detail', async () => {
    const error = await consoleError(row);
    const description = error.data.errorDescription;
    const first = firstSentence(description);

    expect(error.code).toBe(ConnectorErrorCodes.General);
    expect(first.length).toBeLessThanOrEqual(maxFirstSentence);
    expect(first.length).toBeGreaterThan(20);
    expect(first).toMatch(/[!.?]["')\]]?$/);
    expect(description).not.toContain('..');
    expect(description).not.toContain('.).');
    expect(description).not.toContain(') (');
    // A status is not repeated as Postmark's error code.
    expect(description).not.toMatch(/HTTP (\d{3}), (?:Postmark )?error \1\b/);
    expect(description).not.toContain(token);

    if (row.token) {
      expect(first).toMatch(/^Postmark rejected the server token: /);
      expect(first).toContain('"Server API token"');
    }
  });
});

/** What the Console shows for a form and Postmark's answers: the operator's whole text. */
const consoleText = async (row: Row) => {
  const { data } = await consoleError(row);
  return data.errorDescription;
};

describe('what redaction leaves as written, and what it hides', () => {
  it("names an operator's dotted alias as the form has it", async () => {
    const dotted = [
      ...templates.slice(0, 3),
      { usageType: 'Generic', templateAlias: 'welcome.de' },
    ];

    const text = await consoleText({
      name: 'a dotted alias',
      form: { templates: dotted },
      lookups: { templates: { 'welcome.de': postmarkError(404, 1101, 'Template not found.') } },
    });

    expect(text).toContain('alias "welcome.de"');
    expect(text).not.toContain('[host]');
  });

  it('names a dotted variable as the template has it', async () => {
    const text = await consoleText({
      name: 'a dotted variable',
      lookups: {
        templates: template({ ...withCode, HtmlBody: '<p>{{code}} {{company.name}}</p>' }),
      },
    });

    expect(text).toContain('{{company.name}}');
    expect(text).not.toContain('[host]');
  });

  it("keeps the domain Postmark's own message names", async () => {
    const said =
      "The 'From' address you supplied (no-reply@acme.com) is not a Sender Signature on your account; acme.com is not verified.";

    const text = await consoleText({
      name: "Postmark's words",
      send: postmarkError(422, 400, said),
    });

    expect(text).toContain(said);
  });

  it("hides the hosts in a proxy's page and in a network cause", async () => {
    const page = await consoleText({
      name: "a proxy's page",
      lookups: { stream: [502, '<h1>Bad gateway</h1><p>gw.corp.internal 10.1.2.3</p>'] },
    });
    nock.cleanAll();
    const cause = await consoleText({
      name: 'a network cause',
      lookups: {
        stream: new SystemError('ENOTFOUND', 'getaddrinfo ENOTFOUND proxy.corp.internal'),
      },
    });

    expect(page).toContain('[host] [address]');
    expect(page).not.toContain('corp.internal');
    expect(cause).toContain('ENOTFOUND [host]');
    expect(cause).not.toContain('corp.internal');
  });
});
