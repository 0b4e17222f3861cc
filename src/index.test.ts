import nock from 'nock';

import {
  ConnectorError,
  ConnectorErrorCodes,
  type EmailTemplateDetails,
  type SendMessageData,
  TemplateType,
} from '@logto/connector-kit';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { userMessage } from './errors/readers.js';
import createConnector from './index.js';
import {
  SystemError,
  mockConfig,
  mockServerToken,
  mockTemplates,
  okAnswer,
  postmarkApi,
  storedTemplate,
  transactionalStream,
} from './mock.js';

const token = mockServerToken;
const api = postmarkApi;
const templates = mockTemplates;
const config = mockConfig;

type Seen = { method: string; path: string; headers: Record<string, unknown>; body: unknown };

const systemError = (code: string, message: string) => new SystemError(code, message);

type Reply = [number, unknown?, Record<string, string>?];

/** Postmark's answers to the Console test's look-ups: the stream, then a template that shows the code. */
const streamFound: Reply = [200, transactionalStream];
const templateFound: Reply = [200, storedTemplate()];

/** Answers each `method` request to api.postmarkapp.com with the next reply, recording what it got. */
const answer = (method: 'GET' | 'POST', replies: Reply[], seen: Seen[] = []) => {
  const scope = nock(api);

  for (const reply of replies) {
    scope
      .intercept(() => true, method)
      .reply(function (path, body) {
        seen.push({ method: this.req.method, path, headers: this.req.headers, body });
        return reply;
      });
  }

  return { seen, scope };
};

const postmark = (...replies: Reply[]) => answer('POST', replies);

const connector = async (
  getConfig: (id: string) => Promise<unknown> = async () => config,
  getI18nEmailTemplate?: (
    type: TemplateType,
    locale?: string
  ) => Promise<EmailTemplateDetails | undefined>
) => createConnector({ getConfig, getI18nEmailTemplate });

const send = async (
  data: Partial<SendMessageData> = {},
  inputConfig?: unknown,
  getI18nEmailTemplate?: Parameters<typeof connector>[1]
) => {
  const { sendMessage } = await connector(async () => config, getI18nEmailTemplate);
  return sendMessage(
    { to: 'user@example.com', type: TemplateType.SignIn, payload: { code: '123456' }, ...data },
    inputConfig
  );
};

/**
 * A failed send: the code and the operator's sentence the connector decided on (for a real send
 * they travel in `data.reason` and `data.operatorMessage`), and what Logto is shown.
 */
const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => {
      throw new Error('the send succeeded');
    },
    (error: unknown) => error
  );
  expect(error).toBeInstanceOf(ConnectorError);
  const { code, data } = error as ConnectorError;
  const facts = data as { errorDescription: string; operatorMessage?: string; reason?: string };
  return {
    code: facts.reason ?? code,
    description: facts.operatorMessage ?? facts.errorDescription,
    shown: { code, description: facts.errorDescription },
    error: error as ConnectorError,
  };
};

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

describe('createConnector', () => {
  it('reads no configuration and makes no request', async () => {
    const getConfig = vi.fn(async () => {
      throw new ConnectorError(ConnectorErrorCodes.NotImplemented);
    });
    const { seen } = postmark([200, okAnswer]);

    const built = await connector(getConfig);

    expect(built.type).toBe('Email');
    expect(built.metadata.id).toBe('postmark-mail');
    expect(built.metadata.target).toBe('postmark-mail');
    expect(getConfig).not.toHaveBeenCalled();
    expect(seen).toHaveLength(0);
  });
});

