import { parseSendFrom as kitParseSendFrom } from '@logto/connector-kit';
import emailAddresses from 'email-addresses';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { limits } from './constant.js';
import {
  type Mailbox,
  formatMailbox,
  formatMailboxList,
  fromWithSendFrom,
  parseMailbox,
  parseMailboxList,
  parseRecipient,
  parseSendFrom,
} from './mailbox.js';

describe('parseMailbox', () => {
  it.each([
    ['no-reply@example.com', { address: 'no-reply@example.com' }],
    ['Acme <no-reply@example.com>', { name: 'Acme', address: 'no-reply@example.com' }],
    [
      '"Acme, Inc." <no-reply@example.com>',
      { name: 'Acme, Inc.', address: 'no-reply@example.com' },
    ],
    ['"Joe \\"Bud\\"" <a@example.com>', { name: 'Joe "Bud"', address: 'a@example.com' }],
    ['"a" b "c" <a@example.com>', { name: '"a" b "c"', address: 'a@example.com' }],
    ['"" <no-reply@example.com>', { address: 'no-reply@example.com' }],
    ['<no-reply@example.com>', { address: 'no-reply@example.com' }],
    ['José <jose@bücher.de>', { name: 'José', address: 'jose@xn--bcher-kva.de' }],
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
    'a@b.com>',
    'A <B> <a@b.com>',
    'José <josé@bücher.de>',
    '用户@例子.广告',
    'A> <a@b.com>',
  ])('rejects %j', (value) => {
    expect(parseMailbox(value)).toBeUndefined();
  });

  it.each([
    ['  no-reply@example.com  ', { address: 'no-reply@example.com' }],
    ['Acme < no-reply@example.com >', { name: 'Acme', address: 'no-reply@example.com' }],
    ['" Acme " <no-reply@example.com>', { name: 'Acme', address: 'no-reply@example.com' }],
  ])('trims %j', (value, expected) => {
    expect(parseMailbox(value)).toEqual(expected);
  });

  it('reads up to 520 characters', () => {
    const value = (length: number) => `Acme <a@b.com>${' '.repeat(length - 14)}`;
    expect(parseMailbox(value(520))).toEqual({ name: 'Acme', address: 'a@b.com' });
    expect(parseMailbox(value(521))).toBeUndefined();
  });
});

describe('parseMailboxList', () => {
  it.each([
    ['help@acme.com', [{ address: 'help@acme.com' }]],
    ['Acme, Inc <help@acme.com>', [{ name: 'Acme, Inc', address: 'help@acme.com' }]],
    [
      'help@acme.com, sales@acme.com',
      [{ address: 'help@acme.com' }, { address: 'sales@acme.com' }],
    ],
    [
      ' Help <help@acme.com> ,"Sales, EU" <sales@acme.com>,<ops@acme.com> ',
      [
        { name: 'Help', address: 'help@acme.com' },
        { name: 'Sales, EU', address: 'sales@acme.com' },
        { address: 'ops@acme.com' },
      ],
    ],
    [
      'Doe, Jane <jane@acme.com>, Roe, Rick <rick@acme.com>',
      [
        { name: 'Doe, Jane', address: 'jane@acme.com' },
        { name: 'Roe, Rick', address: 'rick@acme.com' },
      ],
    ],
    [
      '"a\\"b, c" <a@acme.com>, b@acme.com',
      [{ name: 'a"b, c', address: 'a@acme.com' }, { address: 'b@acme.com' }],
    ],
  ])('reads %j', (value, mailboxes) => {
    expect(parseMailboxList(value)).toEqual({ mailboxes });
  });

  it.each([
    ['', 'is not an address'],
    ['help desk', 'is not an address'],
    ['help@acme.com; sales@acme.com', 'is not an address'],
    ['help@acme.com, sales', 'has an entry 2 of 2 that is not an address'],
    ['help@acme.com,', 'has an entry 2 of 2 that is empty (a comma too many)'],
    [', help@acme.com', 'has an entry 1 of 2 that is empty (a comma too many)'],
    ['a@acme.com, ,b@acme.com', 'has an entry 2 of 3 that is empty (a comma too many)'],
    ['a@acme.com, b@acme.com\n', 'has an entry 2 of 2 that is not an address'],
    ['a@acme.com, "b@acme.com', 'has an entry 2 of 2 that is not an address'],
    ['group: a@acme.com, b@acme.com;', 'has an entry 1 of 2 that is not an address'],
  ])('refuses %j: %s', (value, problem) => {
    expect(parseMailboxList(value)).toEqual({ problem });
  });

  const list = (count: number) =>
    Array.from({ length: count }, (_, index) => `user${index}@acme.com`).join(', ');

  it(`takes ${limits.replyToAddresses} addresses, and refuses one more`, () => {
    expect(parseMailboxList(list(limits.replyToAddresses))).toMatchObject({
      mailboxes: expect.arrayContaining([{ address: 'user49@acme.com' }]) as unknown,
    });
    expect(parseMailboxList(list(limits.replyToAddresses + 1))).toEqual({
      problem: `has more than ${limits.replyToAddresses} addresses`,
    });
  });

  it(`reads up to ${limits.mailboxList} characters`, () => {
    const padded = (length: number) => `help@acme.com${' '.repeat(length - 13)}`;

    expect(parseMailboxList(padded(limits.mailbox))).toEqual({
      mailboxes: [{ address: 'help@acme.com' }],
    });
    expect(parseMailboxList(padded(limits.mailboxList + 1))).toEqual({
      problem: `is longer than ${limits.mailboxList} characters`,
    });
  });

  it(`reads a list of exactly ${limits.mailboxList} characters, and refuses one more by its length`, () => {
    const padded = (length: number) => {
      const addresses = list(limits.replyToAddresses);
      return `${addresses}${' '.repeat(length - addresses.length)}`;
    };

    expect(padded(limits.mailboxList)).toHaveLength(limits.mailboxList);
    expect(parseMailboxList(padded(limits.mailboxList))).toEqual({
      problem: `has an entry ${limits.replyToAddresses} of ${limits.replyToAddresses} that is not an address`,
    });
    expect(parseMailboxList(padded(limits.mailboxList + 1))).toEqual({
      problem: `is longer than ${limits.mailboxList} characters`,
    });
  });

  it('writes a list that it reads back as the same mailboxes', () => {
    const value = 'Acme, Inc <a@acme.com>, "Joe \\"Bud\\"" <joe@acme.com>, ops@acme.com';
    const read = parseMailboxList(value);

    expect('mailboxes' in read && parseMailboxList(formatMailboxList(read.mailboxes))).toEqual(
      read
    );
    expect('mailboxes' in read && formatMailboxList(read.mailboxes)).toBe(
      '"Acme, Inc" <a@acme.com>, "Joe \\"Bud\\"" <joe@acme.com>, ops@acme.com'
    );
  });
});

