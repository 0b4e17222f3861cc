/** The hints the last step reads from a message and a configuration that may not have passed their checks. */
import { ConnectorErrorCodes } from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';

import { connectorError } from './connector-error.js';
import { userMessage } from './readers.js';
import { toLogtoError } from './to-logto-error.js';

const failure = () =>
  connectorError(ConnectorErrorCodes.General, 'Postmark could not take the email.', {}, 'retry');

const onSignIn = (data: unknown, rawConfig: unknown = {}) =>
  toLogtoError(failure(), { rawConfig, data, isConsoleTest: false }).data as Record<
    string,
    unknown
  >;

describe('toLogtoError', () => {
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