describe('sendMessage', () => {
  it.each([
    [undefined, 'The message has no usage type.'],
    [7, 'The usage type is not text.'],
  ])('refuses a usage type of %j in words, and sends nothing', async (type, words) => {
    const { seen } = postmark([200, okAnswer]);

    const result = await failure(send({ type: type as unknown as TemplateType }));

    expect(result.code).toBe(ConnectorErrorCodes.InvalidRequestParameters);
    expect(result.description).toContain(words);
    expect(seen).toHaveLength(0);
  });

  it('reads the languages a send asks for one way, for the template, the Metadata and the user', async () => {
    const localized = [
      ...templates,
      { usageType: 'SignIn', templateAlias: 'logto-sign-in-de', locale: 'de' },
    ];
    const { sendMessage } = await connector(async () => ({ ...config, templates: localized }));
    const sent = postmark([200, okAnswer]);
    const data = { to: 'user@example.com', type: TemplateType.SignIn };

    await sendMessage({ ...data, payload: { code: '1', uiLocales: 'de-AT en' } });
    postmark([503, {}], [503, {}], [503, {}]);
    const failed = await failure(
      sendMessage({ ...data, payload: { code: '1', uiLocales: 'de-AT' } })
    );

    expect(sent.seen[0]?.body).toMatchObject({
      TemplateAlias: 'logto-sign-in-de',
      Metadata: { locale: 'de-AT' },
    });
    expect(failed.shown.description).toBe(userMessage('retry', ['de']));
  });

  it('sends when the sign-in request names more languages than the lookup reads', async () => {
    const { seen } = postmark([200, okAnswer]);
    const localized = [
      ...templates,
      { usageType: 'SignIn', templateAlias: 'logto-sign-in-de', locale: 'de' },
    ];
    const { sendMessage } = await connector(async () => ({ ...config, templates: localized }));
    const uiLocales = ['de', ...Array.from({ length: 30 }, (_, index) => `x-tag${index}`)].join(
      ' '
    );

    await sendMessage({
      to: 'user@example.com',
      type: TemplateType.SignIn,
      payload: { code: '1', uiLocales },
    });

    expect(seen[0]?.body).toMatchObject({ TemplateAlias: 'logto-sign-in-de' });
  });

  it('sends the official connector configuration as Postmark expects it', async () => {
    const { seen } = postmark([200, okAnswer]);
    const payload = {
      code: '123456',
      locale: 'en',
      uiLocales: 'en fr',
      link: 'https://auth.acme.com/x',
      application: { name: 'Acme', branding: { logoUrl: 'https://acme.com/logo.png' } },
    };

    const result = await send({ payload });

    expect(result).toEqual(okAnswer);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: 'POST',
      path: '/email/withTemplate',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        'x-postmark-server-token': token,
      },
    });
    expect(seen[0]?.body).toEqual({
      From: 'Acme <no-reply@acme.com>',
      To: 'user@example.com',
      TemplateAlias: 'logto-sign-in',
      TemplateModel: payload,
      Tag: 'SignIn',
      Metadata: { usage_type: 'SignIn', locale: 'en' },
    });
  });

  it('reads the saved configuration by the connector ID when no configuration is passed', async () => {
    postmark([200, okAnswer]);
    const getConfig = vi.fn(async () => config);
    const { sendMessage } = await connector(getConfig);

    await sendMessage({ to: 'user@example.com', type: TemplateType.Register, payload: {} });

    expect(getConfig).toHaveBeenCalledWith('postmark-mail');
  });

  it('uses a changed saved configuration from the next send on', async () => {
    const { seen } = postmark([200, okAnswer], [200, okAnswer]);
    const saved = structuredClone(config);
    const { sendMessage } = await connector(async () => saved);

    await sendMessage({ to: 'user@example.com', type: TemplateType.SignIn, payload: {} });
    saved.serverToken = 'rotated-token';
    await sendMessage({ to: 'user@example.com', type: TemplateType.SignIn, payload: {} });

    expect(seen.map(({ headers }) => headers['x-postmark-server-token'])).toEqual([
      token,
      'rotated-token',
    ]);
  });

  it('uses the configuration passed by the Console test instead of the saved one', async () => {
    const lookups = answer('GET', [streamFound, ...templates.map(() => templateFound)]);
    const { seen } = postmark([200, okAnswer]);
    const getConfig = vi.fn(async () => config);
    const { sendMessage } = await connector(getConfig);
    const form = { ...config, serverToken: 'unsaved-token', fromEmail: 'test@acme.com' };

    await sendMessage(
      { to: 'me@acme.com', type: TemplateType.Generic, payload: { code: '000000' } },
      form
    );

    expect(getConfig).not.toHaveBeenCalled();
    expect(lookups.seen.map(({ headers }) => headers['x-postmark-server-token'])).toEqual(
      [streamFound, ...templates].map(() => 'unsaved-token')
    );
    expect(seen[0]?.headers['x-postmark-server-token']).toBe('unsaved-token');
    expect(seen[0]?.body).toMatchObject({ From: 'test@acme.com', TemplateAlias: 'logto-generic' });
  });

  it('falls back to the Generic template for a type that has none', async () => {
    const { seen } = postmark([200, okAnswer]);

    await send({ type: TemplateType.MfaVerification });

    expect(seen[0]?.body).toMatchObject({ TemplateAlias: 'logto-generic', Tag: 'MfaVerification' });
  });

  it('sends an organization invitation with its context objects as they came', async () => {
    const { seen } = postmark([200, okAnswer]);
    const payload = {
      link: 'https://auth.acme.com/invitation?id=1',
      locale: 'de',
      organization: { id: 'org1', name: 'Acme GmbH', branding: {} },
      inviter: { name: 'Ann', primaryEmail: 'ann@acme.com' },
      application: { id: 'app1', name: 'Console' },
      user: null,
    };

    await send({ type: TemplateType.OrganizationInvitation, payload });

    expect(seen[0]?.body).toMatchObject({ TemplateAlias: 'logto-generic', TemplateModel: payload });
  });

  it('sends TemplateId for an entry that names the template by ID', async () => {
    const { seen } = postmark([200, okAnswer]);
    const byId = {
      ...config,
      templates: [...templates, { usageType: 'BindMfa', templateId: 3_141_592 }],
    };
    const { sendMessage } = await connector(async () => byId);

    await sendMessage({ to: 'user@example.com', type: TemplateType.BindMfa, payload: {} });

    expect(seen[0]?.body).toMatchObject({ TemplateId: 3_141_592 });
    expect(seen[0]?.body).not.toHaveProperty('TemplateAlias');
  });

  it('applies every sending option, with the payload over fixed template values', async () => {
    const { seen } = postmark([200, okAnswer]);
    const withOptions = {
      ...config,
      messageStream: 'logto-auth',
      replyTo: 'help@acme.com',
      trackOpens: true,
      trackLinks: 'HtmlAndText',
      tag: 'auth',
      templateModel: { product_name: 'Acme', code: 'fixed', support: { url: 'https://acme.com' } },
    };
    const { sendMessage } = await connector(async () => withOptions);

    await sendMessage({
      to: 'user@example.com',
      type: TemplateType.SignIn,
      payload: { code: '654321' },
    });

    expect(seen[0]?.body).toEqual({
      From: 'Acme <no-reply@acme.com>',
      To: 'user@example.com',
      TemplateAlias: 'logto-sign-in',
      TemplateModel: { product_name: 'Acme', code: '654321', support: { url: 'https://acme.com' } },
      ReplyTo: 'help@acme.com',
      Tag: 'auth',
      MessageStream: 'logto-auth',
      TrackOpens: true,
      TrackLinks: 'HtmlAndText',
      Metadata: { usage_type: 'SignIn' },
    });
  });

  it('sends a payload key named __proto__ as data, polluting nothing', async () => {
    const { seen } = postmark([200, okAnswer]);
    const json = '{"code":"1","__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}';
    const payload = JSON.parse(json) as Record<string, unknown>;

    await send({ payload });

    const { TemplateModel: model } = seen[0]?.body as { TemplateModel: Record<string, unknown> };
    expect(JSON.stringify(model)).toBe(json);
    expect(Object.hasOwn(model, '__proto__')).toBe(true);
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.prototype).not.toHaveProperty('x');
  });
});

