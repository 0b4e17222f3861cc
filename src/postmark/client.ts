/**
 * The Postmark client: one ky instance for every call the connector makes (sends, and the Console
 * test's look-ups), with the retry policy as ky's options. ky is bundled into lib/ at one version,
 * so every Logto release runs the same client whatever ky its core resolves.
 */
import ky, { HTTPError, type Options } from 'ky';

import { maxAnswerBytes, postmarkApiUrl } from '../constant.js';
import type { PostmarkFailure } from '../errors/connector-error.js';

import { type AttemptOptions, AttemptTimeoutError, attemptRequest } from './fetch.js';

/**
 * How long one send may take, retries included. The sign-in page gives up on Logto after 10 s, and
 * Logto needs some of that for its own work and the way back to the browser (on a busy two-core
 * host, most of a second); past this, the user is better served by a clear error than by a spinner
 * that ends in a browser timeout.
 */
export const sendDeadlineMs = 7500;

/**
 * Postmark answers in well under a second; an attempt that takes 3 s is stuck, not slow. A stuck
 * attempt is retried, so a stale connection costs the user 3 s, not the sign-in.
 */
export const attemptTimeoutMs = 3000;

/** The first try and two retries. */
export const maxAttempts = 3;

/**
 * Backoff before retry n is `retryBaseDelayMs * 2^(n-1)`, jittered. Two hung attempts and their
 * backoff take at most 6.9 s, leaving the third at least 0.6 s: Postmark answers in a few hundred
 * milliseconds.
 */
export const retryBaseDelayMs = 300;

/** A longer `Retry-After` is shortened to this, so that the retries fit in the deadline. */
export const retryAfterCapMs = 3000;

export type RetryPolicy = {
  attemptTimeoutMs: number;
  deadlineMs: number;
  maxAttempts: number;
  baseDelayMs: number;
  retryAfterCapMs: number;
};

export const defaultRetryPolicy: RetryPolicy = Object.freeze({
  attemptTimeoutMs,
  deadlineMs: sendDeadlineMs,
  maxAttempts,
  baseDelayMs: retryBaseDelayMs,
  retryAfterCapMs,
});

/**
 * A `Retry-After` (seconds or an HTTP date) as milliseconds from `now`: 0 for a past one, and
 * undefined when it cannot be read.
 */
const retryAfterMs = (value: string | undefined, now = Date.now()) => {
  if (!value) {
    return;
  }

  const seconds = Number(value);
  const waitMs = Number.isNaN(seconds) ? Date.parse(value) - now : seconds * 1000;
  return Number.isNaN(waitMs) ? undefined : Math.max(0, waitMs);
};

/** What a call keeps as it goes; ky's hooks see a copy of `context`, which shares this object. */
type CallState = { attempts: number; deadlineAt: number; retryAfterCapMs: number };

// The context is the one callPostmark gives ky, whose types only know it as a record.
// eslint-disable-next-line no-restricted-syntax
const stateOf = (context: Record<string, unknown>) => context.call as CallState;

/**
 * Whether Postmark asked for more time than the call may wait: the cap, or what is left before
 * the deadline. Then the call answers at once, with Postmark's word on when to come back.
 */
const waitsTooLong = ({ response, options }: HTTPError) => {
  // One that cannot be read is waited for up to the cap, as ky does.
  const waitMs = retryAfterMs(response.headers.get('retry-after') ?? undefined) ?? 0;
  const { deadlineAt, retryAfterCapMs } = stateOf(options.context);
  return waitMs > Math.min(retryAfterCapMs, deadlineAt - Date.now());
};

/**
 * The policy as ky's retry options: 429 and the 5xx that mean "try again" (Postmark says a 500
 * usually loses the message), `Retry-After` on 429 and 503 up to the cap, and otherwise a backoff
 * of which a random 50 to 100 % is waited ("equal jitter"), so that many Logto instances do not
 * retry in step after a Postmark hiccup. A failure before any answer is retried too; an error of
 * the connector's own is not.
 */
const retryOptions = (policy: RetryPolicy) => {
  const afterStatusCodes = [429, 503];

  return {
    limit: policy.maxAttempts - 1,
    methods: ['get', 'post'],
    statusCodes: [429, 500, 502, 503, 504],
    afterStatusCodes,
    maxRetryAfter: policy.retryAfterCapMs,
    delay: (retry: number) => policy.baseDelayMs * 2 ** (retry - 1),
    jitter: (delay: number) => delay * (0.5 + Math.random() / 2),
    shouldRetry: ({ error }: { error: Error }) => {
      if (!(error instanceof HTTPError)) {
        return error.name === 'NetworkError';
      }

      // Undefined leaves the decision to the options above.
      return afterStatusCodes.includes(error.response.status) && waitsTooLong(error)
        ? false
        : undefined;
    },
  };
};

