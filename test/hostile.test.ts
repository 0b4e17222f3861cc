/**
 * Input made to be slow: up to a megabyte in each place a sign-in request, the Console form or a
 * network answer can fill. Each is refused (or quoted) with nothing sent, in time that grows
 * linearly with the input: the best of five runs on a megabyte against the best of five on
 * 100 kB. A pattern that backtracks quadratically grows a hundred times (the dotted address below
 * took 9.6 s at 100 kB). Growth, not a bound of a few milliseconds, is what tells the two apart on
 * a busy shared machine; generous absolute caps stay as a backstop.
 */
import nock from 'nock';

import { TemplateType } from '@logto/connector-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseConfig } from '../src/config/parse.js';
import { limits } from '../src/constant.js';
import { customEmailBody } from '../src/email-body/index.js';
import { toSafeConnectorError } from '../src/errors/redact.js';
import createConnector from '../src/index.js';
import { parseMailbox, parseMailboxList } from '../src/mailbox.js';
import { parseMessage } from '../src/message.js';
import { mockConfig, mockTemplates } from '../src/mock.js';
import { describeFailure } from '../src/postmark/answers.js';

const megabyte = 1024 * 1024;
/** `character` repeated to `bytes` in all; a megabyte unless said otherwise. */
const run = (character: string, bytes = megabyte) =>
  character.repeat(Math.floor(bytes / character.length));

const templates = mockTemplates;
const config = mockConfig;

const requests: string[] = [];
const record = (request: { path?: string }) => requests.push(request.path ?? '?');

beforeAll(() => {
  nock.disableNetConnect();
  nock.emitter.on('no match', record);
});

afterAll(() => {
  nock.emitter.off('no match', record);
});

/**
 * Linear work on ten times the input takes about ten times as long, up to a few dozen times once
 * the larger input no longer fits the processor's caches; quadratic work takes a hundred times.
 */
const maxGrowth = 50;
/**
 * Times below this are read as this: timer noise, and refusals at a length cap that take the
 * same time for any input, must not look like growth. A quadratic check still shows its growth
 * once it costs 100 times this (half a second) on a megabyte; below that it harms no one.
 */
const floorMs = 5;
/** Far above any linear check, far below a quadratic one (seconds at 100 kB, minutes at 1 MB). */
const backstopMs = { small: 1000, large: 5000 };

/** The best of five runs, in milliseconds. */
const bestTime = async (work: () => unknown) => {
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    try {
      await work();
    } catch {
      // Refusing is the expected outcome; only the time counts here.
    }
    times.push(performance.now() - start);
  }
  return Math.min(...times);
};

/**
 * Runs `work` on `make`'s input of a tenth of a megabyte, then of a megabyte, and expects the time
 * to grow no more than linearly. The smaller run comes first and must be quick, so that a
 * quadratic check fails in seconds instead of running for minutes on the megabyte.
 */
const expectLinear = async <T>(make: (bytes: number) => T, work: (input: T) => unknown) => {
  const smallInput = make(megabyte / 10);
  const small = await bestTime(() => work(smallInput));
  expect(small).toBeLessThan(backstopMs.small);
  const largeInput = make(megabyte);
  const large = await bestTime(() => work(largeInput));
  expect(large).toBeLessThan(backstopMs.large);
  expect(large / Math.max(small, floorMs)).toBeLessThan(maxGrowth);
};

type Make<T> = (bytes: number) => T;

const addresses: Array<[string, Make<string>]> = [
  ['the dotted address', (bytes) => `a@${run('.', bytes)}:`],
  ['a run of dots after a label', (bytes) => `a@b${run('.', bytes)}`],
  ['a long local part', (bytes) => `${run('a', bytes)}@acme.com`],
  ['a long domain', (bytes) => `a@${run('a', bytes)}.com`],
  ['unbalanced <', (bytes) => run('<', bytes)],
  ['unbalanced "', (bytes) => `"${run('"', bytes)}`],
  ['a long display name', (bytes) => `${run('N', bytes)} <a@acme.com>`],
  ['nested brackets', (bytes) => `${run('<a', bytes)}@b.c>`],
  ['spaces and @', (bytes) => run(' @', bytes)],
  ['backslashes', (bytes) => `a@b.${run('\\', bytes)}`],
];