describe('bad input', () => {
  it.each([
    [{ ...config, serverToken: '' }, 'Server API token (serverToken): is empty'],
    [{ ...config, fromEmail: 'acme.com' }, 'Sender (fromEmail): must be one address'],
    [
      { ...config, templates: templates.filter(({ usageType }) => usageType !== 'SignIn') },
      'add an entry without locale for SignIn',
    ],
  ])('rejects an invalid configuration before any request', async (input, expected) => {
    const { seen } = postmark([200, okAnswer]);
    const { sendMessage } = await connector(async () => input);

    const { code, description } = await failure(
      sendMessage({ to: 'user@example.com', type: TemplateType.SignIn, payload: {} })
    );

    expect(code).toBe(ConnectorErrorCodes.InvalidConfig);
    expect(description).toContain(expected);
    expect(seen).toHaveLength(0);
  });

  it.each([
    ['several recipients', { to: 'a@example.com, b@example.com' }],
    ['a line break in the recipient', { to: 'a@example.com\r\nBcc: b@example.com' }],
    ['no recipient', { to: '' }],
    ['a recipient that is not a string', { to: 42 }],
    ['a payload that is not an object', { payload: 'code' }],
    ['no usage type', { type: '' }],
    ['a usage type Logto does not send', { type: 'Test' }],
  ])('rejects %s before any request', async (_, data) => {
    const { seen } = postmark([200, okAnswer]);

    const { code } = await failure(send(data as Partial<SendMessageData>));

    expect(code).toBe(ConnectorErrorCodes.InvalidRequestParameters);
    expect(seen).toHaveLength(0);
  });

  it.each([
    ['a BigInt', { amount: 1n }, 'cannot be sent as JSON'],
    [
      'a cycle',
      (() => {
        const cycle: Record<string, unknown> = {};
        cycle.self = cycle;
        return { cycle };
      })(),
      'cannot be sent as JSON',
    ],
    ['over 10 MB', { blob: 'x'.repeat(10 * 1024 * 1024) }, 'Postmark accepts at most 10 MB'],
  ])('rejects a payload with %s before any request', async (_, payload, expected) => {
    const { seen } = postmark([200, okAnswer]);

    const { code, description } = await failure(send({ payload }));

    expect(code).toBe(ConnectorErrorCodes.InvalidRequestParameters);
    expect(description).toContain(expected);
    expect(seen).toHaveLength(0);
  });

  it('turns any other failure into a general error, without the token', async () => {
    const { seen } = postmark([200, okAnswer]);
    const { sendMessage } = await connector(async () => ({
      ...config,
      templateModel: { product_name: 'Acme' },
    }));
    const payload = {};
    Object.defineProperty(payload, 'code', {
      enumerable: true,
      get() {
        throw new Error(`cannot read the code (${token})`);
      },
    });

    const { code, description, error } = await failure(
      sendMessage({ to: 'user@example.com', type: TemplateType.SignIn, payload })
    );

    expect(code).toBe(ConnectorErrorCodes.General);
    expect(description).toBe(
      'Unexpected error in the Postmark connector: cannot read the code ([server token])'
    );
    expect(`${error.message}${error.stack}`).not.toContain(token);
    expect(seen).toHaveLength(0);
  });

  it('sends an international domain in punycode and refuses a display name', async () => {
    const { seen } = postmark([200, okAnswer]);

    await send({ to: 'joerg@bücher.de' });
    const { code } = await failure(send({ to: 'Jörg Müller <joerg@bücher.de>' }));

    expect(seen.map(({ body }) => (body as { To: string }).To)).toEqual(['joerg@xn--bcher-kva.de']);
    expect(code).toBe(ConnectorErrorCodes.InvalidRequestParameters);
  });
});

