import { ConnectorErrorCodes } from '@logto/connector-kit';

import {
  type Advice,
  type PostmarkFailure,
  type SendContext,
  clip,
  connectorError,
  sentence,
  usageLimitExceeded,
} from '../errors/connector-error.js';
import { redactHosts } from '../errors/redact.js';
import { addressOf } from '../mailbox.js';

import { type PostmarkError, parseJson, postmarkErrorGuard } from './json.js';

/** Postmark's error JSON, when the body is one. */
export const parsePostmarkError = (body: string): PostmarkError | undefined =>
  parseJson(postmarkErrorGuard, body);

/** The longest excerpt of an answer that is not Postmark's, quoted in the error. */
export const excerptLength = 120;

/**
 * A short plain excerpt of what a proxy or load balancer sent instead of Postmark's JSON, its
 * hosts hidden before the cut. A tag also ends at the next `<`, so any body costs the same.
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

/** What an answer that is not Postmark's said, as a few words after its status. */
const answerQuote = (body: string) => {
  const answer = excerpt(body);
  return answer ? ` with "${answer}"` : ' with an empty body';
};

/** How a detail sentence starts when the connector tried more than once. */
const afterAttempts = (attempts: number) => (attempts > 1 ? `After ${attempts} attempts, ` : '');

const seconds = (milliseconds: number) => `${Math.round(milliseconds / 100) / 10} s`;

/** A wait as people say it: seconds, then minutes, then hours. */
const duration = (milliseconds: number) => {
  const minutes = Math.round(milliseconds / 60_000);

  if (milliseconds < 90_000) {
    return `${Math.ceil(milliseconds / 1000)} s`;
  }

  return minutes < 90 ? `${minutes} minutes` : `${Math.round(minutes / 60)} hours`;
};

/** Postmark's `Retry-After`, as the connector did not wait it out: when to try again. */
const backIn = (retryAfterMs?: number) =>
  retryAfterMs === undefined || retryAfterMs <= 0
    ? ''
    : ` Postmark asked to wait ${duration(retryAfterMs)} before the next try.`;

export type FailureWords = {
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
  /** What came back, as the sentence after the one that says what to fix. */
  said: string;
  body: string;
  attempts: number;
  context: SendContext;
};

/** Postmark's answer as one sentence: its status, its ErrorCode unless that repeats the status or is 0, and its Message. */
export const postmarkSaid = (
  status: number,
  attempts: number,
  { ErrorCode, Message }: PostmarkError
) => {
  const errorCode = ErrorCode === status || ErrorCode === 0 ? '' : `, error ${ErrorCode}`;
  return sentence(
    `${afterAttempts(attempts)}Postmark answered HTTP ${status}${errorCode}${Message ? `: "${Message}"` : ''}`
  );
};

/** An answer that is not Postmark's JSON, as one sentence. */
const othersSaid = (status: number, attempts: number, body: string) =>
  `${afterAttempts(attempts)}${attempts > 1 ? 'the' : 'The'} answer was HTTP ${status}${answerQuote(body)}, not Postmark's.`;