describe.each(addresses)('%s', (_, make) => {
  it('is refused as a recipient, in linear time, with nothing sent', async () => {
    const { sendMessage } = await createConnector({ getConfig: async () => config });
    const send = async (to: string) =>
      sendMessage({ to, type: TemplateType.SignIn, payload: { code: '1' } });

    await expect(send(make(megabyte))).rejects.toMatchObject({
      data: { reason: 'invalid_request_parameters' },
    });
    await expectLinear(make, send);
    expect(requests).toEqual([]);
  });

  it('is refused as the sender or Reply-To, in linear time', async () => {
    expect(parseMailbox(make(megabyte))).toBeUndefined();
    expect(() => parseConfig({ ...config, fromEmail: make(megabyte) })).toThrow();
    expect(() => parseConfig({ ...config, replyTo: make(megabyte) })).toThrow();
    await expectLinear(make, (fromEmail) => parseConfig({ ...config, fromEmail }));
    await expectLinear(make, (replyTo) => parseConfig({ ...config, replyTo }));
  });
});

/**
 * A Reply-To list is refused past its length cap at once; below it, it is read piece by piece.
 * These run at a tenth of the cap and at the cap itself, so that a read that is not linear shows
 * its growth below the cap too.
 */
const atCap = (bytes: number) => Math.floor((limits.mailboxList * bytes) / megabyte);

const replyToLists: Array<[string, Make<string>]> = [
  ['commas', (bytes) => run(',', atCap(bytes))],
  ['names without addresses', (bytes) => run('a,', atCap(bytes))],
  ['names, then one address', (bytes) => `${run('a,', atCap(bytes) - 12)}a@acme.com`],
  ['addresses', (bytes) => run('a@acme.co,', atCap(bytes))],
  ['blank entries', (bytes) => run(' ,', atCap(bytes))],
  ['quotes', (bytes) => run('"', atCap(bytes))],
  ['an unclosed quote over commas', (bytes) => `"${run('a,', atCap(bytes) - 1)}`],
  ['escaped quotes', (bytes) => `"${run('\\"', atCap(bytes) - 1)}`],
  ['quotes and commas', (bytes) => run('",', atCap(bytes))],
  ['at signs', (bytes) => run('@,', atCap(bytes))],
];

describe.each(replyToLists)('a Reply-To list of %s', (_, make) => {
  it('is read in linear time up to its length cap', async () => {
    expect(make(megabyte).length).toBeLessThanOrEqual(limits.mailboxList);
    expect(make(megabyte).length).toBeGreaterThan(limits.mailboxList - 20);
    await expectLinear(make, (replyTo) => parseMailboxList(replyTo));
    await expectLinear(make, (replyTo) => parseConfig({ ...config, replyTo }));
  });
});

/** How many entries `bytes` buys, at about twenty bytes each. */
const entries = (bytes: number) => Math.floor(bytes / 20);

const formFields: Array<[string, Make<Record<string, unknown>>]> = [
  ['a long token', (bytes) => ({ serverToken: run('a', bytes) })],
  [
    'a long alias',
    (bytes) => ({
      templates: [...templates, { usageType: 'BindMfa', templateAlias: run('a', bytes) }],
    }),
  ],
  [
    'a long template locale',
    (bytes) => ({
      templates: [
        ...templates,
        { usageType: 'SignIn', locale: run('de-', bytes), templateAlias: 'a' },
      ],
    }),
  ],
  [
    'many template entries',
    (bytes) => ({ templates: Array.from({ length: entries(bytes) * 2 }, () => templates[0]) }),
  ],
  ['a long tag', (bytes) => ({ tag: run('t', bytes) })],
  ['a long message stream', (bytes) => ({ messageStream: run('s', bytes) })],
  ['a long header name', (bytes) => ({ headers: { [run('X', bytes)]: 'v' } })],
  ['a long header value', (bytes) => ({ headers: { 'X-Ref': run('v', bytes) } })],
  [
    'many headers',
    (bytes) => ({
      headers: Object.fromEntries(
        Array.from({ length: entries(bytes) }, (_, i) => [`X-${i}`, 'v'])
      ),
    }),
  ],
  ['a long metadata name', (bytes) => ({ metadata: { [run('m', bytes)]: 'v' } })],
  ['a long metadata value', (bytes) => ({ metadata: { tenant: run('v', bytes) } })],
  [
    'many metadata entries',
    (bytes) => ({
      metadata: Object.fromEntries(
        Array.from({ length: entries(bytes) }, (_, i) => [`k${i}`, 'v'])
      ),
    }),
  ],
];