describe('errors from Postmark', () => {
  it.each([
    [
      401,
      { ErrorCode: 10, Message: 'Request does not contain a valid Server token.' },
      ConnectorErrorCodes.InvalidConfig,
      'Postmark rejected the server token: copy the Server API token from Postmark (Servers → your server → API Tokens) into "Server API token". Postmark answered HTTP 401, error 10: "Request does not contain a valid Server token."',
    ],
    [
      422,
      { ErrorCode: 10, Message: 'Bad token.' },
      ConnectorErrorCodes.InvalidConfig,
      'Postmark rejected the server token',
    ],
    [
      422,
      { ErrorCode: 400, Message: "The 'From' address you supplied is not a Sender Signature." },
      ConnectorErrorCodes.InvalidConfig,
      'Postmark will not send from no-reply@acme.com: confirm it as a Sender Signature, verify its domain, or change "Sender". Postmark answered HTTP 422, error 400:',
    ],
    [
      422,
      { ErrorCode: 401, Message: 'Sender signature not confirmed.' },
      ConnectorErrorCodes.InvalidConfig,
      'Postmark will not send from no-reply@acme.com:',
    ],
    [
      422,
      { ErrorCode: 1101, Message: 'Template not found.' },
      ConnectorErrorCodes.TemplateNotFound,
      'Postmark has no template with alias "logto-sign-in" for SignIn: create it there, or fix "Templates". Postmark answered HTTP 422, error 1101: "Template not found."',
    ],
    [
      422,
      { ErrorCode: 405, Message: 'Not allowed to send: out of credits.' },
      ConnectorErrorCodes.UsageLimitExceeded,
      'The Postmark account may not send right now: check its credits and status in Postmark. Postmark answered HTTP 422, error 405',
    ],
    [
      422,
      { ErrorCode: 412, Message: 'Account pending approval.' },
      ConnectorErrorCodes.UsageLimitExceeded,
      'error 412: "Account pending approval."',
    ],
    [
      422,
      { ErrorCode: 413, Message: 'Account may not send.' },
      ConnectorErrorCodes.UsageLimitExceeded,
      'HTTP 422, error 413',
    ],
    [
      422,
      {
        ErrorCode: 406,
        Message: 'You tried to send to a recipient that has been marked as inactive.',
      },
      ConnectorErrorCodes.General,
      "Postmark will not send to user@example.com, an inactive address: if it is valid, reactivate it under the stream's Suppressions.",
    ],
    [
      422,
      { ErrorCode: 300, Message: 'Invalid email request.' },
      ConnectorErrorCodes.General,
      'Postmark refused the email: fix what its answer names. Postmark answered HTTP 422, error 300: "Invalid email request."',
    ],
    [
      422,
      { ErrorCode: 1105, Message: 'TemplateModel is invalid.' },
      ConnectorErrorCodes.General,
      'Postmark refused the email with template alias "logto-sign-in": fix what its answer names. Postmark answered HTTP 422, error 1105',
    ],
    [
      404,
      'Not found',
      ConnectorErrorCodes.General,
      'Something other than Postmark answered: check this server\'s proxy settings for api.postmarkapp.com. The answer was HTTP 404 with "Not found", not Postmark\'s.',
    ],
  ])('maps HTTP %i %j to %s', async (status, body, expectedCode, expected) => {
    postmark([status, body]);

    const { code, description, error } = await failure(send());

    expect(code).toBe(expectedCode);
    expect(description).toContain(expected);
    if (typeof body === 'object') {
      expect(error.data).toMatchObject({
        status,
        postmarkErrorCode: body.ErrorCode,
        postmarkMessage: body.Message,
      });
    }
  });

  it('says an HTML 5xx page came from Postmark or something in between', async () => {
    postmark(
      ...Array.from(
        { length: 3 },
        () =>
          [
            502,
            '<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>',
            { 'Content-Type': 'text/html' },
          ] as [number, unknown, Record<string, string>]
      )
    );

    const { code, description } = await failure(send());

    expect(code).toBe(ConnectorErrorCodes.General);
    expect(description).toBe(
      'Postmark, or a proxy between Logto and Postmark, is having trouble: see https://status.postmarkapp.com, and try again later. After 3 attempts, the answer was HTTP 502 with "502 Bad Gateway nginx", not Postmark\'s.'
    );
  });

  it('keeps a final 429 a rate limit, naming the attempts', async () => {
    const { seen } = postmark(
      [429, { ErrorCode: 429, Message: 'Rate limit exceeded.' }],
      [429, { ErrorCode: 429, Message: 'Rate limit exceeded.' }],
      [429, { ErrorCode: 429, Message: 'Rate limit exceeded.' }]
    );

    const { code, description, error } = await failure(send());

    expect(code).toBe(ConnectorErrorCodes.RateLimitExceeded);
    expect(description).toContain('After 3 attempts, Postmark answered HTTP 429:');
    expect(error.data).toMatchObject({ attempts: 3 });
    expect(seen).toHaveLength(3);
  });

  it('says Postmark could not be reached, naming the cause', async () => {
    nock(api)
      .post('/email/withTemplate')
      .times(3)
      .replyWithError(systemError('ECONNREFUSED', 'connect ECONNREFUSED 1.2.3.4:443'));

    const { code, description } = await failure(send());

    expect(code).toBe(ConnectorErrorCodes.General);
    expect(description).toMatch(
      /^This server could not reach Postmark: check its network, DNS and proxy settings for api\.postmarkapp\.com\. After 3 attempts, the last connection failed with .*ECONNREFUSED/
    );
  });

  it('never puts the server token into an error', async () => {
    postmark([422, { ErrorCode: 300, Message: `Echo of the header: ${token}` }]);

    const { error, description } = await failure(send());

    expect(description).toContain('Echo of the header: [server token]');
    for (const text of [error.message, error.stack, JSON.stringify(error.data)]) {
      expect(text).not.toContain(token);
    }
  });
});