describe('parseMailbox limits', () => {
  const local = (length: number) => 'a'.repeat(length);
  const domain = (length: number) => `${'d'.repeat(length - 4)}.com`;

  it.each([
    ['a local part of 64', `${local(64)}@example.com`],
    ['an address of 254', `${local(64)}@${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(57)}.com`],
    ['a display name of 256', `${'N'.repeat(256)} <a@example.com>`],
  ])('accepts %s', (_, value) => {
    expect(parseMailbox(value)).toBeDefined();
  });

  it.each([
    ['a local part of 65', `${local(65)}@example.com`],
    ['an address of 255', `${local(64)}@${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(58)}.com`],
    ['a domain of 254', `a@${domain(254)}`],
    ['a display name of 257', `${'N'.repeat(257)} <a@example.com>`],
    ['an empty domain label', 'a@example..com'],
    ['a trailing dot', 'a@example.com.'],
    ['a leading dot in the domain', 'a@.example.com'],
  ])('rejects %s', (_, value) => {
    expect(parseMailbox(value)).toBeUndefined();
  });
});

describe('formatMailbox', () => {
  it.each([
    [{ address: 'a@b.com' }, 'a@b.com'],
    [{ name: 'Acme Support', address: 'a@b.com' }, 'Acme Support <a@b.com>'],
    [{ name: 'Acme, Inc', address: 'a@b.com' }, '"Acme, Inc" <a@b.com>'],
    [{ name: 'Acme Inc.', address: 'a@b.com' }, '"Acme Inc." <a@b.com>'],
    [{ name: 'a\\b "c"', address: 'a@b.com' }, '"a\\\\b \\"c\\"" <a@b.com>'],
    [{ name: 'Zoë Straße', address: 'a@b.com' }, 'Zoë Straße <a@b.com>'],
  ])('writes %j as %s', (mailbox, expected) => {
    expect(formatMailbox(mailbox)).toBe(expected);
  });
});

