import nock from 'nock';

import { type MockInstance, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { callPostmark } from './client.js';
import type { RetryPolicy } from './client.js';

const api = 'https://api.postmarkapp.com';
const call = { method: 'POST', path: 'email/withTemplate', token: 't0ken', body: '{}' } as const;

/** Small delays so the tests are quick; each test changes what it is about. */
const quick: RetryPolicy = {
  attemptTimeoutMs: 1500,
  deadlineMs: 5000,
  maxAttempts: 3,
  baseDelayMs: 1,
  retryAfterCapMs: 5000,
};

const elapsed = async <T>(run: () => Promise<T>) => {
  const start = performance.now();
  const result = await run();
  return { result, milliseconds: performance.now() - start };
};

/** Every timer but the deadline's and the attempts' is a wait before a retry. */
const retryWaits = (timers: MockInstance<typeof setTimeout>) =>
  timers.mock.calls
    .map(([, milliseconds]) => milliseconds)
    .filter(
      (milliseconds) => milliseconds !== quick.deadlineMs && milliseconds !== quick.attemptTimeoutMs
    );

const connectionReset = () => {
  const error = new Error('socket hang up') as Error & { code?: string };
  error.code = 'ECONNRESET';
  return error;
};

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  vi.restoreAllMocks();
});