describe('the Console test', () => {
  const consoleTest = async (form: unknown = config) => {
    const { sendMessage } = await connector(async () => {
      throw new Error('the Console test must not read the saved configuration');
    });
    return sendMessage(
      { to: 'me@acme.com', type: TemplateType.Generic, payload: { code: '000000', locale: 'en' } },
      form
    );
  };

  const localized = {
    ...config,
    templates: [
      ...templates,
      { usageType: 'SignIn', locale: 'de', templateAlias: 'logto-sign-in-de' },
      { usageType: 'BindMfa', templateId: 77 },
    ],
  };

  it('looks up every configured template, then sends the Generic test email', async () => {
    const lookups = answer('GET', [streamFound, ...localized.templates.map(() => templateFound)]);
    const { seen } = postmark([200, okAnswer]);

    await expect(consoleTest(localized)).resolves.toEqual(okAnswer);

    expect(lookups.seen[0]?.path).toBe('/message-streams/outbound');
    expect(lookups.seen.map(({ path }) => path).sort()).toEqual(
      [
        '/message-streams/outbound',
        '/templates/77',
        '/templates/logto-forgot-password',
        '/templates/logto-generic',
        '/templates/logto-register',
        '/templates/logto-sign-in',
        '/templates/logto-sign-in-de',
      ].sort()
    );
    expect(lookups.seen[0]?.headers).toMatchObject({
      accept: 'application/json',
      'x-postmark-server-token': token,
    });
    expect(seen[0]?.body).toMatchObject({ To: 'me@acme.com', TemplateAlias: 'logto-generic' });
  });

  it('refuses an alias that Postmark would not allow, before any request', async () => {
    const odd = {
      ...config,
      templates: [...templates, { usageType: 'BindMfa', templateAlias: '..' }],
    };
    const lookups = answer('GET', [streamFound]);
    const { seen } = postmark([200, okAnswer]);

    const { code } = await failure(consoleTest(odd));

    expect(code).toBe(ConnectorErrorCodes.InvalidConfig);
    expect(lookups.seen).toHaveLength(0);
    expect(seen).toHaveLength(0);
  });

  it('names the one missing template and sends nothing', async () => {
    nock(api).get('/message-streams/outbound').reply(200, transactionalStream);
    nock(api)
      .get(/\/templates\/.*/)
      .times(6)
      .reply((path) =>
        path === '/templates/logto-sign-in-de'
          ? [422, { ErrorCode: 1101, Message: 'Template not found.' }]
          : templateFound
      );
    const { seen } = postmark([200, okAnswer]);

    const { code, description, error } = await failure(consoleTest(localized));

    expect(code).toBe(ConnectorErrorCodes.TemplateNotFound);
    expect(description).toBe(
      'Postmark has no template for SignIn (de): alias "logto-sign-in-de": create it there, or fix "Templates". Nothing was sent.'
    );
    expect(error.data).toMatchObject({
      missing: [{ usageType: 'SignIn', locale: 'de', templateAlias: 'logto-sign-in-de' }],
    });
    expect(seen).toHaveLength(0);
  });

  it('names every missing template at once', async () => {
    nock(api).get('/message-streams/outbound').reply(200, transactionalStream);
    nock(api)
      .get(/\/templates\/.*/)
      .times(6)
      .reply((path) =>
        ['/templates/logto-register', '/templates/77'].includes(path)
          ? [404, { ErrorCode: 1101, Message: 'Template not found.' }]
          : templateFound
      );
    const { seen } = postmark([200, okAnswer]);

    const { code, description } = await failure(consoleTest(localized));

    expect(code).toBe(ConnectorErrorCodes.TemplateNotFound);
    expect(description).toBe(
      'Postmark has none of 2 templates: create them there, or fix "Templates". They are Register: alias "logto-register"; BindMfa: ID 77. Nothing was sent.'
    );
    expect(seen).toHaveLength(0);
  });

  it('says when Postmark cannot be reached for the lookups, and sends nothing', async () => {
    nock(api)
      .get(/.*/)
      .times(12)
      .replyWithError(systemError('ENOTFOUND', 'getaddrinfo ENOTFOUND api.postmarkapp.com'));
    const { seen } = postmark([200, okAnswer]);

    const { code, description } = await failure(consoleTest());

    expect(code).toBe(ConnectorErrorCodes.General);
    expect(description).toMatch(
      /^This server could not reach Postmark: .*ENOTFOUND.* This came while looking up the message stream "outbound"\. Nothing was sent\.$/
    );
    expect(seen).toHaveLength(0);
  });

  it('says the token was rejected when the lookups are refused', async () => {
    const lookups = answer(
      'GET',
      templates.map(() => [401, { ErrorCode: 10, Message: 'Bad token.' }] as Reply)
    );

    const { code, description } = await failure(consoleTest());

    expect(code).toBe(ConnectorErrorCodes.InvalidConfig);
    expect(description).toMatch(
      /^Postmark rejected the server token: .+ This came while looking up the message stream "outbound"\. Nothing was sent\.$/
    );
    expect(lookups.seen).toHaveLength(1);
  });

  it("does not look up templates that Logto's custom email templates replace", async () => {
    const form = { ...config, templates: [...templates, { usageType: 'BindMfa', templateId: 77 }] };
    const lookups = answer('GET', [streamFound, ...templates.map(() => templateFound)]);
    postmark([200, okAnswer]);
    const { sendMessage } = await connector(undefined, async (type) =>
      type === TemplateType.BindMfa ? { subject: 'Code', content: '{{code}}' } : undefined
    );

    await sendMessage(
      { to: 'me@acme.com', type: TemplateType.Generic, payload: { code: '000000' } },
      form
    );

    expect(lookups.seen.map(({ path }) => path)).not.toContain('/templates/77');
    expect(lookups.seen).toHaveLength(1 + templates.length);
  });

  it('answers within 15 s when Postmark hangs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    nock(api).persist().get(/.*/).delay(60_000).reply(200, {});
    nock(api).persist().post(/.*/).delay(60_000).reply(200, okAnswer);

    const settled = consoleTest().then(
      () => 'sent',
      (error: unknown) => error
    );
    await vi.advanceTimersByTimeAsync(15_000);
    vi.useRealTimers();

    await expect(Promise.race([settled, 'still waiting'])).resolves.toBeInstanceOf(ConnectorError);
  });

  it('makes no lookups for real sends', async () => {
    const lookups = answer('GET', [[200, {}]]);
    postmark([200, okAnswer]);

    await send({ type: TemplateType.Generic });

    expect(lookups.seen).toHaveLength(0);
  });
});

