import { describe, expect, it, vi } from 'vitest';

import {
  type RetryPolicy,
  backoffMs,
  defaultRetryPolicy,
  retryAfterMs,
  waitBeforeRetry,
} from './retry.js';

const policy: RetryPolicy = { ...defaultRetryPolicy };
const now = Date.parse('2026-01-01T00:00:00Z');

describe('the default policy', () => {
  it('leaves the third attempt at least 1.5 s after two hung attempts and the longest backoff', () => {
    const { attemptTimeoutMs, deadlineMs, maxAttempts } = policy;
    const longestBackoff = backoffMs(policy, 1, 1) + backoffMs(policy, 2, 1);
    const leftForTheLast = deadlineMs - (maxAttempts - 1) * attemptTimeoutMs - longestBackoff;

    expect(longestBackoff).toBe(900);
    expect(leftForTheLast).toBeGreaterThanOrEqual(1500);
    expect(deadlineMs).toBeLessThanOrEqual(9000);
  });
});

describe('backoffMs', () => {
  it.each([
    [1, 0, 150],
    [1, 1, 300],
    [2, 0, 300],
    [2, 0.5, 450],
    [2, 1, 600],
    [3, 0.25, 750],
  ])('before retry %i with a random %d waits %i ms (equal jitter)', (retry, random, wait) => {
    expect(backoffMs(policy, retry, random)).toBe(wait);
  });

  it('draws from Math.random by default', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    expect(backoffMs(policy, 1)).toBe(225);
    vi.restoreAllMocks();
  });
});

describe('retryAfterMs', () => {
  it.each([
    ['0', 0],
    ['-5', 0],
    ['', 0],
    ['1', 1000],
    ['2.5', 2500],
    ['3', 3000],
    ['3.001', 3000],
    ['120', 3000],
    ['soon', 3000],
    [new Date(now + 2000).toUTCString(), 2000],
    [new Date(now + 60_000).toUTCString(), 3000],
    [new Date(now - 60_000).toUTCString(), 0],
  ])('reads %j as a wait of %i ms', (value, wait) => {
    expect(retryAfterMs(value, 3000, now)).toBe(wait);
  });
});

describe('waitBeforeRetry', () => {
  it.each([429, 500, 502, 503, 504])('retries a %i', (status) => {
    expect(waitBeforeRetry(policy, { status }, 1)).toBeGreaterThanOrEqual(150);
  });

  it.each([200, 301, 400, 401, 404, 413, 422, 501, 505])('does not retry a %i', (status) => {
    expect(waitBeforeRetry(policy, { status }, 1)).toBeUndefined();
  });

  it('retries a failure without an answer after the backoff', () => {
    vi.spyOn(Math, 'random').mockReturnValue(1);
    expect(waitBeforeRetry(policy, {}, 2)).toBe(600);
    vi.restoreAllMocks();
  });

  it('stops once the last attempt is made', () => {
    expect(waitBeforeRetry(policy, {}, policy.maxAttempts - 1)).toBeDefined();
    expect(waitBeforeRetry(policy, {}, policy.maxAttempts)).toBeUndefined();
    expect(waitBeforeRetry(policy, { status: 503 }, policy.maxAttempts)).toBeUndefined();
  });

  it.each([
    [429, 1000],
    [503, 1000],
  ])('waits as Retry-After asks on a %i', (status, wait) => {
    expect(waitBeforeRetry(policy, { status, retryAfter: '1' }, 1)).toBe(wait);
  });

  it.each([500, 502, 504])('ignores Retry-After on a %i and backs off', (status) => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(waitBeforeRetry(policy, { status, retryAfter: '2' }, 1)).toBe(150);
    vi.restoreAllMocks();
  });

  it('backs off on a 429 without Retry-After', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(waitBeforeRetry(policy, { status: 429 }, 2)).toBe(300);
    vi.restoreAllMocks();
  });

  it('caps Retry-After at the policy cap', () => {
    expect(
      waitBeforeRetry({ ...policy, retryAfterCapMs: 50 }, { status: 429, retryAfter: '120' }, 1)
    ).toBe(50);
  });
});