describe('parseSendFrom, as connector-kit 5.1 reads sendFrom', () => {
  const readings: Array<[string, Partial<Mailbox>]> = [
    ['Support <support@example.com>', { name: 'Support', address: 'support@example.com' }],
    ['My <App> <support@example.com>', { name: 'My App', address: 'support@example.com' }],
    ['Brand <bad<addr@example.com>', { name: 'Brand', address: 'badaddr@example.com' }],
    ['<support@example.com>', { address: 'support@example.com' }],
    ['support@example.com', { address: 'support@example.com' }],
    ['Test App', { name: 'Test App' }],
    ['Line\r\nBreak', { name: 'LineBreak' }],
    ['  ', {}],
    ['<>', {}],
    ['  Acme <a@example.com>  ', { name: 'Acme', address: 'a@example.com' }],
    ['Acme<a@example.com>', { name: 'Acme', address: 'a@example.com' }],
    ['Acme < a@example.com >', { name: 'Acme', address: 'a@example.com' }],
    ['< a@example.com >', { address: 'a@example.com' }],
    ['<a@example.com', { address: 'a@example.com' }],
    ['Acme <xy', { name: 'Acme xy' }],
    ['Acme>', { name: 'Acme' }],
    ['Acme < >', { name: 'Acme' }],
    ['A<>B<a@b.co>', { name: 'AB', address: 'a@b.co' }],
  ];

  it.each(readings)('reads %j', (value, expected) => {
    expect(parseSendFrom(value)).toEqual(expected);
  });

  it.each(readings)('reads %j as the kit does', (value, { name, address }) => {
    const fallback = 'fallback@example.com';
    expect(kitParseSendFrom(value, fallback)).toEqual({ name, email: address ?? fallback });
  });

  it('reads up to 520 characters', () => {
    expect(parseSendFrom(`Acme <a@example.com>${' '.repeat(500)}`)).toEqual({
      name: 'Acme',
      address: 'a@example.com',
    });
    expect(parseSendFrom(`Acme <a@example.com>${' '.repeat(501)}`)).toBeUndefined();
  });
});

describe('parseRecipient', () => {
  it.each([
    [`${' '.repeat(250)}a@example.com`, 'is longer than 254 characters'],
    ['a@example.com\n', 'has a line break or another control character'],
    ['a@example.com,b@example.com', 'is a list (a comma or a semicolon)'],
    ['a@example.com;b@example.com', 'is a list (a comma or a semicolon)'],
    [
      'Joe <a@example.com>',
      'is not a bare address (a name, angle brackets, quotes, a comment or a group)',
    ],
    [
      '"a"@example.com',
      'is not a bare address (a name, angle brackets, quotes, a comment or a group)',
    ],
    [
      'group:a@example.com',
      'is not a bare address (a name, angle brackets, quotes, a comment or a group)',
    ],
    ['jösé@example.com', 'has letters outside ASCII before the @, which Postmark cannot send to'],
    ['a@ü', 'is not an address Postmark can send to'],
    ['a..b@example.com', 'is not an address Postmark can send to'],
    ['example.com', 'is not an address Postmark can send to'],
  ])('says %j %s', (value, problem) => {
    expect(parseRecipient(value)).toEqual({ problem });
  });

  it('takes an address of 254 characters, and names the fault of a wrong one', () => {
    const longest = `${'a'.repeat(64)}@${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(57)}.com`;
    expect(longest).toHaveLength(254);
    expect(parseRecipient(longest)).toEqual({ address: longest });
    expect(parseRecipient(`a@example.com,${'b'.repeat(240)}`)).toEqual({
      problem: 'is a list (a comma or a semicolon)',
    });
  });

  it('takes one bare address, trimmed, with its domain in ASCII', () => {
    expect(parseRecipient(' a@bücher.de ')).toEqual({ address: 'a@xn--bcher-kva.de' });
  });
});

describe('fromWithSendFrom', () => {
  it('puts a name before a Sender that has none', () => {
    expect(fromWithSendFrom('Acme', 'no-reply@acme.com')).toBe('Acme <no-reply@acme.com>');
  });

  const sender = '"Acme, Inc" <no-reply@acme.com>';

  it.each([
    ['', sender],
    ['Acme Support', 'Acme Support <no-reply@acme.com>'],
    ['support@bücher.example', 'support@xn--bcher-kva.example'],
    ['A<>B<a@b.co>', 'AB <a@b.co>'],
    ['rafał@example.com', undefined],
    ['N'.repeat(257), undefined],
    ['N'.repeat(256), `${'N'.repeat(256)} <no-reply@acme.com>`],
    [`${'N'.repeat(200)} <${'a'.repeat(300)}@example.com>`, undefined],
  ])('makes %j into %j', (sendFrom, expected) => {
    expect(fromWithSendFrom(sendFrom, sender)).toBe(expected);
  });
});

const oracleOne = (header: string) => {
  const list = emailAddresses.parseAddressList({ input: header, rfc6532: true });
  return list?.length === 1 && list[0]?.type === 'mailbox' ? list[0] : undefined;
};

// The parser reads runs of spaces and tabs in a name as one space, as RFC 5322 does.
const collapse = (name: string) => name.replaceAll(/[\t ]+/g, ' ').trim();