describe("Logto's custom email templates", () => {
  const custom =
    (details?: EmailTemplateDetails) => async (type: TemplateType, locale?: string) => {
      expect(type).toBe(TemplateType.SignIn);
      expect(locale).toBe('fr');
      return details;
    };

  const payload = { code: '424242', locale: 'fr', application: { name: 'Acme' } };

  it('sends an HTML template through /email with every handlebar filled', async () => {
    const { seen } = postmark([200, okAnswer]);

    await send(
      { payload },
      undefined,
      custom({
        subject: 'Votre code {{code}} pour {{application.name}}',
        content: '<p>Code : <b>{{ code }}</b> {{unknown}}</p>',
        contentType: 'text/html',
      })
    );

    expect(seen[0]?.path).toBe('/email');
    expect(seen[0]?.body).toEqual({
      From: 'Acme <no-reply@acme.com>',
      To: 'user@example.com',
      Subject: 'Votre code 424242 pour Acme',
      HtmlBody: '<p>Code : <b>424242</b> {{unknown}}</p>',
      TextBody: 'Code : 424242 {{unknown}}',
      Tag: 'SignIn',
      Metadata: { usage_type: 'SignIn', locale: 'fr' },
    });
  });

  it('sends HTML when the template gives no content type', async () => {
    const { seen } = postmark([200, okAnswer]);

    await send({ payload }, undefined, custom({ subject: 'S', content: '<p>{{code}}</p>' }));

    expect(seen[0]?.body).toMatchObject({ HtmlBody: '<p>424242</p>' });
  });

  it('sends a plain-text template as TextBody', async () => {
    const { seen } = postmark([200, okAnswer]);

    await send(
      { payload },
      undefined,
      custom({ subject: 'Code', content: 'Code: {{code}}', contentType: 'text/plain' })
    );

    expect(seen[0]?.body).toMatchObject({ TextBody: 'Code: 424242' });
    expect(seen[0]?.body).not.toHaveProperty('HtmlBody');
  });

  it("puts sendFrom before the configured address and uses the template's replyTo", async () => {
    const { seen } = postmark([200, okAnswer]);
    const { sendMessage } = await connector(
      async () => ({ ...config, replyTo: 'config@acme.com' }),
      custom({
        subject: 'S',
        content: 'C',
        sendFrom: '{{application.name}} Sign-in',
        replyTo: 'help@acme.com',
      })
    );

    await sendMessage({ to: 'user@example.com', type: TemplateType.SignIn, payload });

    expect(seen[0]?.body).toMatchObject({
      From: 'Acme Sign-in <no-reply@acme.com>',
      ReplyTo: 'help@acme.com',
    });
  });

  it('quotes a sendFrom that needs it', async () => {
    const { seen } = postmark([200, okAnswer]);

    await send(
      { payload },
      undefined,
      custom({ subject: 'S', content: 'C', sendFrom: 'Acme, Inc.' })
    );

    expect(seen[0]?.body).toMatchObject({ From: '"Acme, Inc." <no-reply@acme.com>' });
  });

  it('applies the sending options to custom templates too', async () => {
    const { seen } = postmark([200, okAnswer]);
    const { sendMessage } = await connector(
      async () => ({
        ...config,
        replyTo: 'config@acme.com',
        messageStream: 'auth',
        trackOpens: false,
        trackLinks: 'None',
        tag: 'logto',
      }),
      custom({ subject: 'S', content: 'C' })
    );

    await sendMessage({ to: 'user@example.com', type: TemplateType.SignIn, payload });

    expect(seen[0]?.body).toMatchObject({
      ReplyTo: 'config@acme.com',
      MessageStream: 'auth',
      TrackOpens: false,
      TrackLinks: 'None',
      Tag: 'logto',
    });
  });

  it('sends the Postmark template when Logto has none', async () => {
    const { seen } = postmark([200, okAnswer]);

    await send({ payload }, undefined, custom());

    expect(seen[0]?.path).toBe('/email/withTemplate');
  });

  it('asks Logto for the template without a language when the locale is not text', async () => {
    postmark([200, okAnswer]);
    const lookUp = vi.fn<(type: TemplateType, locale?: string) => Promise<undefined>>();
    // Logto's payload type says text; what arrives is whatever the caller put there.
    const payload = JSON.parse('{ "code": "1", "locale": 42 }') as SendMessageData['payload'];

    await send({ payload }, undefined, lookUp);

    expect(lookUp.mock.calls).toEqual([[TemplateType.SignIn, undefined]]);
  });

  it('sends the Postmark template when the lookup throws', async () => {
    const { seen } = postmark([200, okAnswer]);

    await send({ payload }, undefined, async () => {
      throw new Error('database is down');
    });

    expect(seen[0]?.path).toBe('/email/withTemplate');
    expect(seen[0]?.body).toMatchObject({ TemplateAlias: 'logto-sign-in' });
  });
});

