/**
 * What each reader of an error gets: the operator in the Console test, the user on the sign-in
 * page (the error's message), the operator again in the audit log (its data).
 */
import nock from 'nock';

import { ConnectorError, ConnectorErrorCodes, TemplateType } from '@logto/connector-kit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import createConnector from '../index.js';
import {
  lowercaseAlias,
  mockConfig,
  mockServerToken,
  postmarkApi,
  requiredTemplates,
  tokenRejected,
} from '../mock.js';

import { connectorError } from './connector-error.js';
import { errorForReader, toLogtoError, userMessage } from './readers.js';

const api = postmarkApi;
const token = mockServerToken;
const config = { ...mockConfig, templates: requiredTemplates(lowercaseAlias) };

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

const postmarkAnswers = (status: number, body: unknown, times = 1) =>
  nock(api)
    .post('/email/withTemplate')
    .times(times)
    .reply(status, body as nock.Body);

const caught = async (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the send succeeded');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(ConnectorError);
      const { code, data } = error as ConnectorError;
      expect(JSON.stringify(data)).not.toContain(token);
      return { code, data: data as Record<string, unknown> };
    }
  );

const realSend = async (locale = 'en', input: unknown = config) => {
  const { sendMessage } = await createConnector({ getConfig: async () => input });
  return caught(
    sendMessage({
      to: 'user@example.com',
      type: TemplateType.SignIn,
      payload: { code: '123456', locale },
    })
  );
};

const consoleTest = async (input: unknown = config) => {
  const { sendMessage } = await createConnector({
    getConfig: async () => {
      throw new Error('the Console test reads no saved configuration');
    },
  });
  return caught(
    sendMessage(
      { to: 'me@acme.com', type: TemplateType.Generic, payload: { code: '000000' } },
      input
    )
  );
};

/** A refused connection as Node reports it: an Error with a system code. */
class RefusedError extends Error {
  get code() {
    return 'ECONNREFUSED';
  }
}

