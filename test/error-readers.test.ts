/**
 * Each failure an operator or a user can meet, driven through the built package (Logto's loader,
 * the TLS sandbox and its faults), and read where people read it (test/logto-rules.ts):
 * - the Console's "Send" test toasts core's `message` and `details`: the operator must read what to
 *   fix there;
 * - the sign-in page toasts `message` to the end user: short, plain, nothing of the server's
 *   internals, while rate and usage limits keep the codes Logto gives a meaning;
 * - the audit log keeps the thrown error's data as text: the operator's sentence and the facts
 *   behind it, for when a user reports a missing email.
 * The server token appears in none of them.
 */
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { type ConnectorErrorCodes, TemplateType } from '@logto/connector-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { type Factory, buildConnector, consoleTest, loadFactory } from '../sandbox/logto.js';
import { type Fault, faults } from '../sandbox/postmark-sandbox.js';
import { routePostmarkTo } from '../sandbox/route.js';
import { defaultRetryPolicy } from '../src/postmark/client.js';

import {
  type RoutedSandbox,
  requiredTemplates,
  sandboxConfig,
  startRoutedSandbox,
} from './helpers.js';
import { auditLogEntry, consoleToast, releases, responseBody, signInToast } from './logto-rules.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

type Config = typeof sandboxConfig & Record<string, unknown>;

type Failure = {
  name: string;
  config?: Partial<Config>;
  /** What the sandbox answers to the email's POSTs; template lookups answer normally. */
  faults?: Fault[];
  /** Connections to Postmark are refused. */
  unreachable?: true;
  /** The operator's sentence names this, outside any text it quotes from Postmark. */
  operator: RegExp;
  /** A real send's error code: rate and usage limits keep theirs, all else is `general`. */
  code: `${ConnectorErrorCodes}`;
  /** What the user's sentence lets them do, when it is ours (`general`). */
  user?: RegExp;
  /** The specific code behind the failure, in `data.reason`. */
  reason: `${ConnectorErrorCodes}`;
  /** Postmark's answer to the real send, which `data` keeps. */
  postmark?: { status: number; ErrorCode: number; Message: string };
  /** Further text of Postmark's, such as its answer to a template lookup. */
  postmarkAlsoSays?: string[];
  attempts?: number;
  /** The network cause code, which `data` keeps. */
  cause?: string;
  /** The template the real send used, which `data` names; none when the config is invalid. */
  template?: string;
};

const repeat = (count: number, fault: () => Fault) => Array.from({ length: count }, fault);

const tryAgain = /try again/i;
const askSupport = /support/i;

const invalidField: Failure = {
  name: 'a field that fails the guard',
  config: { fromEmail: 'no-reply at example.com' },
  operator: /fromEmail|\bSender\b(?! Signature)/,
  code: 'general',
  user: askSupport,
  reason: 'invalid_config',
};

const failures: Failure[] = [
  invalidField,
  {
    name: 'a token Postmark rejects',
    config: { serverToken: 'wrong-token-123' },
    operator: /serverToken|Server API token/,
    code: 'general',
    user: askSupport,
    reason: 'invalid_config',
    postmark: {
      status: 401,
      ErrorCode: 10,
      Message: 'Request does not contain a valid Server token.',
    },
    attempts: 1,
    template: 'logto-sign-in',
  },
  {
    name: 'a sender Postmark refuses',
    config: { fromEmail: 'Acme <no-reply@unverified.org>' },
    operator: /Sender Signature/,
    code: 'general',
    user: askSupport,
    reason: 'invalid_config',
    postmark: {
      status: 422,
      ErrorCode: 400,
      Message:
        "The 'From' address you supplied (Acme <no-reply@unverified.org>) is not a Sender Signature on your account.",
    },
    attempts: 1,
    template: 'logto-sign-in',
  },
  {
    name: 'a missing template',
    config: {
      templates: requiredTemplates.map((entry) =>
        entry.usageType === TemplateType.SignIn
          ? { ...entry, templateAlias: 'logto-sign-in-missing' }
          : entry
      ),
    },
    operator: /logto-sign-in-missing/,
    code: 'general',
    user: askSupport,
    reason: 'template_not_found',
    postmark: {
      status: 422,
      ErrorCode: 1101,
      Message:
        "The Template's 'Alias' or 'TemplateId' associated with this request is not valid or was not found.",
    },
    postmarkAlsoSays: ["The template 'logto-sign-in-missing' was not found."],
    attempts: 1,
    template: 'logto-sign-in-missing',
  },
  {
    name: 'an account that may not send',
    faults: [faults.postmark(422, 405, 'Not allowed to send.')],
    operator: /credits/,
    code: 'usage_limit_exceeded',
    reason: 'usage_limit_exceeded',
    postmark: { status: 422, ErrorCode: 405, Message: 'Not allowed to send.' },
    attempts: 1,
    template: 'logto-sign-in',
  },
  {
    name: 'an inactive recipient',
    faults: [faults.postmark(422, 406, 'You tried to send to a recipient marked as inactive.')],
    operator: /inactive/,
    code: 'general',
    user: /address/i,
    reason: 'general',
    postmark: {
      status: 422,
      ErrorCode: 406,
      Message: 'You tried to send to a recipient marked as inactive.',
    },
    attempts: 1,
    template: 'logto-sign-in',
  },
  {
    name: 'a rate limit',
    faults: repeat(defaultRetryPolicy.maxAttempts, () => faults.rateLimited()),
    operator: /limiting how fast/,
    code: 'rate_limit_exceeded',
    reason: 'rate_limit_exceeded',
    postmark: { status: 429, ErrorCode: 429, Message: 'Rate limit exceeded.' },
    attempts: defaultRetryPolicy.maxAttempts,
    template: 'logto-sign-in',
  },
  {
    name: 'Postmark unreachable',
    unreachable: true,
    operator: /could not reach postmark/i,
    code: 'general',
    user: tryAgain,
    reason: 'general',
    attempts: defaultRetryPolicy.maxAttempts,
    cause: 'ECONNREFUSED',
    template: 'logto-sign-in',
  },
  {
    name: 'Postmark failing with 503',
    faults: repeat(defaultRetryPolicy.maxAttempts, () => faults.unavailable()),
    operator: /status\.postmarkapp\.com/,
    code: 'general',
    user: tryAgain,
    reason: 'general',
    postmark: { status: 503, ErrorCode: 0, Message: 'Service unavailable.' },
    attempts: defaultRetryPolicy.maxAttempts,
    template: 'logto-sign-in',
  },
];

