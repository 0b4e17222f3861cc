/** What Postmark's answers mean, right at the edge of each rule and each wording. */
import { ConnectorErrorCodes } from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';

import type { SendContext } from '../errors/connector-error.js';

import { describeFailure } from './answers.js';

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
    [500, 'Postmark is having trouble'],
    [503, 'Postmark is having trouble'],
    [499, 'Postmark refused the email'],
  ])("says a %i with Postmark's JSON is %j", (status, says) => {
    const { description, advice } = http(status, { ErrorCode: 0, Message: 'M.' });

    expect(description).toContain(says);
    expect(advice).toBe(status >= 500 ? 'retry' : 'site');
  });

  it.each([
    ['a bare 401', 401, '<h1>Unauthorized</h1>', 'The answer was HTTP 401 with "Unauthorized"'],
    [
      'ErrorCode 10 on another status',
      422,
      { ErrorCode: 10, Message: 'Bad token.' },
      'Postmark answered HTTP 422, error 10: "Bad token."',
    ],
  ])('reads %s as a rejected token', (_, status, body, said) => {
    const { code, description } = http(status, body);

    expect(code).toBe(ConnectorErrorCodes.InvalidConfig);
    expect(description).toMatch(/^Postmark rejected the server token: /);
    expect(description).toContain(`"Server API token". ${said}`);
  });
});

describe('wording at its edge', () => {
  it.each([
    { kind: 'http', status: 429, body: '{"ErrorCode":429,"Message":"Slow down."}' },
    { kind: 'http', status: 502, body: '' },
    { kind: 'network', cause: 'read ECONNRESET' },
    { kind: 'deadline', milliseconds: 8500 },
  ] as const)('counts the attempts for $kind only when there were several', (failure) => {
    expect(describeFailure({ ...failure, attempts: 1 }, context).description).not.toMatch(
      /attempt|after/i
    );
    expect(describeFailure({ ...failure, attempts: 2 }, context).description).toMatch(
      /After 2 attempts, |made 2 attempts\./
    );
  });
});