describe('a real send', () => {
  it("tells the user what they can do, and keeps the operator's account in the data", async () => {
    postmarkAnswers(401, tokenRejected);

    const { code, data } = await realSend();

    expect(code).toBe(ConnectorErrorCodes.General);
    expect(data.errorDescription).toBe(
      'This site cannot send email right now. Please try again later, or contact its support.'
    );
    expect(data.operatorMessage).toContain('Postmark rejected the server token');
    expect(data).toMatchObject({
      reason: ConnectorErrorCodes.InvalidConfig,
      postmarkErrorCode: 10,
      postmarkMessage: tokenRejected.Message,
      status: 401,
      attempts: 1,
      usageType: 'SignIn',
      template: 'alias "logto-signin"',
    });
    expect(data).not.toHaveProperty('advice');
  });

  it("starts the audit log's line with the operator's sentence, in any language", async () => {
    postmarkAnswers(401, tokenRejected);
    const { sendMessage } = await createConnector({ getConfig: async () => config });

    const error: unknown = await sendMessage({
      to: 'user@example.com',
      type: TemplateType.SignIn,
      payload: { code: '123456', locale: 'de' },
    }).catch((error: unknown) => error);
    expect(error).toBeInstanceOf(ConnectorError);
    const data = (error as ConnectorError).data as Record<string, unknown>;

    expect(Object.keys(data).slice(0, 2)).toEqual(['operatorMessage', 'errorDescription']);
    // What the audit log shows: the error as text.
    expect(String(error)).toMatch(
      /^Error: ConnectorError: {"operatorMessage":"Postmark rejected the server token/
    );
    expect(String(error).indexOf('Postmark rejected')).toBeLessThan(
      String(error).indexOf('Diese Website')
    );
  });

  it.each([
    ['de-CH', 'Diese Website kann gerade keine E-Mails senden.'],
    ['fr', "Ce site ne peut pas envoyer d'e-mails pour le moment."],
    ['es-419', 'Este sitio no puede enviar correos electrónicos ahora.'],
    ['ru', 'Сайт сейчас не может отправлять письма.'],
    ['ja', 'このサイトは現在メールを送信できません。'],
    ['zh-Hant-TW', '本網站暫時無法傳送電子郵件'],
    ['nl', 'This site cannot send email right now.'],
  ])("speaks the user's language (%s)", async (locale, expected) => {
    postmarkAnswers(401, tokenRejected);

    const { data } = await realSend(locale);

    expect(data.errorDescription).toContain(expected);
  });

  it('asks the user to check the address Postmark will not send to', async () => {
    postmarkAnswers(422, { ErrorCode: 406, Message: 'Inactive recipient.' });

    const { code, data } = await realSend();

    expect(code).toBe(ConnectorErrorCodes.General);
    expect(data.errorDescription).toBe(userMessage('address', ['en']));
    expect(data.operatorMessage).toContain('Postmark will not send to user@example.com');
  });

  it('asks the user to try again when Postmark cannot be reached, naming no address', async () => {
    nock(api)
      .post('/email/withTemplate')
      .times(3)
      // An Error, as Node reports it: nock drops a plain object over node:https.
      .replyWithError(new RefusedError('connect ECONNREFUSED 10.1.2.3:3128'));

    const { data } = await realSend();

    expect(data.errorDescription).toBe(userMessage('retry', ['en']));
    expect(data).toMatchObject({ reason: 'general', attempts: 3 });
    expect(data.operatorMessage).toMatch(/^This server could not reach Postmark: /);
    expect(JSON.stringify(data)).not.toContain('10.1.2.3');
  });

  it.each([
    [407, '<html><h1>407 Proxy Authentication Required</h1></html>'],
    [403, '<html><h1>Forbidden</h1><p>Blocked by the web filter.</p></html>'],
  ])("tells the user the site cannot send after a proxy's own %i page", async (status, page) => {
    postmarkAnswers(status, page);

    const { code, data } = await realSend();

    expect(code).toBe(ConnectorErrorCodes.General);
    expect(data.errorDescription).toBe(userMessage('site', ['en']));
    expect(data.errorDescription).not.toBe(userMessage('retry', ['en']));
    expect(data).toMatchObject({ reason: 'general', status, attempts: 1 });
  });

  it('keeps the codes Logto answers with 429: rate limit', async () => {
    postmarkAnswers(429, { ErrorCode: 429, Message: 'Rate limit exceeded.' }, 3);

    const { code, data } = await realSend();

    expect(code).toBe(ConnectorErrorCodes.RateLimitExceeded);
    expect(data.operatorMessage).toContain('After 3 attempts, Postmark answered HTTP 429');
  });

  it('keeps the codes Logto answers with 429: usage limit', async () => {
    postmarkAnswers(422, { ErrorCode: 405, Message: 'Not allowed to send: out of credits.' });

    const { code, data } = await realSend();

    expect(code).toBe(ConnectorErrorCodes.UsageLimitExceeded);
    expect(data.operatorMessage).toContain('check its credits and status in Postmark');
  });

  it('says nothing of the configuration to the user when it is invalid', async () => {
    const { code, data } = await realSend('en', { ...config, fromEmail: 'nobody' });

    expect(code).toBe(ConnectorErrorCodes.General);
    expect(data.errorDescription).toBe(userMessage('site', ['en']));
    expect(data.operatorMessage).toContain('Sender (fromEmail): must be one address');
  });

  it('passes an error that is not its own as it is', async () => {
    const { sendMessage } = await createConnector({
      getConfig: async () => {
        throw new ConnectorError(ConnectorErrorCodes.NotImplemented, 'no config here');
      },
    });

    await expect(
      sendMessage({ to: 'user@example.com', type: TemplateType.SignIn, payload: {} })
    ).rejects.toMatchObject({ code: ConnectorErrorCodes.NotImplemented });
  });
});

describe('the Console test', () => {
  it('shows the operator the sentence that names what to fix, as a general error', async () => {
    // The stream is looked up first and alone: a rejected token ends the test there.
    nock(api).get('/message-streams/outbound').reply(401, tokenRejected);

    const { code, data } = await consoleTest();

    expect(code).toBe(ConnectorErrorCodes.General);
    expect(data.errorDescription).toContain('Postmark rejected the server token');
    expect(data.errorDescription).toContain('"Server API token"');
    expect(data.reason).toBe(ConnectorErrorCodes.InvalidConfig);
  });

  it('names the form field that fails the guard', async () => {
    const { code, data } = await consoleTest({ ...config, fromEmail: 'nobody' });

    expect(code).toBe(ConnectorErrorCodes.General);
    expect(data.errorDescription).toMatch(
      /^Correct "Sender" \(fromEmail\) in the connector's settings\. Sender \(fromEmail\): must be one address/
    );
  });
});

describe('what errorForReader leaves as it is', () => {
  const onSignIn = { isConsoleTest: false, languages: ['en'] };

  it.each([
    ['a message in place of data', new ConnectorError(ConnectorErrorCodes.NotImplemented, 'no')],
    ['no advice', new ConnectorError(ConnectorErrorCodes.General, { errorDescription: 'x' })],
    [
      'an advice it does not know',
      new ConnectorError(ConnectorErrorCodes.General, { errorDescription: 'x', advice: 'wait' }),
    ],
    [
      'a description that is not text',
      new ConnectorError(ConnectorErrorCodes.General, { errorDescription: 42, advice: 'retry' }),
    ],
  ])('passes an error with %s unchanged', (_, error) => {
    expect(errorForReader(error, onSignIn)).toBe(error);
    expect(errorForReader(error, { isConsoleTest: true })).toBe(error);
  });

  it.each(['retry', 'address', 'site'])('rewords an error with advice %s', (advice) => {
    const error = new ConnectorError(ConnectorErrorCodes.General, {
      errorDescription: 'the operator sentence',
      advice,
    });
    const shown = errorForReader(error, onSignIn);

    expect(shown).not.toBe(error);
    expect(shown.data).toMatchObject({ operatorMessage: 'the operator sentence' });
  });
});

// The hints toLogtoError reads from a message and a configuration that may not have passed their checks.
describe('toLogtoError', () => {
  const failure = () =>
    connectorError(ConnectorErrorCodes.General, 'Postmark could not take the email.', {}, 'retry');

  const onSignIn = (data: unknown, rawConfig: unknown = {}) =>
    toLogtoError(failure(), { rawConfig, data, isConsoleTest: false }).data as Record<
      string,
      unknown
    >;

  it.each([null, 'text', { payload: null }, { payload: 'de' }, { payload: { locale: 42 } }])(
    'answers in English when the message %j names no language',
    (data) => {
      expect(onSignIn(data).errorDescription).toBe(userMessage('retry', ['en']));
    }
  );

  it("answers in the message's language", () => {
    expect(userMessage('retry', ['de'])).not.toBe(userMessage('retry', ['en']));
    expect(onSignIn({ payload: { locale: 'de' } }).errorDescription).toBe(
      userMessage('retry', ['de'])
    );
  });

  it('names the usage type only when it is one of Logto’s', () => {
    expect(onSignIn({ type: 'SignIn' }).usageType).toBe('SignIn');
    expect(onSignIn({ type: 'Nothing' }).usageType).toBeUndefined();
    expect(onSignIn(null).usageType).toBeUndefined();
  });

  it.each([null, 'token', { serverToken: 42 }])(
    'words the error when the configuration %j holds no token',
    (rawConfig) => {
      expect(onSignIn({}, rawConfig).operatorMessage).toBe('Postmark could not take the email.');
    }
  );

  it('removes the trimmed token from what it says', () => {
    const error = new Error('the server rejected tok-secret-1');
    const { data } = toLogtoError(error, {
      rawConfig: { serverToken: '  tok-secret-1 ' },
      data: {},
      isConsoleTest: true,
    });

    expect(JSON.stringify(data)).not.toContain('tok-secret-1');
    expect(JSON.stringify(data)).toContain('[server token]');
  });
});