let sandbox: RoutedSandbox;
let factory: Factory;

beforeAll(async () => {
  sandbox = await startRoutedSandbox();
  factory = await loadFactory(root);
});

afterAll(async () => {
  await sandbox.stop();
});

beforeEach(() => {
  sandbox.reset();
});

const freePort = async () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
  });

/** Runs `send` with every connection to api.postmarkapp.com refused. */
const withPostmarkUnreachable = async <T>(send: () => Promise<T>) => {
  const unroute = routePostmarkTo(await freePort(), sandbox.certificate);
  try {
    return await send();
  } finally {
    await unroute();
  }
};

type ThrownError = Error & { code: string; data: Record<string, unknown> };

const failureOf = async (failure: Failure, send: () => Promise<unknown>) => {
  const attempt = failure.unreachable ? async () => withPostmarkUnreachable(send) : send;
  return attempt().then(
    () => {
      throw new Error(`${failure.name}: expected a failure, but it sent`);
    },
    (error: unknown) => error as ThrownError
  );
};

const configOf = (failure: Failure): Config => ({ ...sandboxConfig, ...failure.config });

const tokenOf = (failure: Failure) => configOf(failure).serverToken;

/** Postmark's own words in this failure. */
const quotedFrom = (failure: Failure) => [
  ...(failure.postmark ? [failure.postmark.Message] : []),
  ...(failure.postmarkAlsoSays ?? []),
];

/** The sentence without what it quotes from Postmark: what we wrote. */
const oursIn = (text: string, failure: Failure) =>
  quotedFrom(failure).reduce((rest, quoted) => rest.replaceAll(quoted, ''), text);

/** Every string and number anywhere in `value`. */
const leavesOf = (value: unknown): unknown[] => {
  if (Array.isArray(value)) {
    return value.flatMap((item) => leavesOf(item));
  }

  if (typeof value === 'object' && value !== null) {
    return Object.values(value).flatMap((item) => leavesOf(item));
  }

  return [value];
};

const ipAddress = /\b\d{1,3}(?:\.\d{1,3}){3}\b|::1\b/;

/** What a sign-in page must not tell the public, nor a user be asked to deal with. */
const expectNothingInternal = (text: unknown, failure: Failure) => {
  expect(typeof text).toBe('string');
  const sentence = String(text);
  const forbidden: Array<string | RegExp> = [
    'postmarkapp',
    'api.postmarkapp.com',
    'HTTP ',
    /postmark error/i,
    ipAddress,
    /\bE(?:CONN|NOTFOUND|AI_AGAIN|TIMEDOUT|HOSTUNREACH|NETUNREACH)/,
    /serverToken|fromEmail|templateAlias|templateId|"templates"/,
    /sender signature/i,
    'no-reply@',
    failure.operator,
    ...(failure.template ? [failure.template] : []),
    ...quotedFrom(failure),
    ...(failure.postmark
      ? [failure.postmark.ErrorCode, failure.postmark.status]
          .filter((number) => number !== 0)
          .map((number) => new RegExp(`\\b${number}\\b`))
      : []),
  ];

  for (const pattern of forbidden) {
    if (typeof pattern === 'string') {
      expect(sentence).not.toContain(pattern);
    } else {
      expect(sentence).not.toMatch(pattern);
    }
  }

  expect(sentence.length).toBeLessThan(160);
};

/** How many template lookups the Console test makes before it sends. */
/** The message stream, then each template once. */
const lookupsOf = (config: Config) =>
  1 + new Set(config.templates.map(({ templateAlias }) => templateAlias)).size;

