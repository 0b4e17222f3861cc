import { type ZodError, type ZodIssue } from 'zod';

import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';

import { defaultMetadata } from './constant.js';
import { postmarkErrorGuard, type PostmarkError } from './types.js';

/** What the person on the sign-in page can do about a failed send. */
export type Advice = 'retry' | 'address' | 'site';

/**
 * A `ConnectorError` whose `data.errorDescription` is the operator's sentence: what happened and
 * what to change. `present` turns it into what each reader should see before it leaves.
 */
export const connectorError = (
  code: ConnectorErrorCodes,
  errorDescription: string,
  details: Record<string, unknown> = {},
  advice: Advice = 'site'
) => new ConnectorError(code, { errorDescription, advice, ...details });

/** Kits before 5.1.1 (Logto before 1.43) lack this code; their Logto answers `general` instead. */
export const usageLimitExceeded =
  Object.values(ConnectorErrorCodes).find((code) => String(code) === 'usage_limit_exceeded') ??
  ConnectorErrorCodes.General;

const formatPath = (path: ReadonlyArray<string | number>) =>
  path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : index ? `.${key}` : key))
    .join('');

const labelOf = (key: string | number | undefined) =>
  defaultMetadata.formItems?.find((item) => item.key === key)?.label;

/** Names a field as the Console's form does, with its key for JSON editors: `Sender (fromEmail)`. */
const describeIssue = ({ path, message }: ZodIssue) => {
  if (path.length === 0) {
    return message;
  }

  const label = labelOf(path[0]);
  return `${label ? `${label} (${formatPath(path)})` : formatPath(path)}: ${message}`;
};

/** Enough issues to act on; a form with hundreds of wrong entries needs the first few fixed. */
const shownIssues = 10;

const describeZodError = ({ issues }: ZodError) => {
  const shown = issues.slice(0, shownIssues).map((issue) => describeIssue(issue));
  const more = issues.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
};

export const invalidConfig = (error: ZodError) =>
  connectorError(
    ConnectorErrorCodes.InvalidConfig,
    `The Postmark connector's configuration is invalid. ${describeZodError(error)}.`
  );

/** What went wrong on the way to Postmark, before it is put into words. */
export type PostmarkFailure =
  | { kind: 'http'; status: number; body: string; attempts: number }
  | { kind: 'network'; cause: string; code?: string; attempts: number }
  | { kind: 'deadline'; milliseconds: number; attempts: number };

/** What the send was about, so that an error can name the thing to fix. */
export type SendContext = {
  from: string;
  to: string;
  usageType: string;
  /** How the Postmark template was chosen, such as `alias "logto-sign-in"`; absent for custom templates. */
  template?: string;
};

