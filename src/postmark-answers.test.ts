/** What Postmark's answers mean, right at the edge of each rule and each wording. */
import { ConnectorErrorCodes } from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';

import { describeFailure } from './postmark-answers.js';

const context = {
  from: 'no-reply@acme.com',
  to: 'user@example.com',
  usageType: 'SignIn',
  template: 'alias "logto-sign-in"',
};

describe("Postmark's answers at their edge", () => {
  const http = (status: number, body: unknown, attempts = 1) =>
    describeFailure(
      {
        kind: 'http',
        status,
        body: typeof body === 'string' ? body : JSON.stringify(body),
        attempts,
      },
      context
    );

  it.each([
    [1099, false],
    [1100, true],
    [1199, true],
    [1200, false],
  ])('names the template for Postmark error %i: %s', (code, named) => {
    const { description } = http(422, { ErrorCode: code, Message: 'M.' });

    expect(description.includes('with template alias "logto-sign-in"')).toBe(named);
  });

  it.each([
    [500, 'Postmark could not take the email'],
    [503, 'Postmark could not take the email'],
    [499, 'Postmark refused the email'],
  ])("says a %i with Postmark's JSON is %j", (status, says) => {
    const { description, advice } = http(status, { ErrorCode: 0, Message: 'M.' });

    expect(description).toContain(says);
    expect(advice).toBe(status >= 500 ? 'retry' : 'site');
  });

  it.each([
    ['a bare 401', 401, '<h1>Unauthorized</h1>', 'HTTP 401'],
    [
      'ErrorCode 10 on another status',
      422,
      { ErrorCode: 10, Message: 'Bad token.' },
      'HTTP 422, Postmark error 10',
    ],
  ])('reads %s as a rejected token', (_, status, body, said) => {
    const { code, description } = http(status, body);

    expect(code).toBe(ConnectorErrorCodes.InvalidConfig);
    expect(description).toContain(`Postmark rejected the server token (${said}`);
  });
});

describe('wording at its edge', () => {
  it.each([
    { kind: 'http', status: 429, body: '{"ErrorCode":429,"Message":"Slow down."}' },
    { kind: 'http', status: 502, body: '' },
    { kind: 'network', cause: 'read ECONNRESET' },
    { kind: 'deadline', milliseconds: 8500 },
  ] as const)('never says "(after 1 attempts)" for $kind', (failure) => {
    expect(describeFailure({ ...failure, attempts: 1 }, context).description).not.toContain(
      'after'
    );
    expect(describeFailure({ ...failure, attempts: 2 }, context).description).toContain(
      ' (after 2 attempts).'
    );
  });
});
