import ky, { HTTPError } from 'ky';

import {
  attemptTimeoutMs,
  maxAnswerBytes,
  maxAttempts,
  postmarkApiUrl,
  retryAfterCapMs,
  retryBackoffLimitMs,
  retryBaseDelayMs,
  retryStatusCodes,
  sendDeadlineMs,
} from './constant.js';
import type { PostmarkFailure } from './errors.js';
import { AttemptTimeoutError, answerText, createHttpsFetch } from './transport.js';

export type RetryPolicy = {
  attemptTimeoutMs: number;
  deadlineMs: number;
  maxAttempts: number;
  baseDelayMs: number;
  backoffLimitMs: number;
  retryAfterCapMs: number;
};

export const defaultRetryPolicy: RetryPolicy = {
  attemptTimeoutMs,
  deadlineMs: sendDeadlineMs,
  maxAttempts,
  baseDelayMs: retryBaseDelayMs,
  backoffLimitMs: retryBackoffLimitMs,
  retryAfterCapMs,
};

export type PostmarkCall = {
  method: 'get' | 'post';
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

/**
 * The wait before retry n: `baseDelayMs * 2^(n-1)`, of which a random 50 to 100 % ("equal
 * jitter"), so that many Logto instances do not retry in step after a Postmark hiccup.
 */
export const backoff = (policy: RetryPolicy) => (attempt: number) =>
  policy.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);

const retryOptions = (policy: RetryPolicy) => ({
  limit: policy.maxAttempts - 1,
  methods: ['get', 'post'],
  statusCodes: retryStatusCodes,
  afterStatusCodes: [429, 503],
  maxRetryAfter: policy.retryAfterCapMs,
  backoffLimit: policy.backoffLimitMs,
  delay: backoff(policy),
});

const headersFor = (token: string, body?: string) => ({
  Accept: 'application/json',
  ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
  'X-Postmark-Server-Token': token,
});

const timedOut = (error: unknown) =>
  error instanceof Error && error.cause instanceof AttemptTimeoutError;

/**
 * One call to Postmark's API, retried where that is safe and useful, never past the deadline.
 * Resolves with what happened; it only rejects on a bug.
 */
export const callPostmark = async (
  { method, path, token, body, deadlineAt, maxAnswerBytes: answerCap }: PostmarkCall,
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
  const send = createHttpsFetch({
    body,
    attemptTimeoutMs: policy.attemptTimeoutMs,
    maxAnswerBytes: answerCap ?? maxAnswerBytes,
    retryAfterCapMs: policy.retryAfterCapMs,
    signal: deadline.signal,
  });
  // eslint-disable-next-line @silverhand/fp/no-let
  let attempts = 0;

  try {
    const response = await ky(path, {
      prefixUrl: postmarkApiUrl,
      method,
      headers: headersFor(token, body),
      signal: deadline.signal,
      // The transport times each attempt out as a network error, which every ky 1.x retries.
      timeout: false,
      retry: retryOptions(policy),
      async fetch(input) {
        // eslint-disable-next-line @silverhand/fp/no-mutation
        attempts += 1;
        return send(input);
      },
    });

    return { ok: true, status: response.status, body: answerText(response), attempts };
  } catch (error: unknown) {
    if (error instanceof HTTPError) {
      return {
        ok: false,
        kind: 'http',
        status: error.response.status,
        body: answerText(error.response),
        attempts,
      };
    }

    if (deadline.signal.aborted || timedOut(error)) {
      const milliseconds = deadline.signal.aborted ? deadlineMs : Date.now() - startedAt;
      return { ok: false, kind: 'deadline', milliseconds, attempts };
    }

    return {
      ok: false,
      kind: 'network',
      cause: describeCause(error),
      code: causeCode(error),
      attempts,
    };
  } finally {
    clearTimeout(deadlineTimer);
  }
};
