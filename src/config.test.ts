import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { parseConfig, parseSavedConfig, savedConfigSlots } from './config.js';
import { defaultMetadata } from './constant.js';
import { isLanguageTag, parseMailbox, postmarkConfigGuard } from './types.js';

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

describe('parseSavedConfig', () => {
  /** A configuration no other test has parsed: the cache lives as long as the module. */
  const fresh = (name: string) => structuredClone({ ...valid, serverToken: `token-${name}` });
  const parses = () => vi.spyOn(postmarkConfigGuard, 'safeParse');

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('parses a configuration once, however many objects hold it', () => {
    const spy = parses();
    const first = parseSavedConfig(fresh('once'));

    expect(parseSavedConfig(fresh('once'))).toBe(first);
    expect(parseSavedConfig(JSON.parse(JSON.stringify(fresh('once'))))).toBe(first);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(first).toEqual(parseConfig(fresh('once')));
  });

  it('parses again as soon as anything changes, even inside the same object', () => {
    const saved = fresh('changed');
    parseSavedConfig(saved);

    saved.fromEmail = 'Other <other@example.com>';
    expect(parseSavedConfig(saved).fromEmail).toBe('Other <other@example.com>');

    saved.templates[0] = { usageType: 'Register', templateAlias: 'welcome' };
    expect(parseSavedConfig(saved).templates[0]).toEqual({
      usageType: 'Register',
      templateAlias: 'welcome',
    });
  });

  it('still rejects an invalid configuration after a valid one, each time', () => {
    parseSavedConfig(fresh('invalid'));

    for (const _ of [1, 2]) {
      expect(() => parseSavedConfig({ ...fresh('invalid'), serverToken: '' })).toThrow(
        ConnectorError
      );
    }
  });

  it('keeps only the most recently used configurations', () => {
    const spy = parses();
    const names = Array.from({ length: savedConfigSlots + 1 }, (_, index) => `bounded-${index}`);
    const first = parseSavedConfig(fresh(names[0] ?? ''));
    for (const name of names.slice(1, -1)) {
      parseSavedConfig(fresh(name));
    }

    // A hit makes the first the most recent; the next new one pushes out the second instead.
    expect(parseSavedConfig(fresh(names[0] ?? ''))).toBe(first);
    parseSavedConfig(fresh(names.at(-1) ?? ''));
    expect(spy).toHaveBeenCalledTimes(savedConfigSlots + 1);

    expect(parseSavedConfig(fresh(names[0] ?? ''))).toBe(first);
    expect(spy).toHaveBeenCalledTimes(savedConfigSlots + 1);
    parseSavedConfig(fresh(names[1] ?? ''));
    expect(spy).toHaveBeenCalledTimes(savedConfigSlots + 2);
  });

  it('parses what cannot be JSON as it is, and says what is wrong', () => {
    const cyclic: Record<string, unknown> = { ...fresh('cyclic') };
    cyclic.self = cyclic;

    expect(parseSavedConfig(cyclic).serverToken).toBe('token-cyclic');
    // eslint-disable-next-line unicorn/no-useless-undefined
    expect(() => parseSavedConfig(undefined)).toThrow(ConnectorError);
  });
});
