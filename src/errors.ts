import { type ZodError, type ZodIssue } from 'zod';

import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';

import { postmarkErrorGuard, type PostmarkError } from './types.js';

/**
 * A `ConnectorError` whose `data.errorDescription` is a plain sentence: Logto shows that string
 * verbatim in the Console and in its logs.
 */
export const connectorError = (
  code: ConnectorErrorCodes,
  errorDescription: string,
  details: Record<string, unknown> = {}
) => new ConnectorError(code, { errorDescription, ...details });

const formatPath = (path: ReadonlyArray<string | number>) =>
  path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : index ? `.${key}` : key))
    .join('');

const describeIssue = ({ path, message }: ZodIssue) =>
  path.length > 0 ? `${formatPath(path)}: ${message}` : message;

const describeZodError = (error: ZodError) =>
  error.issues.map((issue) => describeIssue(issue)).join('; ');

export const invalidConfig = (error: ZodError) =>
  connectorError(
    ConnectorErrorCodes.InvalidConfig,
    `The Postmark connector's configuration is invalid. ${describeZodError(error)}.`
  );

/** What went wrong on the way to Postmark, before it is put into words. */
export type PostmarkFailure =
  | { kind: 'http'; status: number; body: string; attempts: number }
  | { kind: 'network'; cause: string; attempts: number }
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

/** A proxy or load balancer answering instead of Postmark sends HTML; show a short plain excerpt. */
const excerpt = (body: string) => {
  const text = body
    .replaceAll(/<[^>]*>/g, ' ')
    .replaceAll(/\s+/g, ' ')
    .trim();
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
};

const attemptsNote = (attempts: number) => (attempts > 1 ? ` (after ${attempts} attempts)` : '');

const seconds = (milliseconds: number) => `${Math.round(milliseconds / 100) / 10} s`;

/** An error's code, its sentence, and the facts behind it. */
export type Verdict = {
  code: ConnectorErrorCodes;
  description: string;
  details: Record<string, unknown>;
};

const verdict = (
  code: ConnectorErrorCodes,
  description: string,
  details: Record<string, unknown> = {}
): Verdict => ({ code, description, details });

type HttpFacts = {
  status: number;
  /** Postmark's ErrorCode, when the body is Postmark's error JSON. */
  code?: number;
  /** What Postmark said, as quoted in every description. */
  said: string;
  body: string;
  attempts: number;
  context: SendContext;
};

type HttpRule = {
  when: (facts: HttpFacts) => boolean;
  code: ConnectorErrorCodes;
  describe: (facts: HttpFacts) => string;
};

const isTemplateError = (code?: number) => code !== undefined && code >= 1100 && code < 1200;

/** Postmark's answers, most specific first; the first rule that fits says what happened. */
const httpRules: HttpRule[] = [
  {
    when: ({ status, code }) => status === 401 || code === 10,
    code: ConnectorErrorCodes.InvalidConfig,
    describe: ({ said }) =>
      `Postmark rejected the server token (${said}). Copy a Server API token from Postmark (Servers → your server → API Tokens) into "serverToken".`,
  },
  {
    when: ({ status }) => status === 429,
    code: ConnectorErrorCodes.RateLimitExceeded,
    describe: ({ said, attempts }) =>
      `Postmark is limiting how fast this server may send (${said})${attemptsNote(attempts)}. Try again in a moment.`,
  },
  {
    when: ({ code }) => code === 400 || code === 401,
    code: ConnectorErrorCodes.InvalidConfig,
    describe: ({ said, context }) =>
      `Postmark will not send from ${context.from} (${said}). Add and confirm this address as a Sender Signature, or verify its domain, in Postmark; or change "fromEmail".`,
  },
  {
    when: ({ code }) => code === 1101,
    code: ConnectorErrorCodes.TemplateNotFound,
    describe: ({ said, context }) =>
      `Postmark has no template with ${context.template ?? 'that alias'} for usage type ${context.usageType} on this server (${said}). Create the template in Postmark, or fix its entry in "templates".`,
  },
  {
    when: ({ code }) => code === 405 || code === 412 || code === 413,
    code: ConnectorErrorCodes.UsageLimitExceeded,
    describe: ({ said }) =>
      `The Postmark account may not send right now (${said}). Check its credits and status in Postmark.`,
  },
  {
    when: ({ code }) => code === 406,
    code: ConnectorErrorCodes.General,
    describe: ({ said, context }) =>
      `Postmark will not send to ${context.to}: the address is inactive after a hard bounce or a spam complaint (${said}). If the address is valid, reactivate it under the stream's Suppressions in Postmark.`,
  },
  {
    when: ({ code, status }) => code !== undefined && status >= 500,
    code: ConnectorErrorCodes.General,
    describe: ({ said, attempts }) =>
      `Postmark could not take the email (${said})${attemptsNote(attempts)}. Postmark may be having trouble; see https://status.postmarkapp.com.`,
  },
  {
    when: ({ code }) => code !== undefined,
    code: ConnectorErrorCodes.General,
    describe: ({ said, attempts, code, context }) =>
      `Postmark refused the email${isTemplateError(code) && context.template ? ` with template ${context.template}` : ''} (${said})${attemptsNote(attempts)}.`,
  },
];

const notPostmark: HttpRule = {
  when: () => true,
  code: ConnectorErrorCodes.General,
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
    said: postmark
      ? `HTTP ${status}, Postmark error ${postmark.ErrorCode}: ${postmark.Message}`
      : `HTTP ${status}`,
    body,
    attempts,
    context,
  };
  const rule = httpRules.find(({ when }) => when(facts)) ?? notPostmark;

  return verdict(rule.code, rule.describe(facts), {
    status,
    attempts,
    ...(postmark && { postmarkErrorCode: postmark.ErrorCode, postmarkMessage: postmark.Message }),
  });
};

/** Puts a failed Postmark call into words a Console user can act on. */
export const describeFailure = (failure: PostmarkFailure, context: SendContext): Verdict => {
  switch (failure.kind) {
    case 'http': {
      return httpFailure(failure, context);
    }

    case 'network': {
      return verdict(
        ConnectorErrorCodes.General,
        `Could not reach Postmark at api.postmarkapp.com: ${failure.cause}${attemptsNote(failure.attempts)}. Check this server's network, DNS and proxy settings.`,
        { attempts: failure.attempts }
      );
    }

    case 'deadline': {
      return verdict(
        ConnectorErrorCodes.General,
        `Postmark did not answer within ${seconds(failure.milliseconds)}${attemptsNote(failure.attempts)}. Postmark may be having trouble; see https://status.postmarkapp.com.`,
        { attempts: failure.attempts }
      );
    }
  }
};

export const postmarkFailureError = (failure: PostmarkFailure, context: SendContext) => {
  const { code, description, details } = describeFailure(failure, context);
  return connectorError(code, description, details);
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
