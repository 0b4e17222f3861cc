import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';

import { parseMessage } from './message.js';

const message = (data: Record<string, unknown> = {}) =>
  parseMessage({ to: 'user@example.com', type: 'SignIn', payload: { code: '123456' }, ...data });

describe('language hints', () => {
  const refusal = (payload: Record<string, unknown>) => {
    try {
      message({ payload });
    } catch (error: unknown) {
      expect(error).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).code).toBe(ConnectorErrorCodes.InvalidRequestParameters);
      return (error as ConnectorError).data as { errorDescription: string };
    }
    throw new Error('the message was accepted');
  };

  it.each([
    [{ locale: 'de-'.repeat(30) }, 'The language (locale) is 90 characters long; at most 64'],
    [
      { uiLocales: 'de '.repeat(200) },
      'The requested languages (ui_locales) are 600 characters long; at most 512',
    ],
  ])('refuses %j', (payload, expected) => {
    expect(refusal(payload).errorDescription).toContain(expected);
  });

  it.each([16, 17, 40])('accepts %i tags', (count) => {
    expect(
      message({ payload: { uiLocales: Array.from({ length: count }, () => 'de').join(' ') } }).to
    ).toBe('user@example.com');
  });
});

describe('what parseMessage refuses, and what the reader of the error is told', () => {
  const refusal = (data: unknown) => {
    try {
      parseMessage(data);
    } catch (error: unknown) {
      expect(error).toBeInstanceOf(ConnectorError);
      const { code, data: details } = error as ConnectorError;
      return { code, ...(details as { errorDescription: string; advice: string }) };
    }
    throw new Error('the message was accepted');
  };
  const valid = { to: 'user@example.com', type: 'SignIn', payload: {} };

  it.each([
    [null, 'The message to send is missing.', 'site'],
    [['user@example.com'], 'The message to send is missing.', 'site'],
    [
      { ...valid, to: undefined },
      'The recipient is missing or not text: it must be one bare email address, such as user@example.com.',
      'address',
    ],
    [{ ...valid, type: 'Welcome' }, 'The usage type "Welcome" is not one Logto sends.', 'site'],
    [{ ...valid, type: undefined }, 'The message has no usage type.', 'site'],
    [{ ...valid, type: 42 }, 'The usage type is not text.', 'site'],
    [{ ...valid, type: { circular: 'object' } }, 'The usage type is not text.', 'site'],
    [{ ...valid, payload: 'code' }, 'The message payload must be an object.', 'site'],
  ])('refuses %j', (data, errorDescription, advice) => {
    expect(refusal(data)).toEqual({
      code: ConnectorErrorCodes.InvalidRequestParameters,
      errorDescription,
      advice,
    });
  });

  it('quotes at most 100 characters of a usage type it does not know', () => {
    const { errorDescription } = refusal({ ...valid, type: 'W'.repeat(1000) });

    expect(errorDescription).toBe(`The usage type "${'W'.repeat(99)} is not one Logto sends.`);
  });

  it('says what is wrong with a recipient it refuses', () => {
    const { errorDescription, advice } = refusal({ ...valid, to: 'a@example.com, b@example.com' });

    expect(errorDescription).toMatch(/^The recipient [^.]+: it must be one bare email address/);
    expect(errorDescription).not.toContain('is missing or not text');
    expect(advice).toBe('address');
  });
});
