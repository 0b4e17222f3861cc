/**
 * What leaves the connector in an error's data reaches the sign-in page's browser and the audit
 * log: no host or address but Postmark's, and never the server token, in any field.
 */
import nock from 'nock';
import { z } from 'zod';

import { ConnectorError, ConnectorErrorCodes, TemplateType } from '@logto/connector-kit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import createConnector from '../index.js';
import {
  SystemError,
  lowercaseAlias,
  mockConfig,
  postmarkApi,
  requiredTemplates,
} from '../mock.js';
import { excerptLength } from '../postmark/answers.js';

import { redactHosts, toSafeConnectorError } from './redact.js';

const api = postmarkApi;
/** Shaped like a real token, a UUID. */
const token = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const config = { ...mockConfig, serverToken: token, templates: requiredTemplates(lowercaseAlias) };

const internal = ['gw.corp.internal', '10.0.0.5', 'fd00::1', '8443', 'proxy.local', '3128'];

const errorPage = `<html><head><title>502 Bad Gateway</title></head><body>
<h1>Bad Gateway</h1><p>gw.corp.internal could not reach upstream 10.0.0.5:443 or [fd00::1]:8443.</p>
<address>Squid via http://proxy.local:3128/ on cache.corp.internal</address></body></html>`;

const failedSend = async (serverToken = token, isConsoleTest = false) => {
  const form = { ...config, serverToken };
  const { sendMessage } = await createConnector({ getConfig: async () => form });
  const data = { to: 'user@example.com', type: TemplateType.SignIn, payload: { code: '1' } };
  const sending = isConsoleTest ? sendMessage(data, form) : sendMessage(data);
  return sending.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as ConnectorError & { data: Record<string, unknown> }
  );
};

const postmarkAnswers = (times: number, status: number, body: string | object, headers = {}) =>
  nock(api).post('/email/withTemplate').times(times).reply(status, body, headers);

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

describe('an error page from something in between', () => {
  it.each([false, true])(
    'names no internal host or address (Console test: %s)',
    async (isConsoleTest) => {
      // The Console test looks the templates up first, and meets the same page there.
      nock(api)
        .persist()
        .intercept(() => true, isConsoleTest ? 'GET' : 'POST')
        .reply(502, errorPage, { 'Content-Type': 'text/html' });

      const error = await failedSend(token, isConsoleTest);
      const text = JSON.stringify(error.data);

      for (const secret of internal) {
        expect(text).not.toContain(secret);
      }
      expect(text).toContain('[host] could not reach upstream [address] or [address]');
      expect(text).toContain('https://status.postmarkapp.com');
    }
  );

  it("says a 5xx without Postmark's JSON may be Postmark's own, with the status page", async () => {
    postmarkAnswers(3, 503, '<h1>Service Unavailable</h1>');

    const { data } = await failedSend();

    expect(data.operatorMessage).toBe(
      'Postmark, or a proxy between Logto and Postmark, is having trouble: see https://status.postmarkapp.com, and try again later. After 3 attempts, the answer was HTTP 503 with "Service Unavailable", not Postmark\'s.'
    );
  });

  it('says a 500 the same way, and is retried like it', async () => {
    postmarkAnswers(3, 500, '');

    const { data } = await failedSend();

    expect(data.operatorMessage).toBe(
      "Postmark, or a proxy between Logto and Postmark, is having trouble: see https://status.postmarkapp.com, and try again later. After 3 attempts, the answer was HTTP 500 with an empty body, not Postmark's."
    );
  });

  it("blames something in between for an answer below 500 without Postmark's JSON", async () => {
    postmarkAnswers(1, 499, 'Client Closed Request');

    const { data } = await failedSend();

    expect(data.operatorMessage).toBe(
      'Something other than Postmark answered: check this server\'s proxy settings for api.postmarkapp.com. The answer was HTTP 499 with "Client Closed Request", not Postmark\'s.'
    );
  });

  it.each([
    [excerptLength, 'x'.repeat(excerptLength)],
    [excerptLength + 1, `${'x'.repeat(excerptLength)}…`],
  ])('quotes %i characters of text as %j', async (length, quoted) => {
    postmarkAnswers(1, 404, `<p>${'x'.repeat(length)}</p>`);

    const { data } = await failedSend();

    expect(data.operatorMessage).toContain(`HTTP 404 with "${quoted}", not Postmark's.`);
  });

  it('redacts a host before cutting the excerpt, so no part of it is left', async () => {
    postmarkAnswers(1, 404, `${'x '.repeat(55)}upstream 10.200.300.4 gw.corp.internal`);

    const { data } = await failedSend();

    expect(data.operatorMessage).not.toMatch(/10\.2|gw\.|corp/);
  });
});

