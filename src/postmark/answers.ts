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
export const parsePostmarkError = (body: string) => parseJson(postmarkErrorGuard, body);

/** The longest excerpt of an answer that is not Postmark's, quoted in the error. */
export const excerptLength = 120;

/** How a detail sentence starts when the connector tried more than once. */
const afterAttempts = (attempts: number) => (attempts > 1 ? `After ${attempts} attempts, ` : '');

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

// What a proxy or load balancer sent, as a short plain excerpt with its hosts hidden before the cut.
// A tag also ends at the next `<`, so any body costs the same.
const othersSaid = (status: number, attempts: number, body: string) => {
  const untagged = body.slice(0, 4096).replaceAll(/<[^<>]*>?/g, ' ');
  const text = redactHosts(untagged.replaceAll(/\s+/g, ' ').trim());
  const excerpt = text.length > excerptLength ? `${text.slice(0, excerptLength)}…` : text;
  const quote = excerpt ? ` with "${excerpt}"` : ' with an empty body';
  return `${afterAttempts(attempts)}${attempts > 1 ? 'the' : 'The'} answer was HTTP ${status}${quote}, not Postmark's.`;
};

/** The `Retry-After` not waited out, as people say a wait, rounded up so never too soon. */
const backIn = (retryAfterMs = 0) => {
  const minutes = Math.ceil(retryAfterMs / 60_000);
  const hours = minutes < 90 ? `${minutes} minutes` : `${Math.ceil(minutes / 60)} hours`;
  const wait = retryAfterMs < 90_000 ? `${Math.ceil(retryAfterMs / 1000)} s` : hours;
  return retryAfterMs <= 0 ? '' : ` Postmark asked to wait ${wait} before the next try.`;
};

/** An answer's status, with Postmark's ErrorCode and Message when the body is Postmark's JSON. */
type HttpFacts = { status: number; code?: number; message?: string; context: SendContext };

/** Unless a rule says otherwise, its code is General and its advice 'site'. */
type HttpRule = {
  when: (facts: HttpFacts) => boolean;
  code?: ConnectorErrorCodes;
  advice?: Advice;
  /** The sentence that says what to fix; what came back follows it. */
  fix: string | ((facts: HttpFacts) => string);
};

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
    fix: 'Postmark rejected the server token: copy the Server API token from Postmark (Servers → your server → API Tokens) into "Server API token".',
  },
  {
    when: ({ status }) => status === 429,
    code: ConnectorErrorCodes.RateLimitExceeded,
    advice: 'retry',
    fix: 'Postmark is limiting how fast this server may send: wait a moment, then try again.',
  },
  {
    when: ({ code }) => code === 400 || code === 401,
    code: ConnectorErrorCodes.InvalidConfig,
    fix: ({ context }) =>
      `Postmark will not send from ${clip(addressOf(context.from), 48)}: confirm it as a Sender Signature, verify its domain, or change "Sender".`,
  },
  {
    when: ({ code }) => code === 1101,
    code: ConnectorErrorCodes.TemplateNotFound,
    fix: ({ context }) =>
      `Postmark has no template with ${context.template ? clip(context.template, 48) : 'that alias'} for ${context.usageType}: create it there, or fix "Templates".`,
  },
  {
    when: ({ code }) => code === 405 || code === 412 || code === 413,
    code: usageLimitExceeded,
    fix: 'The Postmark account may not send right now: check its credits and status in Postmark.',
  },
  {
    when: ({ code }) => code === 406,
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
    fix: ({ context }) =>
      `Postmark cannot read the sender ${clip(context.from, 48)}: correct "Sender", or the sendFrom of Logto's email template.`,
  },
  {
    when: (facts) => addressField(facts) === 'replyto',
    code: ConnectorErrorCodes.InvalidConfig,
    fix: 'Postmark cannot read the Reply-To: correct "Reply-To", or the replyTo of Logto\'s email template.',
  },
  {
    when: ({ code, status }) => code !== undefined && status >= 500,
    advice: 'retry',
    fix: `Postmark is having trouble: ${statusPage}.`,
  },
  {
    // A proxy's own refusal: no retry or wait helps until the operator changes something.
    when: ({ code, status }) => code === undefined && status === 407,
    fix: "A proxy between Logto and Postmark asks for credentials: add them to HTTPS_PROXY in Logto's environment, or let this server reach api.postmarkapp.com.",
  },
  {
    when: ({ code, status }) => code === undefined && status === 403,
    fix: 'Something between Logto and Postmark refused the request: let this server reach api.postmarkapp.com through its proxy or firewall.',
  },
  {
    when: ({ code }) => code !== undefined,
    fix: ({ code = 0, context }) =>
      `Postmark refused the email${code >= 1100 && code < 1200 && context.template ? ` with template ${clip(context.template, 48)}` : ''}: fix what its answer names.`,
  },
];

/** Any other answer, which is not Postmark's JSON. */
const notPostmark: Omit<HttpRule, 'when'> = {
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
) => {
  const postmark = parsePostmarkError(body);
  const facts = { status, code: postmark?.ErrorCode, message: postmark?.Message, context };
  const rule = httpRules.find(({ when }) => when(facts)) ?? notPostmark;
  const said = postmark
    ? postmarkSaid(status, attempts, postmark)
    : othersSaid(status, attempts, body);

  return {
    code: rule.code ?? ConnectorErrorCodes.General,
    advice: rule.advice ?? 'site',
    description: `${typeof rule.fix === 'string' ? rule.fix : rule.fix(facts)} ${said}${backIn(retryAfterMs)}`,
    details: {
      status,
      attempts,
      ...(retryAfterMs && { retryAfterSeconds: Math.ceil(retryAfterMs / 1000) }),
      ...(postmark && { postmarkErrorCode: postmark.ErrorCode, postmarkMessage: postmark.Message }),
    },
  };
};

/** Puts a failed Postmark call into words a Console user can act on. */
export const describeFailure = (failure: PostmarkFailure, context: SendContext) => {
  const { attempts } = failure;
  const noAnswer = { code: ConnectorErrorCodes.General, advice: 'retry' } as const;

  if (failure.kind === 'network') {
    return {
      ...noAnswer,
      description: `This server could not reach Postmark: check its network, DNS and proxy settings for api.postmarkapp.com. ${sentence(
        `${afterAttempts(attempts)}${attempts > 1 ? 'the last' : 'The'} connection failed with ${redactHosts(failure.cause)}`
      )}`,
      details: { attempts, cause: failure.code },
    };
  }

  if (failure.kind === 'deadline') {
    return {
      ...noAnswer,
      description: `Postmark did not answer within ${Math.round(failure.milliseconds / 100) / 10} s: see https://status.postmarkapp.com, and check this server's network.${
        attempts > 1 ? ` The connector made ${attempts} attempts.` : ''
      }`,
      details: { attempts, milliseconds: failure.milliseconds },
    };
  }

  return httpFailure(failure, context);
};

export const postmarkFailureError = (failure: PostmarkFailure, context: SendContext) => {
  const { code, description, details, advice } = describeFailure(failure, context);
  const { usageType, template } = context;
  return connectorError(code, description, { usageType, template, ...details }, advice);
};
