/**
 * Addresses as people write them, taken from bug reports against Postmark libraries and Logto's
 * email connectors, sent through the connector to a stand-in for Postmark. Each row says exactly
 * what Postmark receives, or that nothing is sent and why. An independent RFC 5322 parser reads
 * every accepted field the way Postmark does: `To` is one address, `From` one mailbox with the
 * intended name, `ReplyTo` one mailbox or a list of them, each with the intended name.
 */
import nock from 'nock';

import { ConnectorError, ConnectorErrorCodes, TemplateType } from '@logto/connector-kit';
import emailAddresses from 'email-addresses';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { userMessage } from '../src/errors/readers.js';
import createConnector from '../src/index.js';
import { mockConfig, okAnswer, postmarkApi } from '../src/mock.js';

const api = postmarkApi;
const config = mockConfig;
const payload = { code: '123456', application: { name: 'Acme, Inc' } };

type Field = 'to' | 'fromEmail' | 'replyTo' | 'sendFrom' | 'templateReplyTo';
/**
 * What Postmark receives in the field's header, and the display name it must read there; for a
 * list, the name and address of each mailbox in it.
 */
type Sent = { sent: string; name?: string; list?: Array<[name: string | null, address: string]> };
type Refused = { refused: ConnectorErrorCodes };
type Row = [Field, string, Sent | Refused];

const refusedRecipient = { refused: ConnectorErrorCodes.InvalidRequestParameters };
const refusedConfig = { refused: ConnectorErrorCodes.InvalidConfig };

