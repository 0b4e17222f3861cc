/**
 * Each limit and range right at its edge, and the wording at its edge, so that moving a bound by
 * one or saying "1 attempts" is noticed.
 */
import nock from 'nock';
import { z } from 'zod';

import { ConnectorErrorCodes, TemplateType } from '@logto/connector-kit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { parseConfig } from './config.js';
import { describeFailure, invalidConfig } from './errors.js';
import createConnector from './index.js';

const api = 'https://api.postmarkapp.com';
const templates = ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({
  usageType,
  templateAlias: `logto-${usageType.toLowerCase()}`,
}));
const config = { serverToken: 'server-token', fromEmail: 'no-reply@acme.com', templates };
const context = {
  from: 'no-reply@acme.com',
  to: 'user@example.com',
  usageType: 'SignIn',
  template: 'alias "logto-sign-in"',
};

/** A valid language tag of exactly `length` characters: `de-x-` and private-use subtags. */
const languageTag = (length: number) => {
  const subtags = 'de-x'.split('-');

  let tag = subtags.join('-');
  while (tag.length < length) {
    const room = length - tag.length - 1;
    tag += `-${'a'.repeat(Math.min(8, Math.max(room, 1)))}`;
  }
  return tag;
};

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

const sendWith = async (payload: Record<string, unknown>) => {
  nock(api).post('/email/withTemplate').reply(200, { ErrorCode: 0, Message: 'OK' });
  const { sendMessage } = await createConnector({ getConfig: async () => config });
  return sendMessage({ to: 'user@example.com', type: TemplateType.SignIn, payload });
};

describe('limits at their edge', () => {
  it('builds language tags of the length asked for', () => {
    expect(languageTag(64)).toHaveLength(64);
    expect(languageTag(65)).toHaveLength(65);
    expect(Intl.getCanonicalLocales(languageTag(65))).toHaveLength(1);
  });

  it('takes a template locale of 64 characters, not 65', () => {
    const entry = (locale: string) => ({
      ...config,
      templates: [...templates, { usageType: 'SignIn', locale, templateAlias: 'a' }],
    });

    expect(() => parseConfig(entry(languageTag(64)))).not.toThrow();
    expect(() => parseConfig(entry(languageTag(65)))).toThrow(/must be a language tag/);
  });

  it('takes a locale of 64 characters in a sign-in request, not 65', async () => {
    await expect(sendWith({ code: '1', locale: languageTag(64) })).resolves.toBeDefined();
    await expect(sendWith({ code: '1', locale: languageTag(65) })).rejects.toMatchObject({
      data: { reason: 'invalid_request_parameters' },
    });
  });

  it('takes ui_locales of 512 characters, not 513', async () => {
    await expect(sendWith({ code: '1', uiLocales: 'de'.padEnd(512) })).resolves.toBeDefined();
    await expect(sendWith({ code: '1', uiLocales: 'de'.padEnd(513) })).rejects.toMatchObject({
      data: { reason: 'invalid_request_parameters' },
    });
  });

  it.each([
    [
      'a header name',
      100,
      (length: number) => ({ headers: { [`X-${'a'.repeat(length - 2)}`]: 'v' } }),
    ],
    ['a header value', 1000, (length: number) => ({ headers: { 'X-Ref': 'v'.repeat(length) } })],
    ['a metadata name', 20, (length: number) => ({ metadata: { ['m'.repeat(length)]: 'v' } })],
    ['a metadata value', 80, (length: number) => ({ metadata: { tenant: 'v'.repeat(length) } })],
  ])('takes %s of %i characters, not one more', (_, limit, change) => {
    expect(() => parseConfig({ ...config, ...change(limit) })).not.toThrow();
    expect(() => parseConfig({ ...config, ...change(limit + 1) })).toThrow(
      new RegExp(`${limit} characters`)
    );
  });
});

describe("Postmark's answers at their edge", () => {
  const http = (status: number, body: unknown, attempts = 1) =>
    describeFailure(
      {
        kind: 'http',
        status,
        body: typeof body === 'string' ? body : JSON.stringify(body),
        attempts,
      },
      context
    );

  it.each([
    [1099, false],
    [1100, true],
    [1199, true],
    [1200, false],
  ])('names the template for Postmark error %i: %s', (code, named) => {
    const { description } = http(422, { ErrorCode: code, Message: 'M.' });

    expect(description.includes('with template alias "logto-sign-in"')).toBe(named);
  });

  it.each([
    [500, 'Postmark could not take the email'],
    [503, 'Postmark could not take the email'],
    [499, 'Postmark refused the email'],
  ])("says a %i with Postmark's JSON is %j", (status, says) => {
    const { description, advice } = http(status, { ErrorCode: 0, Message: 'M.' });

    expect(description).toContain(says);
    expect(advice).toBe(status >= 500 ? 'retry' : 'site');
  });

  it.each([
    ['a bare 401', 401, '<h1>Unauthorized</h1>', 'HTTP 401'],
    [
      'ErrorCode 10 on another status',
      422,
      { ErrorCode: 10, Message: 'Bad token.' },
      'HTTP 422, Postmark error 10',
    ],
  ])('reads %s as a rejected token', (_, status, body, said) => {
    const { code, description } = http(status, body);

    expect(code).toBe(ConnectorErrorCodes.InvalidConfig);
    expect(description).toContain(`Postmark rejected the server token (${said}`);
  });
});

describe('wording at its edge', () => {
  it.each([
    { kind: 'http', status: 429, body: '{"ErrorCode":429,"Message":"Slow down."}' },
    { kind: 'http', status: 502, body: '' },
    { kind: 'network', cause: 'read ECONNRESET' },
    { kind: 'deadline', milliseconds: 8500 },
  ] as const)('never says "(after 1 attempts)" for $kind', (failure) => {
    expect(describeFailure({ ...failure, attempts: 1 }, context).description).not.toContain(
      'after'
    );
    expect(describeFailure({ ...failure, attempts: 2 }, context).description).toContain(
      ' (after 2 attempts).'
    );
  });

  const issues = (count: number) =>
    z
      .object(Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${i}`, z.string()])))
      .safeParse({}).error ?? new z.ZodError([]);

  it('names ten issues without "; and 0 more", and counts the eleventh', () => {
    const ten = invalidConfig(issues(10)).data as { errorDescription: string };
    const eleven = invalidConfig(issues(11)).data as { errorDescription: string };

    expect(ten.errorDescription).not.toContain('more');
    expect(ten.errorDescription.split('; ')).toHaveLength(10);
    expect(eleven.errorDescription).toMatch(/f9: Required; and 1 more\.$/);
  });
});
