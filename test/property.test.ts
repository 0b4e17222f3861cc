/**
 * Bad input of every shape: the connector only ever throws a ConnectorError, sends nothing when the
 * input is invalid, and never lets the server token out of api.postmarkapp.com.
 */
import nock from 'nock';

import { ConnectorError, ConnectorErrorCodes, TemplateType } from '@logto/connector-kit';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import createConnector from '../src/index.js';
import {
  lowercaseAlias,
  okAnswer,
  postmarkApi,
  requiredTemplates,
  transactionalStream,
} from '../src/mock.js';

const api = postmarkApi;
const hex = fc.constantFrom(...'0123456789abcdef');
const token = fc.string({ unit: hex, minLength: 24, maxLength: 40 });

type Seen = { origin: string; path: string; token: unknown };
const seen: Seen[] = [];
const strays: string[] = [];

const recordStray = (request: { options?: { host?: string }; path?: string; href?: string }) => {
  strays.push(request.href ?? `${request.options?.host ?? '?'}${request.path ?? ''}`);
};

beforeAll(() => {
  nock.disableNetConnect();
  nock.emitter.on('no match', recordStray);
});

afterAll(() => {
  nock.emitter.off('no match', recordStray);
});

afterEach(() => {
  nock.cleanAll();
  seen.length = 0;
  strays.length = 0;
});

/** Api.postmarkapp.com, accepting everything, recording each request. */
const acceptAll = () =>
  nock(api)
    .persist()
    .intercept(() => true, 'POST')
    .reply(function (path) {
      seen.push({ origin: api, path, token: this.req.headers['x-postmark-server-token'] });
      return [200, okAnswer];
    })
    .intercept(() => true, 'GET')
    .reply(function (path) {
      seen.push({ origin: api, path, token: this.req.headers['x-postmark-server-token'] });
      return path.startsWith('/message-streams/')
        ? [200, transactionalStream]
        : [200, { Subject: 'Code', HtmlBody: '{{code}}' }];
    });

const templateTypes = Object.values(TemplateType);

const required = requiredTemplates(lowercaseAlias);

/** A long run of one character the address and tag checks care about, behind a plausible start. */
const long = fc
  .tuple(
    fc.constantFrom('', 'a@', 'a@b.', 'Name <', '"'),
    fc.constantFrom('.', '<', '"', 'a', ' ', '@', '-', '\\'),
    fc.integer({ min: 300, max: 200_000 })
  )
  .map(([start, character, length]) => start + character.repeat(length));

/** Usually a plausible value, now and then anything at all, or something long and hostile. */
const maybe = <T>(plausible: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 40, arbitrary: plausible },
    { weight: 1, arbitrary: fc.anything() },
    { weight: 1, arbitrary: long }
  );

/** An address of the kind people sign up with, in the characters Postmark takes (support article 1180). */
const plainAddress = fc
  .tuple(fc.stringMatching(/^[\da-z]+(?:[+._-][\da-z]+){0,3}$/), fc.domain())
  .map(([local, domain]) => `${local}@${domain}`);

const locale = fc.constantFrom('de', 'pt-BR', 'zh-Hant', 'en-US', 'fr');

const validEntry = fc.record(
  {
    usageType: fc.constantFrom(...templateTypes),
    templateAlias: fc.stringMatching(/^[A-Za-z][\w.-]{0,29}$/),
    locale,
  },
  { requiredKeys: ['usageType', 'templateAlias'] }
);

const anyEntry = fc.record(
  {
    usageType: fc.oneof(fc.constantFrom(...templateTypes), fc.string()),
    templateAlias: fc.oneof(fc.anything(), long),
    templateId: fc.anything(),
    locale: fc.oneof(locale, fc.string(), long),
  },
  { requiredKeys: [] }
);

const templates = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .uniqueArray(validEntry, {
        maxLength: 6,
        selector: (entry) => `${entry.usageType}|${entry.locale ?? ''}`,
      })
      .map((extra) => [
        ...required,
        ...extra.filter(
          (entry) =>
            entry.locale ?? !required.some(({ usageType }) => usageType === entry.usageType)
        ),
      ]),
  },
  { weight: 1, arbitrary: fc.array(anyEntry, { maxLength: 6 }) },
  { weight: 1, arbitrary: fc.anything() }
);

const config = (serverToken: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.anything() },
    {
      weight: 12,
      arbitrary: fc.record(
        {
          serverToken,
          fromEmail: maybe(
            fc.oneof(fc.emailAddress(), plainAddress, fc.constant('Acme <no-reply@acme.com>'))
          ),
          templates,
          messageStream: maybe(fc.stringMatching(/^[a-z-]{1,20}$/)),
          replyTo: maybe(fc.emailAddress()),
          trackOpens: maybe(fc.constantFrom(true, false, 'ServerSetting', 'On', 'Off')),
          trackLinks: maybe(
            fc.constantFrom('ServerSetting', 'None', 'HtmlAndText', 'HtmlOnly', 'TextOnly')
          ),
          tag: maybe(fc.string({ maxLength: 50 })),
          templateModel: maybe(fc.dictionary(fc.string(), fc.jsonValue())),
          metadata: maybe(
            fc.dictionary(fc.stringMatching(/^[a-z]{1,20}$/), fc.string({ maxLength: 80 }), {
              maxKeys: 5,
            })
          ),
          headers: maybe(
            fc.dictionary(
              fc.constantFrom('X-Entity-Ref-ID', 'List-Id', 'X-Campaign'),
              fc.stringMatching(/^[\w ]{0,40}$/)
            )
          ),
          recordClientIp: maybe(fc.boolean()),
        },
        { requiredKeys: ['serverToken', 'fromEmail', 'templates'] }
      ),
    }
  );

