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

/** Postmark's own names are public and tell the operator where to look. */
const postmarkHosts = new Set(['api.postmarkapp.com', 'status.postmarkapp.com', 'postmarkapp.com']);

/**
 * What names a host or an address in an error, each as `[replacement, pattern]`: a URL's
 * authority, the name after ENOTFOUND or EAI_AGAIN, IPv6 and IPv4 addresses with their port, and
 * a dotted name that ends in a label of letters, as top-level domains do. An email address's
 * parts are the sender's or the recipient's, not hosts on the way, and stay. Every part is bounded, and a name starts only where no
 * name character precedes it, so each pass is linear.
 */
const hostPatterns: Array<[string, RegExp]> = [
  ['[host]', /(?<=\/\/)[^\s"#'/<>?]{0,299}[^\s"#',./<>?]/g],
  ['[host]', /(?<=\b(?:ENOTFOUND|EAI_AGAIN) )[^\s"'(),;<>]{1,253}/g],
  ['[address]', /\[[\d.:a-f]{2,45}(?:%\w{1,16})?](?::\d{1,5})?/gi],
  ['[address]', /(?<![\w.:-])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?/g],
  ['[address]', /(?<![\w:])[\da-f]{0,4}(?::[\da-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}/gi],
  ['[host]', /(?<![\w@-]|[\w-]\.)(?:[\da-z][\da-z-]{0,62}\.){1,126}[a-z]{2,63}(?![\w@-])/gi],
];

/**
 * Error data reaches the sign-in page's browser and the audit log: any host or address other
 * than Postmark's (a proxy, a resolver, an internal gateway) becomes `[host]` or `[address]`.
 */
export const redactHosts = (text: string) =>
  hostPatterns.reduce(
    (result, [replacement, pattern]) =>
      result.replaceAll(pattern, (match) =>
        postmarkHosts.has(match.toLowerCase().replace(/:\d{1,5}$/, '')) ? match : replacement
      ),
    text
  );

/** The longest excerpt of an answer that is not Postmark's, quoted in the error. */
export const excerptLength = 120;

/**
 * A proxy or load balancer answering instead of Postmark sends HTML; show a short plain excerpt.
 * Only the start of the body is read, and a tag ends at the next `<` as well as at `>`, so a
 * body of nothing but `<` costs no more than any other. Hosts go before the cut, so that no part
 * of one is left.
 */
const excerpt = (body: string) => {
  const text = redactHosts(
    body
      .slice(0, 4096)
      .replaceAll(/<[^<>]*>?/g, ' ')
      .replaceAll(/\s+/g, ' ')
      .trim()
  );
  return text.length > excerptLength ? `${text.slice(0, excerptLength)}…` : text;
};

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
    const answered = `HTTP ${status}${answer ? ` with "${answer}"` : ' with an empty body'}${attemptsNote(attempts)}`;
    // An outage shows first at Postmark's own edge, which answers without Postmark's JSON too.
    return status >= 500
      ? `Postmark, or a proxy in between, answered ${answered}. Postmark may be having trouble; see https://status.postmarkapp.com.`
      : `Postmark did not answer as Postmark does: ${answered}. A proxy between Logto and Postmark may have answered instead.`;
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
        description: `Could not reach Postmark at api.postmarkapp.com: ${redactHosts(failure.cause)}${attemptsNote(failure.attempts)}. Check this server's network, DNS and proxy settings.`,
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

/** Error data is the connector's own and shallow; anything deeper is dropped rather than walked. */
const maxDataDepth = 8;

/** `value` with `clean` applied to every string in it; the same object when nothing changed. */
const cleanStrings = (value: unknown, clean: (text: string) => string, depth = 0): unknown => {
  if (typeof value === 'string') {
    return clean(value);
  }

  if (typeof value !== 'object' || value === null) {
    return value;
  }

  if (depth >= maxDataDepth) {
    return undefined;
  }

  if (Array.isArray(value)) {
    const items = value.map((item: unknown) => cleanStrings(item, clean, depth + 1));
    return items.every((item, index) => item === value[index]) ? value : items;
  }

  const entries = Object.entries(value);
  const cleaned = entries.map(
    ([key, item]) => [key, cleanStrings(item, clean, depth + 1)] as const
  );
  return cleaned.every(([, item], index) => item === entries[index]?.[1])
    ? value
    : Object.fromEntries(cleaned);
};

/**
 * Makes sure no error leaving the connector carries the server token or a host other than
 * Postmark's, in any string of its data, whatever a server or a library put into it. The token
 * has only letters, digits, `-` and `_`, so it reads the same in every string and in JSON, and
 * the search for it is exact. Anything that is not a `ConnectorError` becomes a `general` one.
 */
export const toSafeConnectorError = (error: unknown, secret?: string): ConnectorError => {
  const safe =
    error instanceof ConnectorError
      ? error
      : connectorError(
          ConnectorErrorCodes.General,
          `Unexpected error in the Postmark connector: ${error instanceof Error ? error.message : String(error)}`
        );
  const data = cleanStrings(safe.data, (text) =>
    redactHosts(secret ? text.replaceAll(secret, '[server token]') : text)
  );

  return data === safe.data ? safe : new ConnectorError(safe.code, data);
};
