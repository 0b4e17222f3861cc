/**
 * How a call to Postmark is retried: what may be retried, and how long to wait first. Only pure
 * decisions live here; `postmark.ts` runs the attempts.
 */

/**
 * How long one send may take, retries included. The sign-in page gives up on Logto after 10 s, and
 * Logto needs some of that for its own work and the way back to the browser; past this, the user
 * is better served by a clear error than by a spinner that ends in a browser timeout.
 */
export const sendDeadlineMs = 8500;

/**
 * Postmark answers in well under a second; an attempt that takes 3 s is stuck, not slow. A stuck
 * attempt is retried, so a stale connection costs the user 3 s, not the sign-in.
 */
export const attemptTimeoutMs = 3000;

/** The first try and two retries. */
export const maxAttempts = 3;

/**
 * Backoff before retry n is `retryBaseDelayMs * 2^(n-1)`, jittered. Two hung attempts and their
 * backoff take at most 6.9 s, leaving the third at least 1.6 s.
 */
export const retryBaseDelayMs = 300;

/** A longer `Retry-After` is shortened to this, so that the retries fit in the deadline. */
export const retryAfterCapMs = 3000;

/** 429 and the 5xx that mean "try again": Postmark says a 500 usually loses the message. */
const retryStatuses = new Set([429, 500, 502, 503, 504]);

/** The statuses whose `Retry-After` is Postmark's word on when to come back. */
const retryAfterStatuses = new Set([429, 503]);

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

export const isRetryStatus = (status: number) => retryStatuses.has(status);

/**
 * The wait before retry n: `baseDelayMs * 2^(n-1)`, of which a random 50 to 100 % ("equal
 * jitter"), so that many Logto instances do not retry in step after a Postmark hiccup.
 */
export const backoffMs = (policy: RetryPolicy, retry: number, random = Math.random()) =>
  policy.baseDelayMs * 2 ** (retry - 1) * (0.5 + random / 2);

/**
 * A `Retry-After` (seconds or an HTTP date) as a wait: a past or zero one is no wait, a longer one
 * or one that cannot be read is the cap.
 */
export const retryAfterMs = (value: string, capMs: number, now = Date.now()) => {
  const seconds = Number(value);
  const waitMs = Number.isNaN(seconds) ? Date.parse(value) - now : seconds * 1000;
  return waitMs <= capMs ? Math.max(0, waitMs) : capMs;
};

/** What an attempt ended with, as far as retrying goes: a status, or no answer at all. */
export type Outcome = { status: number; retryAfter?: string } | { status?: undefined };

/** How long to wait before retry n after `outcome`; `undefined` when it is not to be retried. */
export const waitBeforeRetry = (
  policy: RetryPolicy,
  outcome: Outcome,
  retry: number
): number | undefined => {
  if (retry >= policy.maxAttempts) {
    return undefined;
  }

  if (outcome.status === undefined) {
    return backoffMs(policy, retry);
  }

  if (!isRetryStatus(outcome.status)) {
    return undefined;
  }

  return outcome.retryAfter !== undefined && retryAfterStatuses.has(outcome.status)
    ? retryAfterMs(outcome.retryAfter, policy.retryAfterCapMs)
    : backoffMs(policy, retry);
};