const rows: Row[] = [
  ['to', 'user@example.com', { sent: 'user@example.com' }],
  ['to', '  user@example.com  ', { sent: 'user@example.com' }],
  ['to', 'User.Name+tag@Example.COM', { sent: 'User.Name+tag@example.com' }],
  ['to', "o'brien@example.com", { sent: "o'brien@example.com" }],
  ['to', 'user@bücher.example', { sent: 'user@xn--bcher-kva.example' }],
  ['to', 'user@BÜCHER.example', { sent: 'user@xn--bcher-kva.example' }],
  ['to', 'user@例子.广告', { sent: 'user@xn--fsqu00a.xn--4rr70v' }],
  ['to', 'user@xn--bcher-kva.example', { sent: 'user@xn--bcher-kva.example' }],
  // A Cyrillic "а" makes a real, different IDN domain: it goes out as that domain, in punycode.
  ['to', 'user@exаmple.com', { sent: 'user@xn--exmple-4nf.com' }],
  ['to', 'a@x.example,b@y.example,<user@example.com>', refusedRecipient],
  ['to', 'a@x.example, b@y.example', refusedRecipient],
  ['to', 'a@x.example;b@y.example', refusedRecipient],
  ['to', 'Jane Doe <jane@example.com>', refusedRecipient],
  ['to', '<jane@example.com>', refusedRecipient],
  ['to', '"Doe, Jane" <jane@example.com>', refusedRecipient],
  ['to', 'undisclosed-recipients:;', refusedRecipient],
  ['to', 'friends: a@x.example, b@y.example;', refusedRecipient],
  ['to', 'jane@example.com (Jane)', refusedRecipient],
  ['to', '"jane doe"@example.com', refusedRecipient],
  ['to', 'jane@example.com\r\nBcc: x@evil.example', refusedRecipient],
  ['to', 'jane\t@example.com', refusedRecipient],
  ['to', 'mailto:jane@example.com', refusedRecipient],
  ['to', 'rafał@example.com', refusedRecipient],
  ['to', 'jаne@example.com', refusedRecipient],
  ['to', 'jane＠example.com', refusedRecipient],
  ['to', 'jane@ｅxample.com', refusedRecipient],
  ['to', 'jane.@example.com', refusedRecipient],
  ['to', '.jane@example.com', refusedRecipient],
  ['to', 'ja..ne@example.com', refusedRecipient],
  ['to', 'jane@example.com.', refusedRecipient],
  ['to', 'jane@example..com', refusedRecipient],
  ['to', 'jane@[192.0.2.1]', refusedRecipient],
  ['to', 'jane@localhost', refusedRecipient],
  ['to', 'a@b@example.com', refusedRecipient],
  ['to', 'jane@example.com>', refusedRecipient],
  ['to', `${'j'.repeat(65)}@example.com`, refusedRecipient],
  [
    'fromEmail',
    'Acme, Inc <no-reply@acme.example>',
    { sent: '"Acme, Inc" <no-reply@acme.example>', name: 'Acme, Inc' },
  ],
  [
    'fromEmail',
    '"Acme, Inc." <no-reply@acme.example>',
    { sent: '"Acme, Inc." <no-reply@acme.example>', name: 'Acme, Inc.' },
  ],
  [
    'fromEmail',
    'Acme Inc. <no-reply@acme.example>',
    { sent: '"Acme Inc." <no-reply@acme.example>', name: 'Acme Inc.' },
  ],
  [
    'fromEmail',
    'Jörg Müller <no-reply@acme.example>',
    { sent: 'Jörg Müller <no-reply@acme.example>', name: 'Jörg Müller' },
  ],
  [
    'fromEmail',
    'Joe "Bud" Smith <no-reply@acme.example>',
    { sent: '"Joe \\"Bud\\" Smith" <no-reply@acme.example>', name: 'Joe "Bud" Smith' },
  ],
  [
    'fromEmail',
    'Back\\slash <no-reply@acme.example>',
    { sent: '"Back\\\\slash" <no-reply@acme.example>', name: 'Back\\slash' },
  ],
  [
    'fromEmail',
    'Acme (Support) <no-reply@acme.example>',
    { sent: '"Acme (Support)" <no-reply@acme.example>', name: 'Acme (Support)' },
  ],
  ['fromEmail', '<no-reply@acme.example>', { sent: 'no-reply@acme.example' }],
  ['fromEmail', 'no-reply@bücher.example', { sent: 'no-reply@xn--bcher-kva.example' }],
  ['fromEmail', 'Acme <no-reply@acme.example>, Other <x@y.example>', refusedConfig],
  ['fromEmail', 'a@x.example, b@y.example', refusedConfig],
  ['fromEmail', 'rafał@acme.example', refusedConfig],
  ['fromEmail', 'Acme <no-reply@acme.example>\nBcc: x@y.example', refusedConfig],
  [
    'replyTo',
    'Support, EU <help@acme.example>',
    { sent: '"Support, EU" <help@acme.example>', name: 'Support, EU' },
  ],
  ['replyTo', 'help@acme.example', { sent: 'help@acme.example' }],
  ['replyTo', 'undisclosed:;', refusedConfig],
  [
    'replyTo',
    'support@acme.com, sales@acme.com',
    {
      sent: 'support@acme.com, sales@acme.com',
      list: [
        [null, 'support@acme.com'],
        [null, 'sales@acme.com'],
      ],
    },
  ],
  [
    'replyTo',
    'support@acme.com,sales@acme.com',
    {
      sent: 'support@acme.com, sales@acme.com',
      list: [
        [null, 'support@acme.com'],
        [null, 'sales@acme.com'],
      ],
    },
  ],
  [
    'replyTo',
    'Support <support@acme.com>, Sales Team <sales@acme.com>',
    {
      sent: 'Support <support@acme.com>, Sales Team <sales@acme.com>',
      list: [
        ['Support', 'support@acme.com'],
        ['Sales Team', 'sales@acme.com'],
      ],
    },
  ],
  [
    'replyTo',
    '"Acme, Support" <support@acme.com>, "Acme, Sales" <sales@acme.com>',
    {
      sent: '"Acme, Support" <support@acme.com>, "Acme, Sales" <sales@acme.com>',
      list: [
        ['Acme, Support', 'support@acme.com'],
        ['Acme, Sales', 'sales@acme.com'],
      ],
    },
  ],
  [
    'replyTo',
    'Acme, Inc <help@acme.com>, "Doe, Jane" <jane@acme.com>, ops@bücher.example',
    {
      sent: '"Acme, Inc" <help@acme.com>, "Doe, Jane" <jane@acme.com>, ops@xn--bcher-kva.example',
      list: [
        ['Acme, Inc', 'help@acme.com'],
        ['Doe, Jane', 'jane@acme.com'],
        [null, 'ops@xn--bcher-kva.example'],
      ],
    },
  ],
  [
    'replyTo',
    '"Joe \\"Bud\\", Jr" <joe@acme.com>, <sales@acme.com>',
    {
      sent: '"Joe \\"Bud\\", Jr" <joe@acme.com>, sales@acme.com',
      list: [
        ['Joe "Bud", Jr', 'joe@acme.com'],
        [null, 'sales@acme.com'],
      ],
    },
  ],
  ['replyTo', 'support@acme.com; sales@acme.com', refusedConfig],
  ['replyTo', 'support@acme.com,', refusedConfig],
  ['replyTo', 'support@acme.com,, sales@acme.com', refusedConfig],
  ['replyTo', 'support@acme.com, Sales', refusedConfig],
  ['replyTo', 'team: support@acme.com, sales@acme.com;', refusedConfig],
  ['replyTo', 'support@acme.com, rafał@acme.example', refusedConfig],
  ['replyTo', 'support@acme.com,\r\nBcc: x@evil.example', refusedConfig],
  ['replyTo', '"Acme <support@acme.com>, sales@acme.com', refusedConfig],
  ['replyTo', 'Acme <support@acme.com, sales@acme.com>', refusedConfig],
  ['sendFrom', 'Acme Support', { sent: 'Acme Support <no-reply@acme.com>', name: 'Acme Support' }],
  ['sendFrom', 'Acme, Inc.', { sent: '"Acme, Inc." <no-reply@acme.com>', name: 'Acme, Inc.' }],
  [
    'sendFrom',
    '{{application.name}} Sign-in',
    { sent: '"Acme, Inc Sign-in" <no-reply@acme.com>', name: 'Acme, Inc Sign-in' },
  ],
  [
    'sendFrom',
    'Acme Support <help@acme.example>',
    { sent: 'Acme Support <help@acme.example>', name: 'Acme Support' },
  ],
  [
    'sendFrom',
    '"Acme, Inc" <help@acme.example>',
    { sent: '"Acme, Inc" <help@acme.example>', name: 'Acme, Inc' },
  ],
  ['sendFrom', 'help@acme.example', { sent: 'help@acme.example' }],
  [
    'sendFrom',
    'My <App> <help@acme.example>',
    { sent: 'My App <help@acme.example>', name: 'My App' },
  ],
  [
    'sendFrom',
    'Brand <bad<addr@acme.example>',
    { sent: 'Brand <badaddr@acme.example>', name: 'Brand' },
  ],
  [
    'sendFrom',
    'Acme <help@bücher.example>',
    { sent: 'Acme <help@xn--bcher-kva.example>', name: 'Acme' },
  ],
  [
    'sendFrom',
    'Ünïcødé Støre',
    { sent: 'Ünïcødé Støre <no-reply@acme.com>', name: 'Ünïcødé Støre' },
  ],
  [
    'sendFrom',
    'Acme\r\nBcc: x@evil.example',
    { sent: '"AcmeBcc: x@evil.example" <no-reply@acme.com>', name: 'AcmeBcc: x@evil.example' },
  ],
  ['sendFrom', 'rafał@acme.example', refusedConfig],
  ['sendFrom', 'Acme <a@x.example, b@y.example>', refusedConfig],
  [
    'templateReplyTo',
    'Support, EU <help@acme.example>',
    { sent: '"Support, EU" <help@acme.example>', name: 'Support, EU' },
  ],
  ['templateReplyTo', 'help@bücher.example', { sent: 'help@xn--bcher-kva.example' }],
  [
    'templateReplyTo',
    'a@x.example, Team B <b@y.example>',
    {
      sent: 'a@x.example, Team B <b@y.example>',
      list: [
        [null, 'a@x.example'],
        ['Team B', 'b@y.example'],
      ],
    },
  ],
  ['templateReplyTo', 'a@x.example; b@y.example', refusedConfig],
  ['templateReplyTo', 'a@x.example, b', refusedConfig],
];

