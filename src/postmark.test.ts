import nock from 'nock';
import { readFileSync } from 'node:fs';

import { type MockInstance, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { type RetryPolicy, backoff, callPostmark, defaultRetryPolicy } from './postmark.js';

const api = 'https://api.postmarkapp.com';
const kyVersion: unknown = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.resolve('ky')), 'utf8')
).version;
const call = { method: 'post', path: 'email/withTemplate', token: 't0ken', body: '{}' } as const;

/** Small delays so the tests are quick; each test changes what it is about. */
const quick: RetryPolicy = {
  attemptTimeoutMs: 1500,
  deadlineMs: 5000,
  maxAttempts: 3,
  baseDelayMs: 1,
  backoffLimitMs: 5,
  retryAfterCapMs: 5000,
};

const elapsed = async <T>(run: () => Promise<T>) => {
  const start = performance.now();
  const result = await run();
  return { result, milliseconds: performance.now() - start };
};

/** Every timer but the deadline's and the attempts' is ky's wait before a retry. */
const retryWaits = (timers: MockInstance<typeof setTimeout>) =>
  timers.mock.calls
    .map(([, milliseconds]) => milliseconds)
    .filter(
      (milliseconds) => milliseconds !== quick.deadlineMs && milliseconds !== quick.attemptTimeoutMs
    );

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  vi.restoreAllMocks();
});

