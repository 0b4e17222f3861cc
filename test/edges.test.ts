/**
 * Each limit and range right at its edge, so that moving a bound by one is noticed. The wording
 * at its edge is tested with the module that words it (postmark-answers, config-messages).
 */
import nock from 'nock';

import { TemplateType } from '@logto/connector-kit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { parseConfig } from '../src/config/parse.js';
import createConnector from '../src/index.js';
import { mockConfig, mockTemplates, okAnswer, postmarkApi } from '../src/mock.js';

const api = postmarkApi;
const templates = mockTemplates;
const config = mockConfig;

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
  nock(api).post('/email/withTemplate').reply(200, okAnswer);
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
