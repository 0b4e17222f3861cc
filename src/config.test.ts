import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';

import { createConfigCache, parseConfig } from './config.js';
import { defaultMetadata } from './constant.js';
import { isLanguageTag, parseMailbox } from './types.js';

const templates = [
  { usageType: 'Register', templateAlias: 'logto-register' },
  { usageType: 'SignIn', templateAlias: 'logto-sign-in' },
  { usageType: 'ForgotPassword', templateAlias: 'logto-forgot-password' },
  { usageType: 'Generic', templateAlias: 'logto-generic' },
];

const valid = {
  serverToken: 'server-token',
  fromEmail: 'no-reply@example.com',
  templates,
};

const descriptionOf = (input: unknown) => {
  try {
    parseConfig(input);
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(ConnectorError);
    const { code, data } = error as ConnectorError;
    expect(code).toBe(ConnectorErrorCodes.InvalidConfig);
    return (data as { errorDescription: string }).errorDescription;
  }
  throw new Error('the configuration was accepted');
};

describe('parseConfig', () => {
  it('accepts the official connector configuration as it is', () => {
    expect(parseConfig(valid)).toEqual(valid);
  });

  it('accepts the default template map of the Console form', () => {
    const formItem = defaultMetadata.formItems?.find(({ key }) => key === 'templates');
    expect(parseConfig({ ...valid, templates: formItem?.defaultValue }).templates).toHaveLength(9);
  });

  it('ignores keys it does not know, as the official connector does', () => {
    expect(parseConfig({ ...valid, legacy: true })).toEqual(valid);
  });

  it('trims the token a paste brought white space around', () => {
    expect(parseConfig({ ...valid, serverToken: '  server-token\n' }).serverToken).toBe(
      'server-token'
    );
  });

  it.each([
    [{ ...valid, serverToken: '' }, 'serverToken: is empty'],
    [{ ...valid, serverToken: '   ' }, 'serverToken: is empty'],
    [{ ...valid, serverToken: 'token with spaces' }, 'serverToken: has spaces'],
    [{ ...valid, serverToken: 42 }, 'serverToken: Expected string, received number'],
    [{ fromEmail: valid.fromEmail, templates }, 'serverToken: Required'],
    [{ ...valid, fromEmail: 'not an address' }, 'fromEmail: must be one address'],
    [{ ...valid, fromEmail: 'a@example.com, b@example.com' }, 'fromEmail: must be one address'],
    [{ ...valid, fromEmail: 'Acme <no-reply@example.com' }, 'fromEmail: must be one address'],
    [{ ...valid, templates: 'logto-generic' }, 'templates: Expected array, received string'],
    [
      { ...valid, templates: templates.slice(1, 3) },
      'templates: add an entry without locale for Register, Generic',
    ],
    [
      {
        ...valid,
        templates: [...templates, { usageType: 'SignIn', templateAlias: 'again' }],
      },
      'remove the repeated SignIn',
    ],
    [
      {
        ...valid,
        templates: [...templates, { usageType: 'Test', templateAlias: 'logto-test' }],
      },
      "templates[4].usageType: Invalid enum value. Expected 'SignIn' | 'Register'",
    ],
    [
      {
        ...valid,
        templates: [...templates, { usageType: 'BindMfa', templateAlias: '' }],
      },
      'templates[4]: give either templateAlias',
    ],
    [
      { ...valid, templates: [...templates, { usageType: 'BindMfa' }] },
      'templates[4]: give either templateAlias',
    ],
    [
      {
        ...valid,
        templates: [...templates, { usageType: 'BindMfa', templateAlias: 'a', templateId: 4 }],
      },
      'templates[4]: give either templateAlias (the template alias in Postmark) or templateId, not both',
    ],
    [
      {
        ...valid,
        templates: [...templates, { usageType: 'BindMfa', templateId: -3 }],
      },
      'templates[4].templateId: Number must be greater than 0',
    ],
    [
      {
        ...valid,
        templates: [...templates, { usageType: 'SignIn', templateAlias: 'x', locale: 'not a tag' }],
      },
      'templates[4].locale: must be a language tag',
    ],
    [
      {
        ...valid,
        templates: [
          ...templates,
          { usageType: 'SignIn', locale: 'de', templateAlias: 'a' },
          { usageType: 'SignIn', locale: 'DE', templateAlias: 'b' },
        ],
      },
      'remove the repeated SignIn (locale DE)',
    ],
    [{ ...valid, replyTo: 'nobody' }, 'replyTo: must be one address'],
    [
      { ...valid, trackLinks: 'Always' },
      "trackLinks: Invalid enum value. Expected 'None' | 'HtmlAndText'",
    ],
    [{ ...valid, trackOpens: 'yes' }, 'trackOpens: Expected boolean, received string'],
    [{ ...valid, templateModel: [1, 2] }, 'templateModel: must be a JSON object'],
    [{ ...valid, tag: 'x'.repeat(1001) }, 'tag: String must contain at most 1000 character(s)'],
    [
      undefined,
      'The configuration is missing: it must be an object with serverToken, fromEmail and templates',
    ],
    ['{}', 'The configuration must be an object with serverToken, fromEmail and templates'],
  ])('rejects %j, naming the field and the reason', (input, expected) => {
    const description = descriptionOf(input);
    expect(description).toMatch(/^The Postmark connector's configuration is invalid\. /);
    expect(description).toContain(expected);
  });

  it('lists every wrong field at once', () => {
    const description = descriptionOf({
      serverToken: '',
      fromEmail: 'x',
      templates: [],
    });
    expect(description).toContain('serverToken:');
    expect(description).toContain('fromEmail:');
    expect(description).toContain('templates:');
  });

  it('reads an emptied optional field in the Console as not set', () => {
    const config = parseConfig({
      ...valid,
      messageStream: '',
      replyTo: '  ',
      tag: null,
      trackLinks: '',
      trackOpens: null,
      templateModel: null,
    });
    expect(config).toEqual(valid);
  });

  it('keeps every sending option it is given', () => {
    const options = {
      messageStream: 'logto',
      replyTo: 'Support <help@example.com>',
      trackOpens: false,
      trackLinks: 'HtmlOnly',
      tag: 'auth',
      templateModel: { product_name: 'Acme', nested: { a: 1 } },
    };
    expect(parseConfig({ ...valid, ...options })).toEqual({
      ...valid,
      ...options,
    });
  });
});

describe('parseMailbox', () => {
  it.each([
    ['no-reply@example.com', { address: 'no-reply@example.com' }],
    ['Acme <no-reply@example.com>', { name: 'Acme', address: 'no-reply@example.com' }],
    [
      '"Acme, Inc." <no-reply@example.com>',
      { name: '"Acme, Inc."', address: 'no-reply@example.com' },
    ],
    ['<no-reply@example.com>', { address: 'no-reply@example.com' }],
    ['José <josé@bücher.de>', { name: 'José', address: 'josé@bücher.de' }],
    ['用户@例子.广告', { address: '用户@例子.广告' }],
    ['first.last+tag@sub.example.co.uk', { address: 'first.last+tag@sub.example.co.uk' }],
  ])('reads %s', (value, expected) => {
    expect(parseMailbox(value)).toEqual(expected);
  });

  it.each([
    '',
    'plain',
    'a@b',
    'a@@b.com',
    'a b@c.com',
    'a@b.com, c@d.com',
    'a@b.com; c@d.com',
    'a@b.com\r\nBcc: c@d.com',
    'Name <a@b.com>\n',
    'Name <a@b.com> trailing',
    'Name <>',
  ])('rejects %j', (value) => {
    expect(parseMailbox(value)).toBeUndefined();
  });
});

describe('isLanguageTag', () => {
  it.each(['de', 'pt-BR', 'zh-Hant-TW', 'en-US', 'es-419'])('accepts %s', (tag) => {
    expect(isLanguageTag(tag)).toBe(true);
  });

  it.each(['', 'english language', 'de_DE', '123', 'x'])('rejects %j', (tag) => {
    expect(isLanguageTag(tag)).toBe(false);
  });
});

describe('createConfigCache', () => {
  it('parses a configuration once while it stays the same', () => {
    const parse = createConfigCache();
    const first = parse(valid);

    expect(parse(valid)).toBe(first);
    expect(parse(structuredClone(valid))).toBe(first);
  });

  it('parses again as soon as anything changes, even inside the same object', () => {
    const parse = createConfigCache();
    const saved = structuredClone(valid);
    parse(saved);

    saved.fromEmail = 'Other <other@example.com>';

    expect(parse(saved).fromEmail).toBe('Other <other@example.com>');
  });

  it('still rejects an invalid configuration after a valid one', () => {
    const parse = createConfigCache();
    parse(valid);

    expect(() => parse({ ...valid, serverToken: '' })).toThrow(ConnectorError);
  });
});