describe('a network failure', () => {
  it.each([
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND gw.corp.internal', 'getaddrinfo ENOTFOUND [host]'],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND postgres', 'getaddrinfo ENOTFOUND [host]'],
    ['ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:3128', 'connect ECONNREFUSED [address]'],
    ['ECONNREFUSED', 'connect ECONNREFUSED fd00::1:8443', 'connect ECONNREFUSED [address]'],
    ['ECONNRESET', 'socket hang up at [fd00::1]:8443', 'ECONNRESET (socket hang up at [address])'],
    [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      "Hostname/IP does not match certificate's altnames: Host: api.postmarkapp.com. is not in the cert's altnames: DNS:*.corp.internal",
      "Host: api.postmarkapp.com. is not in the cert's altnames: DNS:*.[host]",
    ],
  ])('%s: names no internal host in "%s"', async (code, message, shown) => {
    nock(api).post('/email/withTemplate').times(3).replyWithError(new SystemError(code, message));

    const { data } = await failedSend();

    expect(data.operatorMessage).toContain(shown);
    expect(JSON.stringify(data)).not.toMatch(/corp|10\.0|fd00|postgres/);
    expect(data.cause).toBe(code);
  });

  it("keeps Postmark's own names", async () => {
    nock(api)
      .post('/email/withTemplate')
      .times(3)
      .replyWithError(new SystemError('ENOTFOUND', 'getaddrinfo ENOTFOUND api.postmarkapp.com'));

    const { data } = await failedSend();

    expect(data.operatorMessage).toBe(
      'This server could not reach Postmark: check its network, DNS and proxy settings for api.postmarkapp.com. After 3 attempts, the last connection failed with getaddrinfo ENOTFOUND api.postmarkapp.com.'
    );
  });
});

describe('the server token', () => {
  it('is removed when Postmark echoes it, even if the form had spaces around it', async () => {
    postmarkAnswers(1, 422, { ErrorCode: 300, Message: `Bad header ${token} in request` });

    const error = await failedSend(`  ${token}\n`);

    expect(JSON.stringify(error.data)).not.toContain(token);
    expect(error.data.postmarkMessage).toBe('Bad header [server token] in request');
  });

  it('is removed from strings inside arrays and nested objects', () => {
    const error = new ConnectorError(ConnectorErrorCodes.General, {
      errorDescription: `token ${token}`,
      list: ['a', [`deep ${token}`], { inner: token }],
      nested: { level: { text: `${token}${token}`, count: 3, flag: true, none: null } },
    });

    const safe = toSafeConnectorError(error, token);

    expect(safe.code).toBe(ConnectorErrorCodes.General);
    expect(safe.data).toEqual({
      errorDescription: 'token [server token]',
      list: ['a', ['deep [server token]'], { inner: '[server token]' }],
      nested: {
        level: { text: '[server token][server token]', count: 3, flag: true, none: null },
      },
    });
  });
});

