/**
 * Postmark misbehaving, over real sockets: the built package, loaded by Logto's loader, against the
 * sandbox with scripted faults and the connector's default retry policy and deadline.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { TemplateType } from '@logto/connector-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { type Factory, loadFactory, sendAsLogto } from '../sandbox/logto.js';
import { type Fault, faults, sandboxToken } from '../sandbox/postmark-sandbox.js';

import { type RoutedSandbox, errorOf, sandboxConfig, startRoutedSandbox } from './helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let sandbox: RoutedSandbox;
let factory: Factory;

beforeAll(async () => {
  sandbox = await startRoutedSandbox();
  factory = await loadFactory(root);
});

afterAll(async () => {
  await sandbox.stop();
});

beforeEach(() => {
  sandbox.reset();
});

const expectNoToken = (error: unknown) => {
  const { message, stack, data } = error as Error & { data: unknown };
  expect(`${message}\n${stack}\n${JSON.stringify(data)}`).not.toContain(sandboxToken);
};

const send = async () =>
  // Built anew for every send, with the configuration read anew, as Logto core does.
  sendAsLogto(factory, sandboxConfig, {
    to: 'user@example.com',
    type: TemplateType.SignIn,
    payload: { code: '123456' },
  });

type Case = {
  name: string;
  faults: Fault[];
  /** `sent`, or the error code. */
  outcome: string;
  attempts: number;
  /** A part of the error's description. */
  says?: string;
};

const cases: Case[] = [
  { name: 'no fault', faults: [], outcome: 'sent', attempts: 1 },
  { name: '429', faults: [faults.rateLimited()], outcome: 'sent', attempts: 2 },
  { name: '429 with Retry-After', faults: [faults.rateLimited(1)], outcome: 'sent', attempts: 2 },
  { name: '500', faults: [faults.internalError()], outcome: 'sent', attempts: 2 },
  { name: '502 from a proxy', faults: [faults.badGatewayHtml()], outcome: 'sent', attempts: 2 },
  { name: '503', faults: [faults.unavailable()], outcome: 'sent', attempts: 2 },
  { name: '504', faults: [faults.gatewayTimeout()], outcome: 'sent', attempts: 2 },
  { name: 'connection reset', faults: [faults.reset()], outcome: 'sent', attempts: 2 },
  { name: 'slow answer', faults: [faults.slow(300)], outcome: 'sent', attempts: 1 },
  { name: '200 with malformed JSON', faults: [faults.malformed()], outcome: 'sent', attempts: 1 },
  { name: 'one hang', faults: [faults.hang()], outcome: 'sent', attempts: 2 },
  {
    name: '503, then a reset',
    faults: [faults.unavailable(), faults.reset()],
    outcome: 'sent',
    attempts: 3,
  },
  {
    name: '429, 500, then a proxy page',
    faults: [faults.rateLimited(), faults.internalError(), faults.badGatewayHtml()],
    outcome: 'general',
    attempts: 3,
    says: 'Postmark, or a proxy between Logto and Postmark, is having trouble: see https://status.postmarkapp.com, and try again later. After 3 attempts, the answer was HTTP 502 with "502 Bad Gateway 502 Bad Gateway nginx", not Postmark\'s.',
  },
  {
    name: 'three 429s',
    faults: [faults.rateLimited(), faults.rateLimited(), faults.rateLimited()],
    outcome: 'rate_limit_exceeded',
    attempts: 3,
    says: 'Postmark is limiting how fast this server may send: wait a moment, then try again. After 3 attempts, Postmark answered HTTP 429: "Rate limit exceeded."',
  },
  {
    name: 'three 503s',
    faults: [faults.unavailable(), faults.unavailable(), faults.unavailable()],
    outcome: 'general',
    attempts: 3,
    says: 'Postmark is having trouble: see https://status.postmarkapp.com, and try again later. After 3 attempts, Postmark answered HTTP 503: "Service unavailable."',
  },
  {
    name: 'three resets',
    faults: [faults.reset(), faults.reset(), faults.reset()],
    outcome: 'general',
    attempts: 3,
    says: 'This server could not reach Postmark: check its network, DNS and proxy settings for api.postmarkapp.com. After 3 attempts, the last connection failed with read ECONNRESET.',
  },
  {
    name: 'a 422 after a 503',
    faults: [faults.unavailable(), faults.postmark(422, 300, 'Invalid email request.')],
    outcome: 'general',
    attempts: 2,
    says: 'Postmark refused the email: fix what its answer names. After 2 attempts, Postmark answered HTTP 422, error 300: "Invalid email request."',
  },
  {
    name: 'a 422, never retried',
    faults: [faults.postmark(422, 406, 'Inactive recipient.')],
    outcome: 'general',
    attempts: 1,
    says: 'Postmark will not send to user@example.com, an inactive address: if it is valid, reactivate it',
  },
];

describe('fault matrix', () => {
  it.each(cases)('$name → $outcome after $attempts attempt(s)', async (testCase) => {
    sandbox.fail(...testCase.faults);

    const outcome = await send().then(
      () => ({ code: 'sent', description: '', shown: '' }),
      (error: unknown) => {
        expectNoToken(error);
        // A real send shows the user a short sentence; the operator's account is in the data.
        const { code, data } = error as {
          code: string;
          data: { errorDescription: string; operatorMessage: string };
        };
        return { code, description: data.operatorMessage, shown: data.errorDescription };
      }
    );

    expect(outcome.code).toBe(testCase.outcome);
    expect(sandbox.requests.filter(({ method }) => method === 'POST')).toHaveLength(
      testCase.attempts
    );
    expect(sandbox.accepted).toHaveLength(testCase.outcome === 'sent' ? 1 : 0);
    if (testCase.says) {
      expect(outcome.description).toContain(testCase.says);
      expect(outcome.shown).not.toMatch(/postmark|http|\d{3}/i);
    }
  });

  it('answers within the deadline when Postmark hangs', async () => {
    sandbox.fail(faults.hang(), faults.hang(), faults.hang(), faults.hang());

    const start = performance.now();
    const error = await errorOf(send());
    const seconds = (performance.now() - start) / 1000;
    expectNoToken(error);

    console.log(`A hung Postmark: a clear error after ${seconds.toFixed(2)} s (deadline 7.5 s).`);
    expect(error.code).toBe('general');
    expect(error.data.errorDescription).toBe(
      'We could not send the email just now. Please try again in a minute.'
    );
    expect(error.data.operatorMessage).toMatch(
      /^Postmark did not answer within 7\.5 s: .+ The connector made 3 attempts\.$/
    );
    expect(sandbox.requests.filter(({ method }) => method === 'POST')).toHaveLength(3);
    // The deadline is 7.5 s, so that the sign-in page (which gives up at 10 s) hears by about 8 s,
    // even when a busy machine's timers run late.
    expect(seconds).toBeGreaterThanOrEqual(7.4);
    expect(seconds).toBeLessThan(8);
  }, 30_000);

  it('delivers after one hung attempt, well before the sign-in page gives up', async () => {
    sandbox.fail(faults.hang());

    const start = performance.now();
    await send();
    const seconds = (performance.now() - start) / 1000;

    console.log(`One hung attempt, then an answer: delivered after ${seconds.toFixed(2)} s.`);
    expect(sandbox.requests.map(({ outcome }) => outcome)).toEqual(['hang', 'accepted']);
    // The hung attempt was cut at the attempt timeout (3 s), not left to the deadline (7.5 s),
    // which would have ended the send with an error instead.
    expect(seconds).toBeGreaterThanOrEqual(2.95);
    expect(seconds).toBeLessThan(7.5);
  });
});