const headerOf = {
  to: 'To',
  fromEmail: 'From',
  replyTo: 'ReplyTo',
  sendFrom: 'From',
  templateReplyTo: 'ReplyTo',
} as const;

/** How a refusal names the field the operator must correct. */
const fieldNamed = {
  fromEmail: 'Sender (fromEmail)',
  replyTo: 'Reply-To (replyTo)',
  sendFrom: 'sendFrom',
  templateReplyTo: 'Reply-To (replyTo) of Logto',
} as const;

/** Sends with `value` in `field`; what Postmark received, or the error. */
const sendWith = async (field: Field, value: string) => {
  const seen: Array<Record<string, unknown>> = [];
  nock(api)
    .post(() => true)
    .reply(200, (_, body) => {
      seen.push(body as Record<string, unknown>);
      return okAnswer;
    });
  const settings = field === 'fromEmail' || field === 'replyTo' ? { [field]: value } : {};
  const { sendMessage } = await createConnector({
    getConfig: async () => ({ ...config, ...settings }),
    getI18nEmailTemplate: async () =>
      field === 'sendFrom' || field === 'templateReplyTo'
        ? { subject: 'S', content: 'C', [field === 'sendFrom' ? 'sendFrom' : 'replyTo']: value }
        : undefined,
  });

  try {
    await sendMessage({
      to: field === 'to' ? value : 'user@example.com',
      type: TemplateType.SignIn,
      payload,
    });
    return { seen };
  } catch (error: unknown) {
    return { seen, error };
  }
};