const payload = fc.oneof(
  { weight: 1, arbitrary: fc.anything() },
  {
    weight: 12,
    arbitrary: fc.record(
      {
        code: maybe(fc.string()),
        link: maybe(fc.webUrl()),
        locale: maybe(fc.oneof(fc.constantFrom('de', 'de-CH', 'pt-BR'), fc.string())),
        uiLocales: maybe(fc.string()),
        organization: fc.object(),
        unicode: fc.string({ unit: 'binary', maxLength: 2000 }),
      },
      { requiredKeys: [] }
    ),
  }
);

const data = fc.oneof(
  { weight: 1, arbitrary: fc.anything() },
  {
    weight: 12,
    arbitrary: fc.record(
      {
        to: maybe(
          fc.oneof(
            { weight: 3, arbitrary: plainAddress },
            { weight: 1, arbitrary: fc.emailAddress() },
            { weight: 1, arbitrary: fc.constant('a@b.com, c@d.com') },
            { weight: 1, arbitrary: fc.string() }
          )
        ),
        type: maybe(fc.constantFrom(...templateTypes)),
        payload,
        ip: maybe(fc.oneof(fc.ipV4(), fc.ipV6())),
      },
      { requiredKeys: ['to', 'type', 'payload'] }
    ),
  }
);

const invalidInput = new Set<string>([
  ConnectorErrorCodes.InvalidConfig,
  ConnectorErrorCodes.InvalidRequestParameters,
]);

describe('any input', () => {
  it('ends in a result or a ConnectorError, with no request for invalid input and no token in errors', async () => {
    acceptAll();
    const log = vi.spyOn(console, 'log');
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');

    const tally = { sent: 0, refused: 0, failed: 0 };
    const secretAndConfig = token.chain((secret) =>
      fc.tuple(fc.constant(secret), config(fc.constant(secret)))
    );

    await fc.assert(
      fc.asyncProperty(
        secretAndConfig,
        data,
        fc.boolean(),
        async ([secret, input], message, isConsoleTest) => {
          seen.length = 0;
          const { sendMessage } = await createConnector({ getConfig: async () => input });
          const outcome = await sendMessage(
            message as Parameters<typeof sendMessage>[0],
            isConsoleTest ? input : undefined
          ).then(
            () => 'sent',
            (error: unknown) => error
          );

          if (outcome === 'sent') {
            tally.sent += 1;
            expect(seen.length).toBeGreaterThan(0);
            return;
          }

          expect(outcome).toBeInstanceOf(ConnectorError);
          const { code, data: errorData, message: text, stack } = outcome as ConnectorError;
          // What the connector decided; a real send shows Logto a general error for most of them.
          const { reason = code } = errorData as { reason?: string };
          if (invalidInput.has(reason)) {
            tally.refused += 1;
            expect(seen).toEqual([]);
          } else {
            tally.failed += 1;
          }
          expect(`${text}\n${stack}\n${JSON.stringify(errorData)}`).not.toContain(secret);
        }
      ),
      { numRuns: 400 }
    );

    console.info(`property runs: ${JSON.stringify(tally)}`);
    // Both sides of the property were exercised, not only the refusals.
    expect(tally.sent).toBeGreaterThan(10);
    expect(tally.refused).toBeGreaterThan(10);
    expect(strays).toEqual([]);
    for (const spy of [log, warn, error]) {
      expect(spy).not.toHaveBeenCalled();
    }
  }, 60_000);

  it('sends the token only to https://api.postmarkapp.com, whatever the form says', async () => {
    acceptAll();
    const secret = 'f00dfeedf00dfeedf00dfeed';
    const hostile = {
      serverToken: secret,
      fromEmail: 'no-reply@acme.com',
      templates: [
        ...required,
        { usageType: 'BindMfa', templateAlias: '//evil.example/x' },
        { usageType: 'MfaVerification', templateAlias: '@evil.example' },
        { usageType: 'SignIn', locale: 'de', templateAlias: '../../../evil' },
        { usageType: 'SignIn', locale: 'fr', templateAlias: 'https://evil.example/' },
      ],
      messageStream: 'https://evil.example',
      apiUrl: 'https://evil.example',
      baseUrl: 'https://evil.example',
      endpoint: 'https://evil.example',
      prefixUrl: 'https://evil.example',
      host: 'evil.example',
      url: 'https://evil.example',
    };
    const { sendMessage } = await createConnector({ getConfig: async () => hostile });

    // An alias that is no Postmark alias never reaches a request path.
    await expect(
      sendMessage({ to: 'user@example.com', type: TemplateType.BindMfa, payload: {} }, hostile)
    ).rejects.toMatchObject({ data: { reason: ConnectorErrorCodes.InvalidConfig } });
    expect(seen).toEqual([]);

    const withAliases = { ...hostile, templates: required };
    await sendMessage(
      { to: 'user@example.com', type: TemplateType.Generic, payload: { code: '1' } },
      withAliases
    ).catch(() => 'the stream check may fail; only where requests go matters');

    expect(strays).toEqual([]);
    expect(seen.length).toBeGreaterThan(0);
    for (const request of seen) {
      expect(request.origin).toBe(api);
      expect(request.token).toBe(secret);
    }
    expect(seen.map(({ path }) => path)).toContain('/message-streams/https%3A%2F%2Fevil.example');
  });
});
