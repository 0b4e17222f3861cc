import nock from 'nock';
import { readFileSync } from 'node:fs';

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type RetryPolicy, callPostmark, defaultRetryPolicy } from './postmark.js';

const api = 'https://api.postmarkapp.com';
const kyVersion: unknown = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.resolve('ky')), 'utf8')
).version;
const call = { method: 'post', path: 'email/withTemplate', token: 't0ken', body: '{}' } as const;

/** Small delays so the tests are quick; each test changes what it is about. */
const quick: RetryPolicy = {
  attemptTimeoutMs: 1000,
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

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

describe('callPostmark', () => {
  it('has the documented defaults', () => {
    expect(defaultRetryPolicy).toEqual({
      attemptTimeoutMs: 3000,
      deadlineMs: 8500,
      maxAttempts: 3,
      baseDelayMs: 300,
      backoffLimitMs: 2000,
      retryAfterCapMs: 3000,
    });
  });

  it('waits as long as Retry-After asks', async () => {
    nock(api).post('/email/withTemplate').reply(429, {}, { 'Retry-After': '1' });
    nock(api).post('/email/withTemplate').reply(200, {});

    const { result, milliseconds } = await elapsed(async () => callPostmark(call, quick));

    expect(result).toMatchObject({ ok: true, attempts: 2 });
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

      expect(await callPostmark(call, quick)).toMatchObject({ ok: true, attempts: 2 });
    }
  );

  it('shortens a long Retry-After so the retries fit in the deadline', async () => {
    nock(api).post('/email/withTemplate').reply(503, {}, { 'Retry-After': '120' });
    nock(api).post('/email/withTemplate').reply(200, {});

    const { result, milliseconds } = await elapsed(async () =>
      callPostmark(call, { ...quick, retryAfterCapMs: 50 })
    );

    expect(result).toMatchObject({ ok: true, attempts: 2 });
    // Far below the 120 s asked for: the cap applied.
    expect(milliseconds).toBeLessThan(4000);
  });

  it('backs off exponentially between attempts', async () => {
    nock(api).post('/email/withTemplate').times(2).reply(500, {});
    nock(api).post('/email/withTemplate').reply(200, {});

    const { result, milliseconds } = await elapsed(async () =>
      callPostmark(call, { ...quick, baseDelayMs: 200, backoffLimitMs: 10_000 })
    );

    expect(result).toMatchObject({ ok: true, attempts: 3 });
    // At least half of 200 ms, then half of 400 ms: jitter only ever shortens a delay by half.
    expect(milliseconds).toBeGreaterThanOrEqual(300);
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

    const result = await callPostmark(call, {
      ...quick,
      attemptTimeoutMs: 100,
      deadlineMs: 10_000,
    });

    expect(result).toMatchObject({ ok: false, kind: 'deadline', attempts: 3 });
    expect(result.ok || result.kind !== 'deadline' ? 0 : result.milliseconds).toBeLessThan(10_000);
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
