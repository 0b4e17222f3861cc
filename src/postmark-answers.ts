import { ConnectorErrorCodes } from '@logto/connector-kit';

import {
  type Advice,
  type PostmarkFailure,
  type SendContext,
  connectorError,
  usageLimitExceeded,
} from './errors.js';
import { parseJson } from './json.js';
import { redactHosts } from './redact.js';
import { type PostmarkError, postmarkErrorGuard } from './types.js';

/** Postmark's error JSON, when the body is one. */
export const parsePostmarkError = (body: string): PostmarkError | undefined =>
  parseJson(postmarkErrorGuard, body);

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

/** What an answer that is not Postmark's said, as a few words after its status. */
const answerQuote = (body: string) => {
  const answer = excerpt(body);
  return answer ? ` with "${answer}"` : ' with an empty body';
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
    // A proxy's own page refusing the request, or asking for its credentials: no retry, and no
    // wait, lets this site send until its operator changes something.
    when: ({ code, status }) => code === undefined && (status === 403 || status === 407),
    code: ConnectorErrorCodes.General,
    advice: 'site',
    describe: ({ status, body, attempts }) =>
      `Postmark did not answer as Postmark does: HTTP ${status}${answerQuote(body)}${attemptsNote(attempts)}. ${
        status === 407
          ? 'A proxy between Logto and Postmark asks for credentials: put them in the proxy address Logto is given, or let this server reach api.postmarkapp.com without it.'
          : 'A proxy or firewall between Logto and Postmark may have refused the request: let this server reach api.postmarkapp.com.'
      }`,
  },
  {
    when: ({ code }) => code !== undefined,
    code: ConnectorErrorCodes.General,
    advice: 'site',
    describe: ({ said, attempts, code, context }) =>
      `Postmark refused the email${isTemplateError(code) && context.template ? ` with template ${context.template}` : ''} (${said})${attemptsNote(attempts)}.`,
  },
];

const notPostmark: Omit<HttpRule, 'when'> = {
  code: ConnectorErrorCodes.General,
  advice: 'retry',
  describe: ({ status, body, attempts }) => {
    const answered = `HTTP ${status}${answerQuote(body)}${attemptsNote(attempts)}`;
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