describe.each(formFields)('%s in the form', (_, make) => {
  it('is refused in linear time', async () => {
    expect(() => parseConfig({ ...config, ...make(megabyte) })).toThrow();
    await expectLinear(make, (change) => parseConfig({ ...config, ...change }));
  });
});

const payloads: Array<[string, Make<Record<string, unknown>>]> = [
  ['a long locale', (bytes) => ({ code: '1', locale: run('de-', bytes) })],
  ['long ui_locales', (bytes) => ({ code: '1', uiLocales: run('de ', bytes) })],
  ['ui_locales of one long tag', (bytes) => ({ code: '1', uiLocales: run('x', bytes) })],
];

describe.each(payloads)('%s in a sign-in request', (_, make) => {
  it('is refused in linear time, with nothing sent', async () => {
    const { sendMessage } = await createConnector({ getConfig: async () => config });
    const send = async (payload: Record<string, unknown>) =>
      sendMessage({ to: 'user@example.com', type: TemplateType.SignIn, payload });

    await expect(send(make(megabyte))).rejects.toMatchObject({
      data: { reason: 'invalid_request_parameters' },
    });
    await expectLinear(make, send);
    expect(requests).toEqual([]);
  });
});

// The template is the operator's (Logto's own email templates); what a request brings is the
// payload, whose values are put in as they are and never read as handlebars again.
describe("Logto's custom template filled with hostile handlebars", () => {
  const custom = (content: string, contentType: 'text/plain' | 'text/html', code = '1') =>
    customEmailBody(
      parseConfig(config),
      { subject: content, content, contentType },
      parseMessage({ to: 'a@b.co', type: 'SignIn', payload: { code } })
    );

  it('puts a hostile payload value in once, in linear time', async () => {
    const value = run('{{code}}');

    expect(custom('<p>{{code}}</p>', 'text/html', value)).toMatchObject({
      HtmlBody: `<p>${value}</p>`,
    });
    await expectLinear(
      (bytes) => run('{{code}}', bytes),
      (code) => custom('<p>{{code}}</p>', 'text/html', code)
    );
  });

  it.each([
    ['unclosed', (bytes: number) => `{{ ${run('a', bytes)}`],
    ['spaces', (bytes: number) => `{{${run(' ', bytes)}`],
    ['opening braces', (bytes: number) => run('{{', bytes)],
  ])('%s: fills in linear time', async (_, make) => {
    await expectLinear(make, (content) => custom(content, 'text/plain'));
    await expectLinear(make, (content) => custom(content, 'text/html'));
  });
});

describe('a hostile answer from the network', () => {
  const context = { from: 'a@b.c', to: 'd@e.f', usageType: 'SignIn' };
  const quote = (body: string) =>
    describeFailure({ kind: 'http', status: 502, body, attempts: 1 }, context);

  it.each([
    ['unbalanced <', '<'],
    ['unclosed tags', '<a '],
    ['white space', ' \n'],
    ['dotted names', 'a.'],
    ['digits and dots', '1.'],
    ['colons', 'f:'],
  ])('%s: is quoted briefly, in linear time', async (_, unit) => {
    expect(quote(run(unit)).description.length).toBeLessThan(400);
    await expectLinear((bytes) => run(unit, bytes), quote);
  });

  it.each([
    ['dotted names', 'a.'],
    ['digits and dots', '1.'],
    ['colons', 'f:'],
    ['slashes', '/'],
    ['lookup errors', 'ENOTFOUND '],
    ['brackets', '[1'],
    ['wildcards', '*.a'],
  ])('%s: redacted from a network cause in linear time', async (_, unit) => {
    await expectLinear(
      (bytes) => run(unit, bytes),
      (cause) => describeFailure({ kind: 'network', cause, attempts: 1 }, context)
    );
    await expectLinear(
      (bytes) => run(unit, bytes),
      (text) => toSafeConnectorError(new Error(text), 'token')
    );
  });
});