describe('every accepted value is one mailbox to an RFC 5322 parser', () => {
  const unit = fc.constantFrom(
    ...',;<>"()@@..:\\ \t\r\n[]!#\'`=',
    ...'aZ09-_+',
    ...'äéłøßя例',
    '\u00A0',
    '\u0085'
  );
  const noise = fc.string({ unit, maxLength: 24 });
  const word = fc.string({
    unit: fc.constantFrom(...'abcXYZ09-.+äłя例'),
    minLength: 1,
    maxLength: 8,
  });
  const address = fc
    .tuple(
      fc.oneof(word, noise),
      fc.oneof(word, noise),
      fc.constantFrom('example', 'bücher', '例子')
    )
    .map(([local, host, tld]) => `${local}@${host}.${tld}`);
  const mailbox = fc
    .tuple(fc.oneof(noise, word), fc.oneof(address, noise))
    .map(([name, value]) => `${name} <${value}>`);
  const text = fc.oneof(
    noise,
    address,
    mailbox,
    fc.array(address).map((list) => list.join(','))
  );
  const runs = { numRuns: 3000 };

  it('holds for recipients: To is exactly the one bare address', () => {
    let accepted = 0;
    fc.assert(
      fc.property(text, (value) => {
        const recipient = parseRecipient(value);

        if ('address' in recipient) {
          accepted += 1;
          expect(recipient.address).toMatch(/^[\u0021-\u007E]+$/);
          expect(oracleOne(recipient.address)).toMatchObject({
            name: null,
            address: recipient.address,
          });
        }
      }),
      runs
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('holds for Sender and Reply-To: one mailbox with the name as read', () => {
    let named = 0;
    fc.assert(
      fc.property(text, (value) => {
        const parsed = parseMailbox(value);

        if (parsed) {
          named += parsed.name ? 1 : 0;
          expect(oracleOne(formatMailbox(parsed))).toMatchObject({
            name: parsed.name ? collapse(parsed.name) : null,
            address: parsed.address,
          });
        }
      }),
      runs
    );
    expect(named).toBeGreaterThan(0);
  });

  it('holds for sendFrom: one mailbox whatever the template gives', () => {
    fc.assert(
      fc.property(text, (value) => {
        const from = fromWithSendFrom(value, 'Acme <no-reply@acme.com>');
        const { name, address } = parseSendFrom(value) ?? {};

        if (from !== undefined) {
          expect(oracleOne(from)).toMatchObject({
            name: name ? collapse(name) : address === undefined ? 'Acme' : null,
          });
        }
      }),
      runs
    );
  });
});

/**
 * A megabyte where a sign-in request or a template can put one. Each function refuses it, after
 * work that grows with the input no faster than in proportion: ten times the input may cost a
 * few times ten times as long (or stay under a millisecond, after a length cap), never the
 * hundred times a quadratic check costs. The best of three runs keeps a busy machine out of it.
 */
describe('a megabyte of hostile input', () => {
  const nanoseconds = (work: () => unknown) =>
    Math.min(
      ...Array.from({ length: 3 }, () => {
        const start = process.hrtime.bigint();
        work();
        return Number(process.hrtime.bigint() - start);
      })
    );

  const shapes: Array<[string, (size: number) => string]> = [
    ['commas and at signs', (size) => 'a@b.c,'.repeat(size / 6)],
    ['opening brackets', (size) => '<'.repeat(size)],
    ['quotes and backslashes', (size) => `"${'\\"'.repeat(size / 2)}`],
    ['a long name', (size) => `${'N'.repeat(size)} <a@b.com>`],
    ['nested brackets', (size) => `${'<a'.repeat(size / 2)}@b.c>`],
    ['dotted labels', (size) => `a@${'b.'.repeat(size / 2)}`],
    ['non-ASCII letters', (size) => `${'ł'.repeat(size)}@example.com`],
    ['control characters', (size) => 'a@b.com\r\n'.repeat(size / 9)],
  ];
  const functions: Array<[string, (value: string) => unknown]> = [
    ['parseRecipient', (value) => 'address' in parseRecipient(value)],
    ['parseMailbox', (value) => parseMailbox(value) !== undefined],
    ['parseSendFrom', (value) => parseSendFrom(value) !== undefined],
    ['fromWithSendFrom', (value) => fromWithSendFrom(value, 'a@b.com') !== undefined],
  ];
  const millisecond = 1_000_000;

  describe.each(functions)('%s', (_, accepts) => {
    it.each(shapes)('refuses %s in linear time', (__, make) => {
      const small = make(100 * 1024);
      const large = make(1024 * 1024);

      expect(accepts(large)).toBe(false);
      const growth =
        nanoseconds(() => accepts(large)) /
        Math.max(
          nanoseconds(() => accepts(small)),
          millisecond
        );
      expect(growth).toBeLessThan(40);
    });
  });
});
