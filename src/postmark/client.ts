// One ky instance for every call to Postmark (sends and the Console test's look-ups), with the retry
// policy as ky's options. ky is bundled into lib/, so every Logto release runs the same client.
import ky, { HTTPError } from 'ky';

import { maxAnswerBytes, postmarkApiUrl } from '../constant.js';
import type { PostmarkFailure } from '../errors/connector-error.js';

import { type AttemptOptions, AttemptTimeoutError, attemptRequest } from './fetch.js';

export const defaultRetryPolicy = Object.freeze({
  // One send, retries included: the sign-in page gives up on Logto after 10 s, and Logto needs most
  // of a second of them on a busy host; past this, a clear error beats a browser timeout.
  deadlineMs: 7500,
  // Postmark answers within a second: a 3 s attempt is stuck, and its retry saves the sign-in.
  attemptTimeoutMs: 3000,
  maxAttempts: 3,
  // Backoff before retry n: this × 2^(n-1), jittered. Two hung attempts and their backoff take at
  // most 6.9 s, leaving the third at least 0.6 s: Postmark answers in a few hundred ms.
  baseDelayMs: 300,
  // A longer `Retry-After` is shortened to this, so that the retries fit in the deadline.
  retryAfterCapMs: 3000,
});

export type RetryPolicy = Record<keyof typeof defaultRetryPolicy, number>;

/** An answer's `Retry-After` (seconds or an HTTP date) in ms from now: 0 if past, undefined if unread. */
const retryAfterMs = ({ headers }: Response) => {
  const value = headers.get('retry-after');

  if (!value) {
    return;
  }

  const seconds = Number(value);
  const waitMs = Number.isNaN(seconds) ? Date.parse(value) - Date.now() : seconds * 1000;
  return Number.isNaN(waitMs) ? undefined : Math.max(0, waitMs);
};

const afterStatusCodes = [429, 503];

// Retried: 429, the 5xx that mean "try again" (Postmark says a 500 usually loses the message) and a
// failure before any answer, never an error of the connector's own. `Retry-After` on 429 and 503
// is waited up to the cap, else 50 to 100 % of the backoff, so Logto instances do not retry in step.
const retryOptions = (policy: RetryPolicy, deadlineAt: number) => ({
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

    // An unreadable `Retry-After` is waited for up to the cap, as ky does.
    const waitMs = retryAfterMs(error.response) ?? 0;
    // A wait past the cap or the deadline is not waited: the call answers at once, with
    // Postmark's word on when to come back. Undefined leaves the decision to the options above.
    return afterStatusCodes.includes(error.response.status) &&
      waitMs > Math.min(policy.retryAfterCapMs, deadlineAt - Date.now())
      ? false
      : undefined;
  },
});

const postmark = ky.create({
  prefixUrl: postmarkApiUrl,
  headers: { Accept: 'application/json' },
  // The attempt's own timer, in fetch.ts, also covers the body.
  timeout: false,
  // The `Request` ky made, and the options it does not know: the call's AttemptOptions.
  // eslint-disable-next-line no-restricted-syntax
  fetch: async (request, limits) => attemptRequest(request as Request, limits as AttemptOptions),
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

/** A failure's cause, named by its system code (ECONNRESET, ENOTFOUND…) when its message does not. */
const networkCause = (cause: unknown) => {
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause
      ? String(cause.code).slice(0, 64)
      : undefined;
  const message = cause instanceof Error ? cause.message : String(cause);
  return { cause: code && !message.includes(code) ? `${code} (${message})` : message, code };
};

/** What ky's last error says, as the call's failure; `milliseconds` is how long the call waited. */
const failure = async (
  error: unknown,
  attempts: number,
  { passed, milliseconds }: { passed: boolean; milliseconds: number }
): Promise<PostmarkAnswer> => {
  if (error instanceof HTTPError) {
    const { status } = error.response;
    const body = await error.response.text();
    const retryAfter = retryAfterMs(error.response);
    return retryAfter === undefined
      ? { ok: false, kind: 'http', status, body, attempts }
      : { ok: false, kind: 'http', status, body, attempts, retryAfterMs: retryAfter };
  }

  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;

  if (passed || cause instanceof AttemptTimeoutError) {
    return { ok: false, kind: 'deadline', milliseconds, attempts };
  }

  if (error instanceof Error && error.name === 'NetworkError') {
    return { ok: false, kind: 'network', ...networkCause(cause), attempts };
  }

  throw error;
};

/** One call to Postmark, retried where safe and useful, never past the deadline; rejects only on a bug. */
export const callPostmark = async (
  call: PostmarkCall,
  policy: RetryPolicy = defaultRetryPolicy
): Promise<PostmarkAnswer> => {
  const startedAt = Date.now();
  const untilDeadlineAt = (call.deadlineAt ?? Number.POSITIVE_INFINITY) - startedAt;
  const deadlineMs = Math.max(0, Math.min(policy.deadlineMs, untilDeadlineAt));
  const deadline = new AbortController();
  const deadlineTimer = setTimeout(deadline.abort.bind(deadline), deadlineMs);
  const state = { attempts: 0 };
  const attempt: AttemptOptions = {
    payload: call.body,
    attemptTimeoutMs: policy.attemptTimeoutMs,
    maxAnswerBytes: call.maxAnswerBytes ?? maxAnswerBytes,
    deadline: deadline.signal,
  };

  try {
    const answer = await postmark(call.path, {
      method: call.method,
      headers: {
        'X-Postmark-Server-Token': call.token,
        ...(call.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      signal: deadline.signal,
      retry: retryOptions(policy, startedAt + deadlineMs),
      hooks: {
        beforeRequest: [
          (_request, _options, { retryCount }) => {
            // eslint-disable-next-line @silverhand/fp/no-mutation
            state.attempts = retryCount + 1;
          },
        ],
      },
      ...attempt,
    });
    return { ok: true, status: answer.status, body: await answer.text(), attempts: state.attempts };
  } catch (error: unknown) {
    const passed = deadline.signal.aborted;
    const milliseconds = passed ? deadlineMs : Date.now() - startedAt;
    return await failure(error, state.attempts, { passed, milliseconds });
  } finally {
    clearTimeout(deadlineTimer);
  }
};
