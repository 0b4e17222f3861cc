import { maxAnswerBytes, postmarkApiUrl } from './constant.js';
import type { PostmarkFailure } from './errors.js';
import { type RetryPolicy, defaultRetryPolicy, waitBeforeRetry } from './retry.js';
import { type Answer, AttemptTimeoutError, type Exchange, attempt } from './transport.js';

const postmarkHost = new URL(postmarkApiUrl).host;

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

const headersFor = (token: string, body?: string): Record<string, string> =>
  body === undefined
    ? { Accept: 'application/json', 'X-Postmark-Server-Token': token }
    : {
        Accept: 'application/json',
        'Content-Type': 'application/json',
        'X-Postmark-Server-Token': token,
      };

const exchangeFor = ({ method, path, token, body }: PostmarkCall): Exchange => ({
  method,
  host: postmarkHost,
  path: `/${path}`,
  headers: headersFor(token, body),
  body,
});

/** Resolves after `milliseconds`, or at once when `signal` aborts; leaves no timer behind. */
const pause = async (milliseconds: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };

    const timer = setTimeout(done, milliseconds);
    signal.addEventListener('abort', done);
  });

type Attempted = { answer: Answer; error?: undefined } | { answer?: undefined; error: unknown };

const attempted = async (promise: Promise<Answer>): Promise<Attempted> => {
  try {
    return { answer: await promise };
  } catch (error: unknown) {
    return { error };
  }
};

/** What the last attempt ended with, said as the call's failure. */
const failure = (
  { answer, error }: Attempted,
  attempts: number,
  deadline: { passed: boolean; milliseconds: number; startedAt: number }
): PostmarkAnswer => {
  if (answer) {
    return { ok: false, kind: 'http', status: answer.status, body: answer.body, attempts };
  }

  if (deadline.passed || rootCause(error) instanceof AttemptTimeoutError) {
    const milliseconds = deadline.passed ? deadline.milliseconds : Date.now() - deadline.startedAt;
    return { ok: false, kind: 'deadline', milliseconds, attempts };
  }

  return {
    ok: false,
    kind: 'network',
    cause: describeCause(error),
    code: causeCode(error),
    attempts,
  };
};

/**
 * One call to Postmark's API, retried where that is safe and useful, never past the deadline.
 * Resolves with what happened; it only rejects on a bug.
 */
export const callPostmark = async (
  call: PostmarkCall,
  policy: RetryPolicy = defaultRetryPolicy
): Promise<PostmarkAnswer> => {
  const startedAt = Date.now();
  const deadlineMs = Math.max(
    0,
    Math.min(policy.deadlineMs, (call.deadlineAt ?? Number.POSITIVE_INFINITY) - startedAt)
  );
  const deadline = new AbortController();
  const deadlineTimer = setTimeout(() => {
    deadline.abort();
  }, deadlineMs);
  const exchange = exchangeFor(call);
  const options = {
    attemptTimeoutMs: policy.attemptTimeoutMs,
    maxAnswerBytes: call.maxAnswerBytes ?? maxAnswerBytes,
    signal: deadline.signal,
  };
  const ended = () => ({ passed: deadline.signal.aborted, milliseconds: deadlineMs, startedAt });

  try {
    // eslint-disable-next-line @silverhand/fp/no-let
    let attempts = 0;

    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition, no-constant-condition
    while (true) {
      // eslint-disable-next-line @silverhand/fp/no-mutation
      attempts += 1;
      // eslint-disable-next-line no-await-in-loop
      const result = await attempted(attempt(exchange, options));
      const { answer } = result;

      if (answer && answer.status >= 200 && answer.status < 300) {
        return { ok: true, status: answer.status, body: answer.body, attempts };
      }

      const wait = deadline.signal.aborted
        ? undefined
        : waitBeforeRetry(policy, answer ?? {}, attempts);

      if (wait === undefined) {
        return failure(result, attempts, ended());
      }

      // eslint-disable-next-line no-await-in-loop
      await pause(wait, deadline.signal);

      if (deadline.signal.aborted) {
        return { ok: false, kind: 'deadline', milliseconds: deadlineMs, attempts };
      }
    }
  } finally {
    clearTimeout(deadlineTimer);
  }
};
