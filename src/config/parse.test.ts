import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { defaultMetadata } from '../constant.js';
import { mockConfig, mockTemplates } from '../mock.js';
import { postmarkConfigGuard } from '../types.js';

import { parseConfig, parseSavedConfig, savedConfigSlots } from './parse.js';

const templates = mockTemplates;

/** The shared configuration, with the token and a bare sender the assertions below spell out. */
const valid = { ...mockConfig, serverToken: 'server-token', fromEmail: 'no-reply@example.com' };

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

  it.each(['1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', 'POSTMARK_API_TEST'])(
    'takes a Postmark token such as %s',
    (serverToken) => {
      expect(parseConfig({ ...valid, serverToken }).serverToken).toBe(serverToken);
    }
  );

  it('trims the token a paste brought white space around', () => {
    expect(parseConfig({ ...valid, serverToken: '  server-token\n' }).serverToken).toBe(
      'server-token'
    );
  });

  it.each([
    [{ ...valid, serverToken: '' }, 'Server API token (serverToken): is empty'],
    [{ ...valid, serverToken: '   ' }, 'Server API token (serverToken): is empty'],
    [
      { ...valid, serverToken: 'token with spaces' },
      'Server API token (serverToken): may hold only letters, digits, - and _',
    ],
    [
      { ...valid, serverToken: 'tok"en' },
      'Server API token (serverToken): may hold only letters, digits, - and _',
    ],
    [
      { ...valid, serverToken: 'tok\\en' },
      'Server API token (serverToken): may hold only letters, digits, - and _',
    ],
    [
      { ...valid, serverToken: 'Bearer:token' },
      'Server API token (serverToken): may hold only letters, digits, - and _',
    ],
    [
      { ...valid, serverToken: 'töken' },
      'Server API token (serverToken): may hold only letters, digits, - and _',
    ],
    [
      { ...valid, serverToken: 42 },
      'Server API token (serverToken): Expected string, received number',
    ],
    [{ fromEmail: valid.fromEmail, templates }, 'Server API token (serverToken): Required'],
    [{ ...valid, fromEmail: 'not an address' }, 'Sender (fromEmail): must be one address'],
    [
      { ...valid, fromEmail: 'a@example.com, b@example.com' },
      'Sender (fromEmail): must be one address',
    ],
    [
      { ...valid, fromEmail: 'Acme <no-reply@example.com' },
      'Sender (fromEmail): must be one address',
    ],
    [
      { ...valid, templates: 'logto-generic' },
      'Templates (templates): Expected array, received string',
    ],
    [
      { ...valid, templates: templates.slice(1, 3) },
      'Templates (templates): add an entry without locale for Register, Generic',
    ],
    [
      {
        ...valid,
        templates: [...templates, { usageType: 'SignIn', templateAlias: 'again' }],
      },
      'Templates (templates): each usage type may appear once per locale; remove the repeated SignIn',
    ],
    [
      {
        ...valid,
        templates: [...templates, { usageType: 'Test', templateAlias: 'logto-test' }],
      },
      "Templates (templates[4].usageType): Invalid enum value. Expected 'SignIn' | 'Register'",
    ],
    [
      {
        ...valid,
        templates: [...templates, { usageType: 'BindMfa', templateAlias: '' }],
      },
      'Templates (templates[4]): give either templateAlias',
    ],
    [
      { ...valid, templates: [...templates, { usageType: 'BindMfa' }] },
      'Templates (templates[4]): give either templateAlias',
    ],
    [
      {
        ...valid,
        templates: [...templates, { usageType: 'BindMfa', templateAlias: 'a', templateId: 4 }],
      },
      'Templates (templates[4]): give either templateAlias (the template alias in Postmark) or templateId, not both',
    ],
    [
      {
        ...valid,
        templates: [...templates, { usageType: 'BindMfa', templateId: -3 }],
      },
      'Templates (templates[4].templateId): Number must be greater than 0',
    ],
    [
      {
        ...valid,
        templates: [...templates, { usageType: 'SignIn', templateAlias: 'x', locale: 'not a tag' }],
      },
      'Templates (templates[4].locale): must be a language tag',
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
      'Templates (templates): each usage type may appear once per locale; remove the repeated SignIn (locale DE)',
    ],
    [{ ...valid, replyTo: 'nobody' }, 'Reply-To (replyTo): is not an address: give one address'],
    [
      { ...valid, replyTo: 'help@example.com, Sales' },
      'Reply-To (replyTo): has an entry 2 of 2 that is not an address: give one address or a list of at most 50',
    ],
    [
      { ...valid, trackLinks: 'Always' },
      "Link tracking (trackLinks): Invalid enum value. Expected 'ServerSetting' | 'None' | 'HtmlAndText'",
    ],
    [
      { ...valid, trackOpens: 'yes' },
      'Open tracking (trackOpens): must be ServerSetting, On, Off, true or false',
    ],
    [
      { ...valid, templateModel: [1, 2] },
      'Fixed template values (templateModel): must be a JSON object',
    ],
    [
      { ...valid, tag: 'x'.repeat(1001) },
      'Tag (tag): String must contain at most 1000 character(s)',
    ],
    [
      undefined,
      'The configuration is missing: it must be an object with serverToken, fromEmail and templates',
    ],
    ['{}', 'The configuration must be an object with serverToken, fromEmail and templates'],
  ])('rejects %j, naming the field and the reason', (input, expected) => {
    const description = descriptionOf(input);
    // What to fix comes first: the field, by label and key, or the shape the whole must have.
    const field = /^(?<label>[^(:]+) \((?<key>\w+)[).[]/.exec(expected)?.groups;
    expect(description).toMatch(
      field
        ? `Correct "${field.label}" (${field.key}) in the connector's settings. `
        : /^The configuration (?:is missing: it )?must be an object/
    );
    expect(description.indexOf('. ')).toBeLessThanOrEqual(160);
    expect(description).toContain(expected);
  });

  it('lists every wrong field at once', () => {
    const description = descriptionOf({
      serverToken: '',
      fromEmail: 'x',
      templates: [],
    });
    expect(description).toContain('Server API token (serverToken):');
    expect(description).toContain('Sender (fromEmail):');
    expect(description).toContain('Templates (templates):');
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

  it('keeps a Reply-To list as Postmark should receive it', () => {
    expect(
      parseConfig({ ...valid, replyTo: 'Acme, Support <help@example.com>,sales@example.com' })
        .replyTo
    ).toBe('"Acme, Support" <help@example.com>, sales@example.com');
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

describe('tracking choices', () => {
  it.each([
    [{ trackOpens: 'On' }, { trackOpens: true }],
    [{ trackOpens: 'Off' }, { trackOpens: false }],
    [{ trackOpens: 'ServerSetting' }, {}],
    [{ trackOpens: true }, { trackOpens: true }],
    [{ trackOpens: false }, { trackOpens: false }],
    [{ trackLinks: 'ServerSetting' }, {}],
    [{ trackLinks: 'None' }, { trackLinks: 'None' }],
  ])('reads the Console choice %j as %j', (choice, expected) => {
    expect(parseConfig({ ...valid, ...choice })).toEqual({ ...valid, ...expected });
  });
});

describe('metadata', () => {
  it('keeps fixed entries of text', () => {
    expect(parseConfig({ ...valid, metadata: { tenant: 'acme', region: 'eu' } }).metadata).toEqual({
      tenant: 'acme',
      region: 'eu',
    });
  });

  it.each([
    [
      { ['x'.repeat(21)]: 'a' },
      `Postmark metadata (metadata.${'x'.repeat(21)}): needs a name of 1 to 20 characters`,
    ],
    [{ '': 'a' }, 'Postmark metadata (metadata.): needs a name of 1 to 20'],
    [
      { tenant: 'x'.repeat(81) },
      'Postmark metadata (metadata.tenant): must be text of at most 80 characters',
    ],
    [{ tenant: 42 }, 'Postmark metadata (metadata.tenant): must be text'],
    [
      { usage_type: 'mine' },
      'Postmark metadata (metadata.usage_type): is set by the connector on every email',
    ],
    [{ Client_IP: 'mine' }, 'Postmark metadata (metadata.Client_IP): is set by the connector'],
    [
      { tenant: 'a', Tenant: 'b' },
      'Postmark metadata (metadata.Tenant): repeats a name that differs only in case',
    ],
    [
      Object.fromEntries(Array.from({ length: 8 }, (_, index) => [`k${index}`, 'v'])),
      'Postmark metadata (metadata): may have at most 7 entries',
    ],
    [['tenant', 'acme'], 'Postmark metadata (metadata): must be a JSON object'],
  ])('refuses %j, naming the entry', (metadata, expected) => {
    expect(descriptionOf({ ...valid, metadata })).toContain(expected);
  });

  it.each(['usage_type', 'locale', 'client_ip', 'Usage_Type', 'Locale', 'CLIENT_IP'])(
    'refuses %s, a name the connector sets',
    (name) => {
      expect(descriptionOf({ ...valid, metadata: { [name]: 'mine' } })).toBe(
        `Correct "Postmark metadata" (metadata) in the connector's settings. Postmark metadata (metadata.${name}): is set by the connector on every email; choose another name.`
      );
    }
  );
});

describe('headers', () => {
  it('keeps valid headers', () => {
    const headers = { 'X-Entity-Ref-ID': 'logto', 'List-Unsubscribe': '<mailto:u@acme.com>' };
    expect(parseConfig({ ...valid, headers }).headers).toEqual(headers);
  });

  it.each([
    [{ 'Bad Name': 'x' }, 'Custom headers (headers.Bad Name): is not a header name'],
    [{ 'X-Ünicode': 'x' }, 'Custom headers (headers.X-Ünicode): is not a header name'],
    [{ ['X-' + 'a'.repeat(99)]: 'x' }, 'is not a header name'],
    [
      { From: 'x@evil.example' },
      'Custom headers (headers.From): is set by the connector or by Postmark',
    ],
    [
      { 'reply-to': 'x@evil.example' },
      'Custom headers (headers.reply-to): is set by the connector',
    ],
    [{ BCC: 'x@evil.example' }, 'Custom headers (headers.BCC): is set by the connector'],
    [
      { 'Content-Type': 'text/html' },
      'Custom headers (headers.Content-Type): is set by the connector',
    ],
    [{ 'X-PM-Tag': 'x' }, 'Custom headers (headers.X-PM-Tag): is set by the connector'],
    [
      { 'X-Ref': 'a\r\nBcc: x@evil.example' },
      'Custom headers (headers.X-Ref): must be one line of at most 1000 characters',
    ],
    [{ 'X-Ref': 'x'.repeat(1001) }, 'Custom headers (headers.X-Ref): must be one line'],
    [{ 'X-Ref': 7 }, 'Custom headers (headers.X-Ref): must have a text value'],
    [
      Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`X-H${index}`, 'v'])),
      'Custom headers (headers): may have at most 50 entries',
    ],
  ])('refuses %j, naming the header', (headers, expected) => {
    expect(descriptionOf({ ...valid, headers })).toContain(expected);
  });
});

describe('limits', () => {
  it('refuses more template entries than any real configuration has, without reading them', () => {
    const many = Array.from({ length: 100_000 }, () => ({
      usageType: 'SignIn',
      templateAlias: 'a',
    }));
    expect(descriptionOf({ ...valid, templates: many })).toContain(
      'Templates (templates): may have at most 200 entries'
    );
  });

  it('accepts 200 entries', () => {
    const locales = Array.from({ length: 196 }, (_, index) => ({
      usageType: 'SignIn',
      locale: `de-x-t${index}`,
      templateAlias: `a${index}`,
    }));
    expect(parseConfig({ ...valid, templates: [...templates, ...locales] }).templates).toHaveLength(
      200
    );
  });

  it.each([
    [
      'a token longer than any Postmark token',
      { serverToken: 'a'.repeat(257) },
      'is longer than any Postmark token',
    ],
    [
      'a long alias',
      { templates: [...templates, { usageType: 'BindMfa', templateAlias: 'a'.repeat(257) }] },
      'templates[4].templateAlias): String must contain at most 256',
    ],
    [
      'a long locale',
      {
        templates: [
          ...templates,
          { usageType: 'SignIn', locale: `de-${'a'.repeat(70)}`, templateAlias: 'a' },
        ],
      },
      'must be a language tag',
    ],
    [
      'a long message stream',
      { messageStream: 's'.repeat(257) },
      'Message stream (messageStream): String must contain at most 256',
    ],
  ])('refuses %s', (_, change, expected) => {
    expect(descriptionOf({ ...valid, ...change })).toContain(expected);
  });
});

it('names the first ten wrong fields and counts the rest', () => {
  const wrong = Array.from({ length: 25 }, () => ({ usageType: 'Nope', templateAlias: 'a' }));
  const description = descriptionOf({ ...valid, templates: [...templates, ...wrong] });

  expect(description.match(/Invalid enum value/g)).toHaveLength(10);
  expect(description).toMatch(/; and 15 more\.$/);
});

describe('limits at their edge', () => {
  const entries = (count: number, value = 'v') =>
    Object.fromEntries(Array.from({ length: count }, (_, index) => [`X-H${index}`, value]));

  it('accepts 7 metadata entries, names of 20 and values of 80 characters', () => {
    const metadata = { ...entries(6), ['n'.repeat(20)]: 'v'.repeat(80) };
    expect(parseConfig({ ...valid, metadata }).metadata).toEqual(metadata);
  });

  it('accepts 50 headers, names of 100 and values of 1000 characters', () => {
    const headers = { ...entries(49), ['X-' + 'a'.repeat(98)]: 'v'.repeat(1000) };
    expect(parseConfig({ ...valid, headers }).headers).toEqual(headers);
  });

  it('reads no entry of an object with too many', () => {
    const metadata = { ...entries(7), ['n'.repeat(21)]: 42 };
    const description = descriptionOf({ ...valid, metadata });

    expect(description).toContain('Postmark metadata (metadata): may have at most 7 entries');
    expect(description).not.toContain('needs a name');
  });
});

describe('what a paste brings around a value', () => {
  it('trims the sender, the stream, the tag, an alias and a locale', () => {
    const parsed = parseConfig({
      ...valid,
      fromEmail: 'no-reply@example.com\n',
      messageStream: ' outbound\t',
      tag: ' logto ',
      templates: [
        ...templates,
        { usageType: 'SignIn', locale: ' de ', templateAlias: ' logto-sign-in-de\n' },
      ],
    });

    expect(parsed).toMatchObject({
      fromEmail: 'no-reply@example.com',
      messageStream: 'outbound',
      tag: 'logto',
    });
    expect(parsed.templates.at(-1)).toEqual({
      usageType: 'SignIn',
      locale: 'de',
      templateAlias: 'logto-sign-in-de',
    });
  });
});

describe('the words of a refusal', () => {
  it.each([
    ['1logto', 'starts with a digit'],
    ['logto sign-in', 'has a space inside'],
    ['logto/sign-in', 'has a slash'],
  ])('refuses the alias %j (%s) with Postmark’s rule', (templateAlias) => {
    const description = descriptionOf({
      ...valid,
      templates: [...templates, { usageType: 'BindMfa', templateAlias }],
    });

    expect(description).toContain(
      'Templates (templates[4].templateAlias): must be a Postmark alias: letters, digits, ".", "-" and "_", starting with a letter'
    );
  });

  it('names every repeated slot', () => {
    const again = [
      { usageType: 'SignIn', templateAlias: 'again' },
      { usageType: 'Generic', templateAlias: 'again' },
    ];

    expect(descriptionOf({ ...valid, templates: [...templates, ...again] })).toContain(
      'remove the repeated SignIn, Generic'
    );
  });

  it.each([
    [
      'metadata',
      'Postmark metadata (metadata): must be a JSON object, such as { "tenant": "acme" }',
    ],
    [
      'headers',
      'Custom headers (headers): must be a JSON object, such as { "List-Unsubscribe": "<mailto:unsubscribe@acme.com>" }',
    ],
    [
      'templateModel',
      'Fixed template values (templateModel): must be a JSON object, such as { "product_name": "Acme" }',
    ],
  ])('shows an example of %s', (key, expected) => {
    expect(descriptionOf({ ...valid, [key]: ['a'] })).toContain(expected);
  });

  it.each(['X-Mail-To', 'Toolbar-Id', 'X-Sender-Id', 'Contents'])(
    'takes %s, which only contains a reserved name',
    (name) => {
      expect(parseConfig({ ...valid, headers: { [name]: 'v' } }).headers).toEqual({ [name]: 'v' });
    }
  );
});