const oracle = (header: string) =>
  emailAddresses.parseAddressList({ input: header, rfc6532: true });
const collapse = (name: string) => name.replaceAll(/[\t ]+/g, ' ').trim();

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

it('has at least 40 shapes, on every field', () => {
  expect(rows.length).toBeGreaterThanOrEqual(40);
  expect(new Set(rows.map(([field]) => field))).toEqual(new Set(Object.keys(headerOf)));
});

describe.each(rows)('%s %j', (field, value, expected) => {
  if ('sent' in expected) {
    it(`reaches Postmark as ${expected.sent}, one mailbox to an RFC 5322 parser`, async () => {
      const { seen, error } = await sendWith(field, value);

      expect(error).toBeUndefined();
      const header = String(seen[0]?.[headerOf[field]]);
      expect(header).toBe(expected.sent);

      const parsed = oracle(header);

      if (expected.list) {
        expect(parsed?.map((mailbox) => mailbox.type)).toEqual(expected.list.map(() => 'mailbox'));
        expect(
          parsed?.map((mailbox) => [
            mailbox.name,
            'address' in mailbox ? mailbox.address : undefined,
          ])
        ).toEqual(expected.list);
        return;
      }

      expect(parsed).toHaveLength(1);
      expect(parsed?.[0]).toMatchObject({
        type: 'mailbox',
        name: expected.name === undefined ? null : collapse(expected.name),
        address: /<(?<address>[^<>]+)>$/.exec(header)?.groups?.address ?? header,
      });
    });
  } else {
    it(`is refused with ${expected.refused}, nothing sent`, async () => {
      const { seen, error } = await sendWith(field, value);

      expect(error).toBeInstanceOf(ConnectorError);
      const data = (error as ConnectorError).data as Record<string, unknown>;
      expect(data.reason).toBe(expected.refused);
      expect(seen).toEqual([]);

      if (field === 'to') {
        expect(data.errorDescription).toBe(userMessage('address'));
        expect(data.operatorMessage).toMatch(
          /^The recipient [^.]+: it must be one bare email address/
        );
      } else {
        expect(data.operatorMessage).toContain(fieldNamed[field]);
      }
    });
  }
});

describe("Postmark's error 300 about an address", () => {
  const answer = (message: string) => {
    nock(api)
      .post(() => true)
      .reply(422, { ErrorCode: 300, Message: message });
  };

  const failure = async (message: string) => {
    answer(message);
    const { error } = await sendWith('to', 'user@example.com');
    expect(error).toBeInstanceOf(ConnectorError);
    return (error as ConnectorError).data as Record<string, string>;
  };

  it("is the user's to fix when it concerns To", async () => {
    const data = await failure("Error parsing 'To': Illegal email address 'user@example.com'.");

    expect(data.reason).toBe(ConnectorErrorCodes.InvalidRequestParameters);
    expect(data.errorDescription).toBe(userMessage('address'));
    expect(data.operatorMessage).toContain('Postmark cannot send to user@example.com');
  });

  it.each([
    ["Error parsing 'From': Illegal email address 'Acme, Inc <a@b.example>'.", '"Sender"'],
    ["Error parsing 'ReplyTo': Illegal email address 'x'.", '"Reply-To"'],
    ["Invalid 'Reply-To' address.", '"Reply-To"'],
  ])('is the configuration to fix, naming the field, for %j', async (message, named) => {
    const data = await failure(message);

    expect(data.reason).toBe(ConnectorErrorCodes.InvalidConfig);
    expect(data.errorDescription).toBe(userMessage('site'));
    expect(data.operatorMessage).toContain(named);
  });

  it('stays a general refusal when it names no address field', async () => {
    const data = await failure('Invalid email request.');

    expect(data.reason).toBe(ConnectorErrorCodes.General);
  });
});