const postmark = ky.create({
  prefixUrl: postmarkApiUrl,
  headers: { Accept: 'application/json' },
  // The attempt's own timer, in fetch.ts, also covers the body.
  timeout: false,
  retry: retryOptions(defaultRetryPolicy),
  // The `Request` ky made, and the options it does not know: the call's AttemptOptions.
  // eslint-disable-next-line no-restricted-syntax
  fetch: async (request, limits) => attemptRequest(request as Request, limits as AttemptOptions),
  hooks: {
    beforeRequest: [
      (_request, { context }, { retryCount }) => {
        // eslint-disable-next-line @silverhand/fp/no-mutation
        stateOf(context).attempts = retryCount + 1;
      },
    ],
  },
});

export type PostmarkCall = {
  method: 'GET' | 'POST';
  /** Relative to https://api.postmarkapp.com; never a full URL. */
  path: string;
  token: string;
  body?: string;
  /** A time (as from `Date.now()`) that several calls share; the call ends by then at the latest. */
  deadlineAt?: number;
  /** Bytes of the answer read at most; longer answers are cut there. */
  maxAnswerBytes?: number;
};

export type PostmarkAnswer =
  { ok: true; status: number; body: string; attempts: number } | ({ ok: false } & PostmarkFailure);

const rootCause = (error: unknown) =>
  error instanceof Error && error.cause instanceof Error ? error.cause : error;

/** A network failure's system code, such as ECONNRESET or ENOTFOUND, when it has one. */
const causeCode = (error: unknown) => {
  const cause = rootCause(error);
  return typeof cause === 'object' && cause !== null && 'code' in cause
    ? String(cause.code).slice(0, 64)
    : undefined;
};

/** Names a network failure by its system code when there is one (ECONNRESET, ENOTFOUND…). */
const describeCause = (error: unknown): string => {
  const cause = rootCause(error);
  const code = causeCode(error) ?? '';
  const message = cause instanceof Error ? cause.message : String(cause);
  return code && !message.includes(code) ? `${code} (${message})` : message;
};

/** What ky's last error says, as the call's failure. */
const failure = async (
  error: unknown,
  attempts: number,
  deadline: { passed: boolean; milliseconds: number; startedAt: number }
): Promise<PostmarkAnswer> => {
  if (error instanceof HTTPError) {
    const { status, headers } = error.response;
    const body = await error.response.text();
    const retryAfter = retryAfterMs(headers.get('retry-after') ?? undefined);
    return retryAfter === undefined
      ? { ok: false, kind: 'http', status, body, attempts }
      : { ok: false, kind: 'http', status, body, attempts, retryAfterMs: retryAfter };
  }

  if (deadline.passed || rootCause(error) instanceof AttemptTimeoutError) {
    const milliseconds = deadline.passed ? deadline.milliseconds : Date.now() - deadline.startedAt;
    return { ok: false, kind: 'deadline', milliseconds, attempts };
  }

  if (error instanceof Error && error.name === 'NetworkError') {
    return {
      ok: false,
      kind: 'network',
      cause: describeCause(error),
      code: causeCode(error),
      attempts,
    };
  }

  throw error;
};

/**
 * One call to Postmark's API, retried where that is safe and useful, never past the deadline.
 * Resolves with what happened; it only rejects on a bug.
 */
export const callPostmark = async (
  {
    method,
    path,
    token,
    body,
    deadlineAt,
    maxAnswerBytes: maxBytes = maxAnswerBytes,
  }: PostmarkCall,
  policy: RetryPolicy = defaultRetryPolicy
): Promise<PostmarkAnswer> => {
  const startedAt = Date.now();
  const deadlineMs = Math.max(
    0,
    Math.min(policy.deadlineMs, (deadlineAt ?? Number.POSITIVE_INFINITY) - startedAt)
  );
  const deadline = new AbortController();
  const deadlineTimer = setTimeout(() => {
    deadline.abort();
  }, deadlineMs);
  const state: CallState = {
    attempts: 0,
    deadlineAt: startedAt + deadlineMs,
    retryAfterCapMs: policy.retryAfterCapMs,
  };
  const attempt: AttemptOptions = {
    payload: body,
    attemptTimeoutMs: policy.attemptTimeoutMs,
    maxAnswerBytes: maxBytes,
    deadline: deadline.signal,
  };
  const options: Options = {
    method,
    headers: {
      'X-Postmark-Server-Token': token,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    signal: deadline.signal,
    context: { call: state },
    ...(policy === defaultRetryPolicy ? {} : { retry: retryOptions(policy) }),
    ...attempt,
  };

  try {
    const response = await postmark(path, options);
    return {
      ok: true,
      status: response.status,
      body: await response.text(),
      attempts: state.attempts,
    };
  } catch (error: unknown) {
    return await failure(error, state.attempts, {
      passed: deadline.signal.aborted,
      milliseconds: deadlineMs,
      startedAt,
    });
  } finally {
    clearTimeout(deadlineTimer);
  }
};