export const parsePostmarkError = (body: string): PostmarkError | undefined => {
  try {
    const parsed = postmarkErrorGuard.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

/**
 * A proxy or load balancer answering instead of Postmark sends HTML; show a short plain excerpt.
 * Only the start of the body is read, and a tag ends at the next `<` as well as at `>`, so a
 * body of nothing but `<` costs no more than any other.
 */
const excerpt = (body: string) => {
  const text = body
    .slice(0, 4096)
    .replaceAll(/<[^<>]*>?/g, ' ')
    .replaceAll(/\s+/g, ' ')
    .trim();
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
};

/**
 * Postmark's host is public; any other address in a network error is this server's (a proxy, a
 * resolver) and stays out of the error, which the sign-in page's browser receives too.
 */
const redactAddresses = (text: string) =>
  text
    .replaceAll(/\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?/g, '[address]')
    .replaceAll(/\[?[\da-f]{0,4}(?::[\da-f]{0,4}){2,7}]?(?::\d{1,5})?/gi, '[address]');

const attemptsNote = (attempts: number) => (attempts > 1 ? ` (after ${attempts} attempts)` : '');

const seconds = (milliseconds: number) => `${Math.round(milliseconds / 100) / 10} s`;

/** An error's code, its sentence, and the facts behind it. */
export type Verdict = {
  code: ConnectorErrorCodes;
  description: string;
  details: Record<string, unknown>;
  advice: Advice;
};

type HttpFacts = {
  status: number;
  /** Postmark's ErrorCode and Message, when the body is Postmark's error JSON. */
  code?: number;
  message?: string;
  /** What Postmark said, as quoted in every description. */
  said: string;
  body: string;
  attempts: number;
  context: SendContext;
};

type HttpRule = {
  when: (facts: HttpFacts) => boolean;
  code: ConnectorErrorCodes;
  advice: Advice;
  describe: (facts: HttpFacts) => string;
};

const isTemplateError = (code?: number) => code !== undefined && code >= 1100 && code < 1200;

/** The address field a Postmark 300 names first, as in "Error parsing 'To': Illegal email address". */
const addressField = ({ code, message = '' }: HttpFacts) =>
  code === 300
    ? /'(?<field>to|from|reply-?to)'/i
        .exec(message.slice(0, 1000))
        ?.groups?.field?.toLowerCase()
        .replace('-', '')
    : undefined;

/** Postmark's answers, most specific first; the first rule that fits says what happened. */
const httpRules: HttpRule[] = [
  {
    when: ({ status, code }) => status === 401 || code === 10,
    code: ConnectorErrorCodes.InvalidConfig,
    advice: 'site',
    describe: ({ said }) =>
      `Postmark rejected the server token (${said}). Copy a Server API token from Postmark (Servers → your server → API Tokens) into "Server API token".`,
  },
  {
    when: ({ status }) => status === 429,
    code: ConnectorErrorCodes.RateLimitExceeded,
    advice: 'retry',
    describe: ({ said, attempts }) =>
      `Postmark is limiting how fast this server may send (${said})${attemptsNote(attempts)}. Try again in a moment.`,
  },
  {
    when: ({ code }) => code === 400 || code === 401,
    code: ConnectorErrorCodes.InvalidConfig,
    advice: 'site',
    describe: ({ said, context }) =>
      `Postmark will not send from ${context.from} (${said}). Add and confirm this address as a Sender Signature, or verify its domain, in Postmark; or change "Sender".`,
  },
  {
    when: ({ code }) => code === 1101,
    code: ConnectorErrorCodes.TemplateNotFound,
    advice: 'site',
    describe: ({ said, context }) =>
      `Postmark has no template with ${context.template ?? 'that alias'} for usage type ${context.usageType} on this server (${said}). Create the template in Postmark, or fix its entry in "Templates".`,
  },
  {
    when: ({ code }) => code === 405 || code === 412 || code === 413,
    code: usageLimitExceeded,
    advice: 'site',
    describe: ({ said }) =>
      `The Postmark account may not send right now (${said}). Check its credits and status in Postmark.`,
  },
  {
    when: ({ code }) => code === 406,
    code: ConnectorErrorCodes.General,
    advice: 'address',
    describe: ({ said, context }) =>
      `Postmark will not send to ${context.to}: the address is inactive after a hard bounce or a spam complaint (${said}). If the address is valid, reactivate it under the stream's Suppressions in Postmark.`,
  },
  {
    when: (facts) => addressField(facts) === 'to',
    code: ConnectorErrorCodes.InvalidRequestParameters,
    advice: 'address',
    describe: ({ said, context }) =>
      `Postmark cannot send to ${context.to} (${said}). The user should check the address.`,
  },
  {
    when: (facts) => addressField(facts) === 'from',
    code: ConnectorErrorCodes.InvalidConfig,
    advice: 'site',
    describe: ({ said, context }) =>
      `Postmark cannot read the sender ${context.from} (${said}). Correct "Sender", or the sendFrom of Logto's email template.`,
  },
  {
    when: (facts) => addressField(facts) === 'replyto',
    code: ConnectorErrorCodes.InvalidConfig,
    advice: 'site',
    describe: ({ said }) =>
      `Postmark cannot read the Reply-To address (${said}). Correct "Reply-To", or the replyTo of Logto's email template.`,
  },
  {
    when: ({ code, status }) => code !== undefined && status >= 500,
    code: ConnectorErrorCodes.General,
    advice: 'retry',
    describe: ({ said, attempts }) =>
      `Postmark could not take the email (${said})${attemptsNote(attempts)}. Postmark may be having trouble; see https://status.postmarkapp.com.`,
  },
  {
    when: ({ code }) => code !== undefined,
    code: ConnectorErrorCodes.General,
    advice: 'site',
    describe: ({ said, attempts, code, context }) =>
      `Postmark refused the email${isTemplateError(code) && context.template ? ` with template ${context.template}` : ''} (${said})${attemptsNote(attempts)}.`,
  },
];

const notPostmark: HttpRule = {
  when: () => true,
  code: ConnectorErrorCodes.General,
  advice: 'retry',
  describe: ({ status, body, attempts }) => {
    const answer = excerpt(body);
    return `Postmark did not answer as Postmark does: HTTP ${status}${answer ? ` with "${answer}"` : ' with an empty body'}${attemptsNote(attempts)}. A proxy between Logto and Postmark may have answered instead.`;
  },
};

const httpFailure = (
  { status, body, attempts }: Extract<PostmarkFailure, { kind: 'http' }>,
  context: SendContext
): Verdict => {
  const postmark = parsePostmarkError(body);
  const facts: HttpFacts = {
    status,
    code: postmark?.ErrorCode,
    message: postmark?.Message,
    said: postmark
      ? `HTTP ${status}, Postmark error ${postmark.ErrorCode}: ${postmark.Message}`
      : `HTTP ${status}`,
    body,
    attempts,
    context,
  };
  const rule = httpRules.find(({ when }) => when(facts)) ?? notPostmark;

  return {
    code: rule.code,
    advice: rule.advice,
    description: rule.describe(facts),
    details: {
      status,
      attempts,
      ...(postmark && { postmarkErrorCode: postmark.ErrorCode, postmarkMessage: postmark.Message }),
    },
  };
};

/** Puts a failed Postmark call into words a Console user can act on. */
export const describeFailure = (failure: PostmarkFailure, context: SendContext): Verdict => {
  switch (failure.kind) {
    case 'http': {
      return httpFailure(failure, context);
    }

    case 'network': {
      return {
        code: ConnectorErrorCodes.General,
        advice: 'retry',
        description: `Could not reach Postmark at api.postmarkapp.com: ${redactAddresses(failure.cause)}${attemptsNote(failure.attempts)}. Check this server's network, DNS and proxy settings.`,
        details: { attempts: failure.attempts, cause: failure.code },
      };
    }

    case 'deadline': {
      return {
        code: ConnectorErrorCodes.General,
        advice: 'retry',
        description: `Postmark did not answer within ${seconds(failure.milliseconds)}${attemptsNote(failure.attempts)}. Postmark may be having trouble; see https://status.postmarkapp.com.`,
        details: { attempts: failure.attempts, milliseconds: failure.milliseconds },
      };
    }
  }
};

export const postmarkFailureError = (failure: PostmarkFailure, context: SendContext) => {
  const { code, description, details, advice } = describeFailure(failure, context);
  return connectorError(
    code,
    description,
    { usageType: context.usageType, template: context.template, ...details },
    advice
  );
};

const replaceInStrings = (value: unknown, secret: string): unknown => {
  if (typeof value === 'string') {
    return value.replaceAll(secret, '[server token]');
  }

  if (Array.isArray(value)) {
    return value.map((item) => replaceInStrings(item, secret));
  }

  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, replaceInStrings(item, secret)])
    );
  }

  return value;
};

/**
 * Makes sure no error leaving the connector carries the server token, whatever a server or a
 * library put into it. Anything that is not a `ConnectorError` becomes a `general` one.
 */
export const toSafeConnectorError = (error: unknown, secret?: string): ConnectorError => {
  const safe =
    error instanceof ConnectorError
      ? error
      : connectorError(
          ConnectorErrorCodes.General,
          `Unexpected error in the Postmark connector: ${error instanceof Error ? error.message : String(error)}`
        );

  if (!secret || !JSON.stringify(safe.data ?? '').includes(secret)) {
    return safe;
  }

  return new ConnectorError(safe.code, replaceInStrings(safe.data, secret));
};