type HttpRule = {
  when: (facts: HttpFacts) => boolean;
  code: ConnectorErrorCodes;
  advice: Advice;
  /** The sentence that says what to fix; what came back follows it. */
  fix: (facts: HttpFacts) => string;
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

const statusPage = 'see https://status.postmarkapp.com, and try again later';

// Postmark's answers, most specific first: the first that fits says what to fix, in one sentence
// of at most `maxFirstSentence` characters in the form's and Postmark's words, names clipped.
const httpRules: HttpRule[] = [
  {
    when: ({ status, code }) => status === 401 || code === 10,
    code: ConnectorErrorCodes.InvalidConfig,
    advice: 'site',
    fix: () =>
      'Postmark rejected the server token: copy the Server API token from Postmark (Servers → your server → API Tokens) into "Server API token".',
  },
  {
    when: ({ status }) => status === 429,
    code: ConnectorErrorCodes.RateLimitExceeded,
    advice: 'retry',
    fix: () => 'Postmark is limiting how fast this server may send: wait a moment, then try again.',
  },
  {
    when: ({ code }) => code === 400 || code === 401,
    code: ConnectorErrorCodes.InvalidConfig,
    advice: 'site',
    fix: ({ context }) =>
      `Postmark will not send from ${clip(addressOf(context.from), 48)}: confirm it as a Sender Signature, verify its domain, or change "Sender".`,
  },
  {
    when: ({ code }) => code === 1101,
    code: ConnectorErrorCodes.TemplateNotFound,
    advice: 'site',
    fix: ({ context }) =>
      `Postmark has no template with ${context.template ? clip(context.template, 48) : 'that alias'} for ${context.usageType}: create it there, or fix "Templates".`,
  },
  {
    when: ({ code }) => code === 405 || code === 412 || code === 413,
    code: usageLimitExceeded,
    advice: 'site',
    fix: () =>
      'The Postmark account may not send right now: check its credits and status in Postmark.',
  },
  {
    when: ({ code }) => code === 406,
    code: ConnectorErrorCodes.General,
    advice: 'address',
    fix: ({ context }) =>
      `Postmark will not send to ${clip(context.to, 48)}, an inactive address: if it is valid, reactivate it under the stream's Suppressions.`,
  },
  {
    when: (facts) => addressField(facts) === 'to',
    code: ConnectorErrorCodes.InvalidRequestParameters,
    advice: 'address',
    fix: ({ context }) =>
      `Postmark cannot send to ${clip(context.to, 48)}: check the address, or use another one.`,
  },
  {
    when: (facts) => addressField(facts) === 'from',
    code: ConnectorErrorCodes.InvalidConfig,
    advice: 'site',
    fix: ({ context }) =>
      `Postmark cannot read the sender ${clip(context.from, 48)}: correct "Sender", or the sendFrom of Logto's email template.`,
  },
  {
    when: (facts) => addressField(facts) === 'replyto',
    code: ConnectorErrorCodes.InvalidConfig,
    advice: 'site',
    fix: () =>
      'Postmark cannot read the Reply-To: correct "Reply-To", or the replyTo of Logto\'s email template.',
  },
  {
    when: ({ code, status }) => code !== undefined && status >= 500,
    code: ConnectorErrorCodes.General,
    advice: 'retry',
    fix: () => `Postmark is having trouble: ${statusPage}.`,
  },
  {
    // A proxy's own refusal: no retry or wait helps until the operator changes something.
    when: ({ code, status }) => code === undefined && status === 407,
    code: ConnectorErrorCodes.General,
    advice: 'site',
    fix: () =>
      "A proxy between Logto and Postmark asks for credentials: add them to HTTPS_PROXY in Logto's environment, or let this server reach api.postmarkapp.com.",
  },
  {
    when: ({ code, status }) => code === undefined && status === 403,
    code: ConnectorErrorCodes.General,
    advice: 'site',
    fix: () =>
      'Something between Logto and Postmark refused the request: let this server reach api.postmarkapp.com through its proxy or firewall.',
  },
  {
    when: ({ code }) => code !== undefined,
    code: ConnectorErrorCodes.General,
    advice: 'site',
    fix: ({ code, context }) =>
      `Postmark refused the email${isTemplateError(code) && context.template ? ` with template ${clip(context.template, 48)}` : ''}: fix what its answer names.`,
  },
];

/** Any other answer that is not Postmark's JSON. */
const notPostmark: Omit<HttpRule, 'when'> = {
  code: ConnectorErrorCodes.General,
  advice: 'retry',
  // An outage shows first at Postmark's own edge, which answers without Postmark's JSON too.
  fix: ({ status }) =>
    status >= 500
      ? `Postmark, or a proxy between Logto and Postmark, is having trouble: ${statusPage}.`
      : "Something other than Postmark answered: check this server's proxy settings for api.postmarkapp.com.",
};

const httpFailure = (
  { status, body, attempts, retryAfterMs }: Extract<PostmarkFailure, { kind: 'http' }>,
  context: SendContext
): FailureWords => {
  const postmark = parsePostmarkError(body);
  const facts: HttpFacts = {
    status,
    code: postmark?.ErrorCode,
    message: postmark?.Message,
    said: postmark ? postmarkSaid(status, attempts, postmark) : othersSaid(status, attempts, body),
    body,
    attempts,
    context,
  };
  const rule = httpRules.find(({ when }) => when(facts)) ?? notPostmark;

  return {
    code: rule.code,
    advice: rule.advice,
    description: `${rule.fix(facts)} ${facts.said}${backIn(retryAfterMs)}`,
    details: {
      status,
      attempts,
      ...(retryAfterMs && { retryAfterSeconds: Math.ceil(retryAfterMs / 1000) }),
      ...(postmark && { postmarkErrorCode: postmark.ErrorCode, postmarkMessage: postmark.Message }),
    },
  };
};

/** Puts a failed Postmark call into words a Console user can act on. */
export const describeFailure = (failure: PostmarkFailure, context: SendContext): FailureWords => {
  switch (failure.kind) {
    case 'http': {
      return httpFailure(failure, context);
    }

    case 'network': {
      return {
        code: ConnectorErrorCodes.General,
        advice: 'retry',
        description: `This server could not reach Postmark: check its network, DNS and proxy settings for api.postmarkapp.com. ${sentence(
          `${afterAttempts(failure.attempts)}${failure.attempts > 1 ? 'the last' : 'The'} connection failed with ${redactHosts(failure.cause)}`
        )}`,
        details: { attempts: failure.attempts, cause: failure.code },
      };
    }

    case 'deadline': {
      return {
        code: ConnectorErrorCodes.General,
        advice: 'retry',
        description:
          `Postmark did not answer within ${seconds(failure.milliseconds)}: see https://status.postmarkapp.com, and check this server's network. ${
            failure.attempts > 1 ? `The connector made ${failure.attempts} attempts.` : ''
          }`.trim(),
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