describe('callPostmark', () => {
  it('leaves the third attempt at least 1.5 s after two hung attempts, within the deadline', () => {
    const { attemptTimeoutMs, baseDelayMs, deadlineMs, maxAttempts } = defaultRetryPolicy;
    const longestBackoff = baseDelayMs + baseDelayMs * 2;
    const leftForTheLast = deadlineMs - (maxAttempts - 1) * attemptTimeoutMs - longestBackoff;

    expect(leftForTheLast).toBeGreaterThanOrEqual(1500);
    // The sign-in page gives up on Logto after 10 s; Logto needs some of that itself.
    expect(deadlineMs).toBeLessThanOrEqual(9000);
  });

  it('waits as long as Retry-After asks', async () => {
    nock(api).post('/email/withTemplate').reply(429, {}, { 'Retry-After': '1' });
    nock(api).post('/email/withTemplate').reply(200, {});
    const timers = vi.spyOn(globalThis, 'setTimeout');

    const { result, milliseconds } = await elapsed(async () => callPostmark(call, quick));

    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(retryWaits(timers)).toEqual([1000]);
    expect(milliseconds).toBeGreaterThanOrEqual(950);
  });

  it('runs on the ky that released Logto pins, 1.2.3', () => {
    expect(kyVersion).toBe('1.2.3');
  });

  it.each([429, 503])(
    'retries a %i with Retry-After: 0, which ky 1.2.3 alone would not',
    async (status) => {
      nock(api).post('/email/withTemplate').reply(status, {}, { 'Retry-After': '0' });
      nock(api).post('/email/withTemplate').reply(200, {});
      const timers = vi.spyOn(globalThis, 'setTimeout');

      expect(await callPostmark(call, quick)).toMatchObject({ ok: true, attempts: 2 });
      expect(retryWaits(timers)).toEqual([1]);
    }
  );

  it.each([
    [503, 1000],
    [500, 1],
  ])('heeds Retry-After on a %i by waiting %i ms', async (status, wait) => {
    nock(api).post('/email/withTemplate').reply(status, {}, { 'Retry-After': '1' });
    nock(api).post('/email/withTemplate').reply(200, {});
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const timers = vi.spyOn(globalThis, 'setTimeout');

    expect(await callPostmark(call, quick)).toMatchObject({ ok: true, attempts: 2 });
    // A 500 is retried after the backoff (1 ms here): Retry-After counts on 429 and 503 only.
    expect(retryWaits(timers)).toEqual([wait]);
  });

  it('shortens a long Retry-After so the retries fit in the deadline', async () => {
    nock(api).post('/email/withTemplate').reply(503, {}, { 'Retry-After': '120' });
    nock(api).post('/email/withTemplate').reply(200, {});
    const timers = vi.spyOn(globalThis, 'setTimeout');

    const result = await callPostmark(call, { ...quick, retryAfterCapMs: 50 });

    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(retryWaits(timers)).toEqual([50]);
  });

  it.each([
    [0, [100, 200]],
    [0.5, [150, 300]],
    [1, [200, 400]],
  ])('with a random %d, waits %j before the retries', async (random, waits) => {
    nock(api).post('/email/withTemplate').times(2).reply(500, {});
    nock(api).post('/email/withTemplate').reply(200, {});
    vi.spyOn(Math, 'random').mockReturnValue(random);
    const timers = vi.spyOn(globalThis, 'setTimeout');

    const result = await callPostmark(call, { ...quick, baseDelayMs: 200, backoffLimitMs: 10_000 });

    expect(result).toMatchObject({ ok: true, attempts: 3 });
    expect(retryWaits(timers)).toEqual(waits);
  });

  it.each([
    [1, 0, 300],
    [1, 1, 600],
    [2, 0, 600],
    [2, 1, 1200],
    [3, 0.5, 1800],
  ])('backoff before retry %i with a random %d is %i ms', (attempt, random, milliseconds) => {
    vi.spyOn(Math, 'random').mockReturnValue(random);

    expect(backoff({ ...quick, baseDelayMs: 600 })(attempt)).toBe(milliseconds);
  });

  it('retries a GET', async () => {
    nock(api).get('/templates/logto-generic').reply(503, {});
    nock(api).get('/templates/logto-generic').reply(200, { Alias: 'logto-generic' });

    const result = await callPostmark(
      { method: 'get', path: 'templates/logto-generic', token: 't0ken' },
      quick
    );

    expect(result).toEqual({
      ok: true,
      status: 200,
      body: '{"Alias":"logto-generic"}',
      attempts: 2,
    });
  });

  it.each([
    ['an answer', 200],
    ['a refusal', 422],
  ])('clears the deadline timer after %s', async (_, status) => {
    nock(api).post('/email/withTemplate').reply(status, {});
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const cleared = vi.spyOn(globalThis, 'clearTimeout');

    await callPostmark(call, quick);

    const deadline = timers.mock.calls.findIndex(([, ms]) => ms === quick.deadlineMs);
    expect(cleared).toHaveBeenCalledWith(timers.mock.results[deadline]?.value);
  });

  it('gives up on an attempt that does not answer in time, and tries again', async () => {
    nock(api).post('/email/withTemplate').delay(2000).reply(200, { first: true });
    nock(api).post('/email/withTemplate').reply(200, { second: true });

    const result = await callPostmark(call, { ...quick, attemptTimeoutMs: 200 });

    expect(result).toEqual({ ok: true, status: 200, body: '{"second":true}', attempts: 2 });
  });

  it('answers by the deadline when Postmark does not', async () => {
    nock(api).post('/email/withTemplate').times(3).delay(5000).reply(200, {});

    const { result, milliseconds } = await elapsed(async () =>
      callPostmark(call, { ...quick, attemptTimeoutMs: 2000, deadlineMs: 300 })
    );

    expect(result).toEqual({ ok: false, kind: 'deadline', milliseconds: 300, attempts: 1 });
    expect(milliseconds).toBeLessThan(2000);
  });

  it('says how long it waited when every attempt timed out before the deadline', async () => {
    nock(api).post('/email/withTemplate').times(3).delay(5000).reply(200, {});

    const { result, milliseconds } = await elapsed(async () =>
      callPostmark(call, { ...quick, attemptTimeoutMs: 100, deadlineMs: 10_000 })
    );

    expect(result).toMatchObject({ ok: false, kind: 'deadline', attempts: 3 });
    const reported = result.ok || result.kind !== 'deadline' ? 0 : result.milliseconds;
    // Three attempts of 100 ms, and no longer than the call took as seen from outside.
    expect(reported).toBeGreaterThanOrEqual(299);
    expect(reported).toBeLessThanOrEqual(Math.ceil(milliseconds));
  });

  it('reads the body of a refusal', async () => {
    nock(api).post('/email/withTemplate').reply(422, { ErrorCode: 300, Message: 'Invalid.' });

    expect(await callPostmark(call, quick)).toEqual({
      ok: false,
      kind: 'http',
      status: 422,
      body: '{"ErrorCode":300,"Message":"Invalid."}',
      attempts: 1,
    });
  });

  it('sends a GET without a body or Content-Type', async () => {
    const seen: Array<Record<string, unknown>> = [];
    nock(api)
      .get('/templates/logto-generic')
      .reply(function () {
        seen.push(this.req.headers);
        return [200, {}];
      });

    await callPostmark({ method: 'get', path: 'templates/logto-generic', token: 't0ken' }, quick);

    expect(seen[0]).toMatchObject({
      accept: 'application/json',
      'x-postmark-server-token': 't0ken',
    });
    expect(seen[0]).not.toHaveProperty('content-type');
  });
});