describe('retries', () => {
  it.each([429, 500, 502, 503, 504])('tries again after HTTP %i and resolves', async (status) => {
    const { seen } = postmark([status, { ErrorCode: 0, Message: 'Try again.' }], [200, okAnswer]);

    await expect(send()).resolves.toEqual(okAnswer);

    expect(seen).toHaveLength(2);
    expect(seen[1]?.body).toEqual(seen[0]?.body);
  });

  it('tries again after a connection reset', async () => {
    nock(api)
      .post('/email/withTemplate')
      .replyWithError(systemError('ECONNRESET', 'socket hang up'));
    const { seen } = postmark([200, okAnswer]);

    await expect(send()).resolves.toEqual(okAnswer);

    expect(seen).toHaveLength(1);
  });

  it.each([400, 401, 403, 404, 409, 413, 422])(
    'never tries again after HTTP %i',
    async (status) => {
      const { seen } = postmark([status, { ErrorCode: 300, Message: 'No.' }], [200, okAnswer]);

      await expect(send()).rejects.toBeInstanceOf(ConnectorError);

      expect(seen).toHaveLength(1);
    }
  );

  it('never sends again after a success', async () => {
    const { seen } = postmark([200, okAnswer], [200, okAnswer]);

    await send();

    expect(seen).toHaveLength(1);
  });

  it('resolves after a 200 whose body is not JSON, since Postmark accepted the email', async () => {
    const { seen } = postmark([200, '{"To": "trunc'], [200, okAnswer]);

    await expect(send()).resolves.toEqual({});

    expect(seen).toHaveLength(1);
  });

  it.each([
    ['a field of the wrong type', { ...okAnswer, MessageID: 7 }, {}],
    ['a null field', { ...okAnswer, To: null }, {}],
    ['an array', [okAnswer], {}],
    ['fields Postmark may add', { ...okAnswer, Extra: true }, { ...okAnswer, Extra: true }],
  ])('resolves after a 200 with %s with what it can vouch for', async (_, body, result) => {
    postmark([200, body]);

    await expect(send()).resolves.toEqual(result);
  });

  it('stops after three attempts', async () => {
    const { seen } = postmark(
      [503, { ErrorCode: 0, Message: 'Unavailable.' }],
      [503, { ErrorCode: 0, Message: 'Unavailable.' }],
      [503, { ErrorCode: 0, Message: 'Unavailable.' }],
      [200, okAnswer]
    );

    const { code, description } = await failure(send());

    expect(code).toBe(ConnectorErrorCodes.General);
    expect(description).toBe(
      'Postmark is having trouble: see https://status.postmarkapp.com, and try again later. After 3 attempts, Postmark answered HTTP 503: "Unavailable."'
    );
    expect(seen).toHaveLength(3);
  });
});