describe.each(failures)('$name', (failure) => {
  it("the Console test shows the operator's sentence naming what to fix", async () => {
    const config = configOf(failure);
    sandbox.fail(...repeat(lookupsOf(config), () => faults.none()), ...(failure.faults ?? []));

    const error = await failureOf(failure, async () =>
      consoleTest(factory, 'me@example.com', config)
    );

    expect(error.code).toBe('general');
    expect(sandbox.accepted).toHaveLength(0);
    const description = error.data.errorDescription;
    expect(typeof description).toBe('string');
    // What to fix comes first, short enough to read in the toast's few seconds.
    const [first = ''] = String(description).split(/(?<=[!.?]["')\]]?)\s/);
    expect(first.length).toBeLessThanOrEqual(160);
    expect(oursIn(first, failure)).toMatch(failure.operator);

    for (const release of releases) {
      const body = responseBody(error, release);
      const toast = consoleToast(body);

      expect(body.status).toBe(400);
      expect(toast).toBe(`Error occurred in connector: ${String(description)}\n`);
      expect(oursIn(toast, failure)).toMatch(failure.operator);
      expect(`${JSON.stringify(body)}\n${toast}`).not.toContain(tokenOf(failure));
    }
  });

  it('a real send tells the user only what they can do; the audit log keeps the detail', async () => {
    const connector = await buildConnector(factory, configOf(failure));
    sandbox.fail(...(failure.faults ?? []));

    const error = await failureOf(failure, async () =>
      connector.sendMessage({
        to: 'user@example.com',
        type: TemplateType.SignIn,
        payload: { code: '123456', locale: 'en' },
      })
    );

    expect(error.code).toBe(failure.code);
    expect(sandbox.accepted).toHaveLength(0);
    const { data } = error;

    // The sign-in page, and the data it receives.
    expectNothingInternal(data.errorDescription, failure);
    if (failure.user) {
      expect(data.errorDescription).toMatch(failure.user);
    }

    for (const release of releases) {
      const body = responseBody(error, release);
      const toast = signInToast(body);

      expectNothingInternal(toast, failure);
      expect(JSON.stringify(body)).not.toContain(tokenOf(failure));
      expect(JSON.stringify(body.data)).not.toMatch(ipAddress);

      if (failure.code === 'general') {
        expect(body.status).toBe(400);
        expect(toast).toBe(`Error occurred in connector: ${String(data.errorDescription)}`);
      } else if (failure.code === 'rate_limit_exceeded') {
        expect(body.status).toBe(429);
        expect(toast).toBe('Trigger rate limit. Please try again later.');
      } else {
        expect(body.status).toBe(release === '1.37.1' ? 400 : 429);
      }
    }

    // The audit log: data, as the text of the error's message.
    expect(data.reason).toBe(failure.reason);
    expect(typeof data.operatorMessage).toBe('string');
    expect(oursIn(String(data.operatorMessage), failure)).toMatch(failure.operator);

    const leaves = leavesOf(data);
    expect(leaves).toContain(TemplateType.SignIn);
    if (failure.postmark) {
      expect(leaves).toContain(failure.postmark.ErrorCode);
      expect(leaves).toContain(failure.postmark.Message);
    }
    if (failure.attempts !== undefined) {
      expect(data.attempts).toBe(failure.attempts);
    }
    if (failure.cause) {
      expect(leaves).toContain(failure.cause);
    }
    if (failure.template) {
      const { template } = failure;
      expect(leaves.some((leaf) => typeof leaf === 'string' && leaf.includes(template))).toBe(true);
    }

    for (const release of releases) {
      const { message } = auditLogEntry(error, release).error;
      // The line starts with what the operator should read, not with the user's sentence.
      expect(
        message.startsWith(
          `Error: ConnectorError: {"operatorMessage":${JSON.stringify(data.operatorMessage)}`
        )
      ).toBe(true);
      expect(message).toContain(`"reason":"${failure.reason}"`);
      expect(message).not.toContain(tokenOf(failure));
    }
  });
});

describe("the user's language", () => {
  const failure = invalidField;

  const userMessage = async (locale: string) => {
    const connector = await buildConnector(factory, configOf(failure));
    const error = await failureOf(failure, async () =>
      connector.sendMessage({
        to: 'user@example.com',
        type: TemplateType.SignIn,
        payload: { code: '123456', locale },
      })
    );
    return error.data.errorDescription;
  };

  it("speaks every language of Logto's sign-in page, and English to anyone else", async () => {
    const languages =
      'en ar cs de es fa-IR fr it ja ko pl-PL pt-BR pt-PT ru th tr-TR uk-UA zh-CN zh-HK zh-TW'.split(
        ' '
      );
    const sentences = await Promise.all(languages.map(async (locale) => userMessage(locale)));

    expect(new Set(sentences).size).toBe(20);
    for (const sentence of sentences) {
      expectNothingInternal(sentence, failure);
    }
    expect(await userMessage('de-CH')).toBe(sentences[languages.indexOf('de')]);
    expect(await userMessage('zh-Hant-TW')).toBe(sentences[languages.indexOf('zh-TW')]);
    expect(await userMessage('nl')).toBe(sentences[0]);
  });
});