describe('toSafeConnectorError', () => {
  it('returns an error with nothing to remove as it is, ZodError data included', () => {
    const zodError = z.object({ a: z.string() }).safeParse({}).error;
    const error = new ConnectorError(ConnectorErrorCodes.InvalidConfig, zodError);

    expect(toSafeConnectorError(error, token)).toBe(error);
  });

  it("removes the token from every field it walks, and leaves the connector's words as written", () => {
    const error = new ConnectorError(ConnectorErrorCodes.General, {
      errorDescription: `Postmark has no template with alias "welcome.de": token ${token}`,
      causes: [{ variable: '{{company.name}}', said: `sent to postmarkapp.com with ${token}` }],
    });

    expect(toSafeConnectorError(error, token).data).toEqual({
      errorDescription: 'Postmark has no template with alias "welcome.de": token [server token]',
      causes: [
        { variable: '{{company.name}}', said: 'sent to postmarkapp.com with [server token]' },
      ],
    });
  });

  it('drops what is nested deeper than any error of its own', () => {
    const deep = Array.from({ length: 12 }).reduce<Record<string, unknown>>(
      (inner) => ({ text: token, inner }),
      {}
    );
    const error = new ConnectorError(ConnectorErrorCodes.General, deep);

    const text = JSON.stringify(toSafeConnectorError(error, token).data);

    expect(text).not.toContain(token);
    // The data itself and seven levels below it are read; the rest is gone.
    expect(text.match(/\[server token]/g)).toHaveLength(8);
  });

  it('drops arrays nested deeper than any error of its own, and keeps what is not text', () => {
    const deep = Array.from({ length: 12 }).reduce<unknown[]>((inner) => [token, inner], []);
    const error = new ConnectorError(ConnectorErrorCodes.General, {
      none: null,
      count: 2,
      deep,
    });

    const data = toSafeConnectorError(error, token).data as Record<string, unknown>;

    expect(data).toMatchObject({ none: null, count: 2 });
    expect(JSON.stringify(data)).not.toContain(token);
    expect(JSON.stringify(data).match(/\[server token]/g)).toHaveLength(7);
  });

  it('keeps a field that is undefined, as the data of a send without a template has', () => {
    const error = new ConnectorError(ConnectorErrorCodes.General, {
      template: undefined,
      said: token,
    });

    const data = toSafeConnectorError(error, token).data as Record<string, unknown>;

    expect(Object.keys(data)).toContain('template');
    expect(data.template).toBeUndefined();
    expect(data).toHaveProperty('said', '[server token]');
  });

  it('turns anything else into a general error, redacted', () => {
    const safe = toSafeConnectorError(new Error(`boom at gw.corp.internal with ${token}`), token);

    expect(safe.code).toBe(ConnectorErrorCodes.General);
    expect(safe.data).toMatchObject({
      errorDescription:
        'Unexpected error in the Postmark connector: boom at [host] with [server token]',
    });
  });
});

describe('redactHosts', () => {
  it.each([
    [
      'no-reply@acme.com and first.last@corp.example',
      'no-reply@acme.com and first.last@corp.example',
    ],
    ['https://status.postmarkapp.com.', 'https://status.postmarkapp.com.'],
    ['postmarkapp.com, API.postmarkapp.com', 'postmarkapp.com, API.postmarkapp.com'],
    ['api.postmarkapp.com.evil.example', '[host]'],
    ['https://user:pw@proxy:3128/path', 'https://[host]/path'],
    ['::ffff:10.0.0.5 and 2001:db8::1', '[address] and [address]'],
    ['::ffff:192.168.100.200 failed', '[address] failed'],
    ['connect 10.20.30.40:8443 refused', 'connect [address] refused'],
    ['connect 10.1.2.3 refused', 'connect [address] refused'],
    ['[fe80::1%eth0]:8080 and [::1]', '[address] and [address]'],
    ['https://api.postmarkapp.com:443/email', 'https://api.postmarkapp.com:443/email'],
    // Only a port at the end leaves a name to check, not digits inside it.
    ['https://api.postmark:1app.com/', 'https://[host]/'],
    // The stop that ends a sentence after a name is the sentence's, not the name's.
    ['failed with ENOTFOUND gw.corp.internal.', 'failed with ENOTFOUND [host].'],
    ['failed with ENOTFOUND api.postmarkapp.com.', 'failed with ENOTFOUND api.postmarkapp.com.'],
    ['failed with EAI_AGAIN postgres.', 'failed with EAI_AGAIN [host].'],
    [
      'Postmark error 300: Invalid, alias logto-sign-in, v1.2.3',
      'Postmark error 300: Invalid, alias logto-sign-in, v1.2.3',
    ],
  ])('%j reads %j', (text, redacted) => {
    expect(redactHosts(text)).toBe(redacted);
  });
});