describe('callPostmark', () => {
  it('waits as long as Retry-After asks', async () => {
    nock(api).post('/email/withTemplate').reply(429, {}, { 'Retry-After': '1' });
    nock(api).post('/email/withTemplate').reply(200, {});
    const timers = vi.spyOn(globalThis, 'setTimeout');

    const { result, milliseconds } = await elapsed(async () => callPostmark(call, quick));

    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(retryWaits(timers)).toEqual([1000]);
    expect(milliseconds).toBeGreaterThanOrEqual(950);
  });

  it.each([
    [429, '0'],
    [503, '0'],
    [429, '-5'],
    [503, new Date(Date.now() - 60_000).toUTCString()],
  ])('retries a %i with Retry-After: %s at once', async (status, retryAfter) => {
    nock(api).post('/email/withTemplate').reply(status, {}, { 'Retry-After': retryAfter });
    nock(api).post('/email/withTemplate').reply(200, {});
    const timers = vi.spyOn(globalThis, 'setTimeout');

    expect(await callPostmark(call, quick)).toMatchObject({ ok: true, attempts: 2 });
    // Node runs a timer of 0 ms or less after 1 ms.
    expect(retryWaits(timers)).toHaveLength(1);
    expect(retryWaits(timers)[0]).toBeLessThanOrEqual(0);
  });

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

  it.each([
    ['the cap', '120', quick],
    ['the time left', '4', { ...quick, deadlineMs: 3000 }],
  ])('answers at once when Retry-After asks for more than %s', async (_, retryAfter, policy) => {
    nock(api).post('/email/withTemplate').reply(503, {}, { 'Retry-After': retryAfter });
    nock(api).post('/email/withTemplate').reply(200, {});

    expect(await callPostmark(call, policy)).toEqual({
      ok: false,
      kind: 'http',
      status: 503,
      body: '{}',
      attempts: 1,
      retryAfterMs: Number(retryAfter) * 1000,
    });
    expect(nock.pendingMocks()).toHaveLength(1);
  });

  it('reads a Retry-After given as a date', async () => {
    const inAMinute = new Date(Date.now() + 60_000);
    nock(api)
      .post('/email/withTemplate')
      .reply(429, {}, { 'Retry-After': inAMinute.toUTCString() });

    const result = await callPostmark(call, quick);

    expect(result).toMatchObject({ ok: false, kind: 'http', status: 429, attempts: 1 });
    const waited = result.ok || result.kind !== 'http' ? undefined : result.retryAfterMs;
    // The date has whole seconds, and a little time passes before it is read.
    expect(waited).toBeGreaterThan(57_000);
    expect(waited).toBeLessThanOrEqual(60_000);
  });

  it.each([
    ['without a Retry-After', {}],
    ['with an empty one', { 'Retry-After': '' }],
  ])('names no wait for an answer %s', async (_, headers) => {
    nock(api).post('/email/withTemplate').reply(422, {}, headers);

    expect(await callPostmark(call, quick)).toStrictEqual({
      ok: false,
      kind: 'http',
      status: 422,
      body: '{}',
      attempts: 1,
    });
  });

  it('waits a Retry-After within the cap and the time left', async () => {
    nock(api).post('/email/withTemplate').reply(429, {}, { 'Retry-After': '0.05' });
    nock(api).post('/email/withTemplate').reply(200, {});
    const timers = vi.spyOn(globalThis, 'setTimeout');

    const result = await callPostmark(call, { ...quick, retryAfterCapMs: 50 });

    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(retryWaits(timers)).toEqual([50]);
  });

  it('waits the cap for a Retry-After it cannot read', async () => {
    nock(api).post('/email/withTemplate').reply(503, {}, { 'Retry-After': 'soon' });
    nock(api).post('/email/withTemplate').reply(200, {});
    const timers = vi.spyOn(globalThis, 'setTimeout');

    const result = await callPostmark(call, { ...quick, retryAfterCapMs: 40 });

    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(retryWaits(timers)).toEqual([40]);
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

    const result = await callPostmark(call, { ...quick, baseDelayMs: 200 });

    expect(result).toMatchObject({ ok: true, attempts: 3 });
    expect(retryWaits(timers)).toEqual(waits);
  });

  it.each([400, 401, 404, 422, 501, 505])('does not retry a %i', async (status) => {
    nock(api).post('/email/withTemplate').reply(status, {});

    expect(await callPostmark(call, quick)).toMatchObject({
      ok: false,
      kind: 'http',
      status,
      attempts: 1,
    });
  });

  it.each([429, 500, 502, 503, 504])('tries a %i three times, then says so', async (status) => {
    nock(api).post('/email/withTemplate').times(3).reply(status, {});

    expect(await callPostmark(call, quick)).toEqual({
      ok: false,
      kind: 'http',
      status,
      body: '{}',
      attempts: 3,
    });
    expect(nock.isDone()).toBe(true);
  });

  it('retries a network failure after the backoff, and names the last one', async () => {
    nock(api).post('/email/withTemplate').times(3).replyWithError(connectionReset());
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const timers = vi.spyOn(globalThis, 'setTimeout');

    const result = await callPostmark(call, { ...quick, baseDelayMs: 40 });

    expect(result).toMatchObject({ ok: false, kind: 'network', code: 'ECONNRESET', attempts: 3 });
    expect(retryWaits(timers)).toEqual([20, 40]);
  });

  it('delivers when a retry after a network failure answers', async () => {
    nock(api).post('/email/withTemplate').replyWithError(connectionReset());
    nock(api).post('/email/withTemplate').reply(200, { MessageID: 'm' });

    expect(await callPostmark(call, quick)).toEqual({
      ok: true,
      status: 200,
      body: '{"MessageID":"m"}',
      attempts: 2,
    });
  });

  it('ends a wait before a retry at the deadline, and leaves every timer cleared', async () => {
    nock(api).post('/email/withTemplate').reply(503, {});
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const cleared = vi.spyOn(globalThis, 'clearTimeout');

    const { result, milliseconds } = await elapsed(async () =>
      callPostmark(call, { ...quick, deadlineMs: 200, baseDelayMs: 3000 })
    );

    expect(result).toEqual({ ok: false, kind: 'deadline', milliseconds: 200, attempts: 1 });
    expect(milliseconds).toBeLessThan(2500);
    const ours = timers.mock.results.filter((_, index) =>
      [200, quick.attemptTimeoutMs, 3000].includes(timers.mock.calls[index]?.[1] ?? -1)
    );
    expect(ours).toHaveLength(3);
    for (const { value } of ours) {
      expect(cleared).toHaveBeenCalledWith(value);
    }
  });

  it('ends at once at a shared deadline already past', async () => {
    nock(api).post('/email/withTemplate').reply(200, {});

    expect(await callPostmark({ ...call, deadlineAt: Date.now() - 1 }, quick)).toEqual({
      ok: false,
      kind: 'deadline',
      milliseconds: 0,
      attempts: 1,
    });
  });

  it("reads an answer up to the call's cap", async () => {
    nock(api).post('/email/withTemplate').reply(422, 'x'.repeat(100));

    expect(await callPostmark({ ...call, maxAnswerBytes: 10 }, quick)).toMatchObject({
      kind: 'http',
      body: 'x'.repeat(10),
    });
  });

  it('retries a GET', async () => {
    nock(api).get('/templates/logto-generic').reply(503, {});
    nock(api).get('/templates/logto-generic').reply(200, { Alias: 'logto-generic' });

    const result = await callPostmark(
      { method: 'GET', path: 'templates/logto-generic', token: 't0ken' },
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

    await callPostmark({ method: 'GET', path: 'templates/logto-generic', token: 't0ken' }, quick);

    expect(seen[0]).toMatchObject({
      accept: 'application/json',
      'x-postmark-server-token': 't0ken',
    });
    expect(seen[0]).not.toHaveProperty('content-type');
  });
});

describe('what a failed call says', () => {
  const failWith = async (cause: Error) => {
    nock(api).post('/email/withTemplate').times(3).replyWithError(cause);
    return callPostmark(call, { ...quick, baseDelayMs: 0 });
  };

  const withCode = (message: string, code: string) => {
    const error = new Error(message) as Error & { code?: string };

    error.code = code;
    return error;
  };

  it('names a network failure by its code and its words', async () => {
    expect(await failWith(connectionReset())).toEqual({
      ok: false,
      kind: 'network',
      cause: 'ECONNRESET (socket hang up)',
      code: 'ECONNRESET',
      attempts: 3,
    });
  });

  it('does not repeat a code the words already hold', async () => {
    expect(
      await failWith(withCode('getaddrinfo ENOTFOUND api.postmarkapp.com', 'ENOTFOUND'))
    ).toMatchObject({ cause: 'getaddrinfo ENOTFOUND api.postmarkapp.com', code: 'ENOTFOUND' });
  });

  it('gives the words alone for a failure without a code', async () => {
    const result = await failWith(new Error('stream ended'));

    expect(result).toMatchObject({ kind: 'network', cause: 'stream ended' });
    expect(result).not.toHaveProperty('code', expect.anything());
  });

  it('keeps 64 characters of an overlong code', async () => {
    expect(await failWith(withCode('odd', 'E'.repeat(100)))).toMatchObject({
      cause: `${'E'.repeat(64)} (odd)`,
      code: 'E'.repeat(64),
    });
  });

  it.each([300, 302])('does not take a %i for a delivery', async (status) => {
    nock(api).post('/email/withTemplate').reply(status, 'elsewhere');

    expect(await callPostmark(call, quick)).toEqual({
      ok: false,
      kind: 'http',
      status,
      body: 'elsewhere',
      attempts: 1,
    });
  });

  it('sends a POST as JSON with the token', async () => {
    const seen: Array<Record<string, unknown>> = [];
    nock(api)
      .post('/email/withTemplate', {})
      .reply(function () {
        seen.push(this.req.headers);
        return [200, {}];
      });

    expect(await callPostmark(call, quick)).toMatchObject({ ok: true });
    expect(seen[0]).toMatchObject({
      accept: 'application/json',
      'content-type': 'application/json',
      'x-postmark-server-token': 't0ken',
    });
  });
});