describe('each answer, its code and its advice', () => {
  const http = (status: number, body: unknown, to: SendContext = context) =>
    describeFailure(
      {
        kind: 'http',
        status,
        body: typeof body === 'string' ? body : JSON.stringify(body),
        attempts: 1,
      },
      to
    );
  const postmark = (ErrorCode: number, Message = 'M.') => ({ ErrorCode, Message });

  it.each([
    [401, postmark(10), ConnectorErrorCodes.InvalidConfig, 'site'],
    [429, postmark(429), ConnectorErrorCodes.RateLimitExceeded, 'retry'],
    [422, postmark(400), ConnectorErrorCodes.InvalidConfig, 'site'],
    [422, postmark(1101), ConnectorErrorCodes.TemplateNotFound, 'site'],
    [422, postmark(412), 'usage_limit_exceeded', 'site'],
    [422, postmark(406), ConnectorErrorCodes.General, 'address'],
    [
      422,
      postmark(300, "Error parsing 'To': Illegal email address"),
      ConnectorErrorCodes.InvalidRequestParameters,
      'address',
    ],
    [
      422,
      postmark(300, "Error parsing 'From': Illegal email address"),
      ConnectorErrorCodes.InvalidConfig,
      'site',
    ],
    [
      422,
      postmark(300, "Error parsing 'Reply-To': Illegal email address"),
      ConnectorErrorCodes.InvalidConfig,
      'site',
    ],
    [500, postmark(0), ConnectorErrorCodes.General, 'retry'],
    [422, postmark(1234), ConnectorErrorCodes.General, 'site'],
    [502, '<h1>Bad gateway</h1>', ConnectorErrorCodes.General, 'retry'],
    [404, '<h1>Not Found</h1>', ConnectorErrorCodes.General, 'retry'],
    // A proxy's own page: the user cannot wait it out.
    [407, '<h1>Proxy Authentication Required</h1>', ConnectorErrorCodes.General, 'site'],
    [407, '', ConnectorErrorCodes.General, 'site'],
    [403, '<html><body>Access denied by policy</body></html>', ConnectorErrorCodes.General, 'site'],
    [403, postmark(0), ConnectorErrorCodes.General, 'site'],
  ])('reads a %i with %j as %s, advising %s', (status, body, code, advice) => {
    expect(http(status, body)).toMatchObject({ code, advice });
  });

  it.each([
    [
      407,
      '<h1>Proxy Authentication Required</h1>',
      'A proxy between Logto and Postmark asks for credentials: add them to HTTPS_PROXY in Logto\'s environment, or let this server reach api.postmarkapp.com. The answer was HTTP 407 with "Proxy Authentication Required", not Postmark\'s.',
    ],
    [
      403,
      '<html><body>Access denied by policy</body></html>',
      'Something between Logto and Postmark refused the request: let this server reach api.postmarkapp.com through its proxy or firewall. The answer was HTTP 403 with "Access denied by policy", not Postmark\'s.',
    ],
    [
      407,
      postmark(999, 'x'),
      'Postmark refused the email: fix what its answer names. Postmark answered HTTP 407, error 999: "x".',
    ],
    [
      403,
      postmark(999, 'x'),
      'Postmark refused the email: fix what its answer names. Postmark answered HTTP 403, error 999: "x".',
    ],
  ])("blames a proxy for a %i only without Postmark's JSON: %j", (status, body, description) => {
    expect(http(status, body).description).toBe(description);
  });

  it('quotes no Message when Postmark sent an empty one', () => {
    expect(http(422, postmark(300, '')).description).toBe(
      'Postmark refused the email: fix what its answer names. Postmark answered HTTP 422, error 300.'
    );
  });

  it('names the address field of a Postmark 300, first field first', () => {
    expect(http(422, postmark(300, "Error parsing 'To': Illegal email address")).description).toBe(
      'Postmark cannot send to user@example.com: check the address, or use another one. Postmark answered HTTP 422, error 300: "Error parsing \'To\': Illegal email address".'
    );
    expect(http(422, postmark(300, "Invalid 'From' address, and 'To'")).description).toBe(
      "Postmark cannot read the sender no-reply@acme.com: correct \"Sender\", or the sendFrom of Logto's email template. Postmark answered HTTP 422, error 300: \"Invalid 'From' address, and 'To'\"."
    );
    for (const field of ['Reply-To', 'ReplyTo', 'reply-to']) {
      expect(http(422, postmark(300, `Invalid '${field}' address`)).description).toBe(
        `Postmark cannot read the Reply-To: correct "Reply-To", or the replyTo of Logto's email template. Postmark answered HTTP 422, error 300: "Invalid '${field}' address".`
      );
    }
  });

  it('reads an address field only in a 300, and only in the first 1,000 characters', () => {
    expect(http(422, postmark(301, "Error parsing 'To'")).description).toMatch(
      /^Postmark refused the email/
    );
    expect(http(422, postmark(300, `${'x'.repeat(1000)}'To'`)).description).toMatch(
      /^Postmark refused the email/
    );
    expect(http(422, postmark(300, "Error parsing 'Cc'")).description).toMatch(
      /^Postmark refused the email/
    );
  });

  it('says "that alias" when no template was named', () => {
    const { template, ...custom } = context;

    expect(http(422, postmark(1101), custom).description).toMatch(
      /^Postmark has no template with that alias for SignIn: /
    );
  });

  it("quotes the start of an answer that is not Postmark's, cut at 120 characters", () => {
    const exact = 'a'.repeat(120);
    const longer = `${'b'.repeat(120)}c`;

    expect(http(403, exact).description).toContain(`with "${exact}", not`);
    expect(http(403, longer).description).toContain(`with "${'b'.repeat(120)}…", not`);
    expect(http(403, longer).description).not.toContain('c"');
  });

  it('reads only the first 4,096 characters, and drops a tag left open', () => {
    expect(http(403, `<${'a'.repeat(5000)}> visible`).description).toContain(
      'HTTP 403 with an empty body, not'
    );
    expect(http(403, 'Forbidden <b').description).toContain('HTTP 403 with "Forbidden", not');
  });

  it('blames Postmark from a 500 on, and a proxy below', () => {
    expect(http(500, '').description).toBe(
      "Postmark, or a proxy between Logto and Postmark, is having trouble: see https://status.postmarkapp.com, and try again later. The answer was HTTP 500 with an empty body, not Postmark's."
    );
    expect(http(499, '').description).toBe(
      "Something other than Postmark answered: check this server's proxy settings for api.postmarkapp.com. The answer was HTTP 499 with an empty body, not Postmark's."
    );
  });

  it('words a network failure and a deadline, with their facts', () => {
    expect(
      describeFailure(
        { kind: 'network', cause: 'connect ECONNREFUSED', code: 'ECONNREFUSED', attempts: 1 },
        context
      )
    ).toEqual({
      code: ConnectorErrorCodes.General,
      advice: 'retry',
      description:
        'This server could not reach Postmark: check its network, DNS and proxy settings for api.postmarkapp.com. The connection failed with connect ECONNREFUSED.',
      details: { attempts: 1, cause: 'ECONNREFUSED' },
    });
    expect(describeFailure({ kind: 'deadline', milliseconds: 8549, attempts: 1 }, context)).toEqual(
      {
        code: ConnectorErrorCodes.General,
        advice: 'retry',
        description:
          "Postmark did not answer within 8.5 s: see https://status.postmarkapp.com, and check this server's network.",
        details: { attempts: 1, milliseconds: 8549 },
      }
    );
  });
});

describe("Postmark's word on when to try again", () => {
  const rateLimited = (retryAfterMs?: number) =>
    describeFailure(
      {
        kind: 'http',
        status: 429,
        body: '{"ErrorCode":429,"Message":"Rate limit exceeded."}',
        attempts: 1,
        retryAfterMs,
      },
      { from: 'no-reply@acme.com', to: 'user@example.com', usageType: 'SignIn' }
    );

  it.each([
    [4000, '4 s'],
    [89_000, '89 s'],
    [89_001, '90 s'],
    // From 90 s on, whole minutes; from 90 minutes on, whole hours: each rounded up, so that the
    // operator never tries again before Postmark asked.
    [90_000, '2 minutes'],
    [91_000, '2 minutes'],
    [149_000, '3 minutes'],
    [600_000, '10 minutes'],
    [5_340_000, '89 minutes'],
    [5_340_001, '2 hours'],
    [5_400_000, '2 hours'],
    [5_460_000, '2 hours'],
    [7_200_000, '2 hours'],
    [7_200_001, '3 hours'],
  ])('says a Retry-After of %i ms as %s, and keeps it for the audit log', (wait, said) => {
    const { description, details } = rateLimited(wait);

    expect(description).toMatch(
      new RegExp(`^Postmark is limiting .+ Postmark asked to wait ${said} before the next try\\.$`)
    );
    expect(details).toMatchObject({ retryAfterSeconds: Math.ceil(wait / 1000) });
  });

  it.each([undefined, 0])('says nothing of a wait of %s', (wait) => {
    const { description, details } = rateLimited(wait);

    expect(description).not.toContain('asked to wait');
    expect(details).not.toHaveProperty('retryAfterSeconds', expect.anything());
  });
});
