/**
 * The model of Logto's rules against hand-made forms and errors whose outcome Logto's source
 * fixes, so that a wrong model fails here before it misleads another test.
 */
import { z } from 'zod';

import {
  type ConnectorConfigFormItem,
  ConnectorConfigFormItemType,
  ConnectorError,
  ConnectorErrorCodes,
} from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';

import {
  auditLogEntry,
  consoleToast,
  newConnectorForm,
  parseForm,
  responseBody,
  savedConnectorForm,
  selectShows,
  signInToast,
  validateForm,
} from './logto-rules.js';

const items: ConnectorConfigFormItem[] = [
  { key: 'token', label: 'Token', type: ConnectorConfigFormItemType.Text, required: true },
  { key: 'note', label: 'Note', type: ConnectorConfigFormItemType.Text },
  { key: 'list', label: 'List', type: ConnectorConfigFormItemType.Json, defaultValue: ['a'] },
  { key: 'extra', label: 'Extra', type: ConnectorConfigFormItemType.Json },
  { key: 'flag', label: 'Flag', type: ConnectorConfigFormItemType.Switch, required: true },
  {
    key: 'mode',
    label: 'Mode',
    type: ConnectorConfigFormItemType.Select,
    required: true,
    selectItems: [{ value: 'A', title: 'A' }],
  },
  {
    key: 'shownForA',
    label: 'Only for A',
    type: ConnectorConfigFormItemType.Text,
    required: true,
    showConditions: [{ targetKey: 'mode', expectValue: 'A' }],
  },
  { key: 'count', label: 'Count', type: ConnectorConfigFormItemType.Number },
];

describe('the Console form', () => {
  it('starts a new connector from the defaults, a Json item as indented JSON text', () => {
    expect(newConnectorForm(items)).toEqual({
      token: '',
      note: '',
      list: '[\n  "a"\n]',
      extra: undefined,
      flag: undefined,
      mode: undefined,
      shownForA: '',
      count: Number.NaN,
    });
  });

  it('starts a saved connector from its config, a missing Json item as {}', () => {
    expect(savedConnectorForm(items, { token: 't', mode: 'A', flag: true })).toMatchObject({
      token: 't',
      list: '{}',
      extra: '{}',
      flag: true,
      mode: 'A',
    });
  });

  it('blocks on an empty required item and on a Json item without JSON text; never on a Switch', () => {
    expect(validateForm(items, newConnectorForm(items))).toEqual([
      { key: 'token', reason: 'required' },
      { key: 'extra', reason: 'invalid_json' },
      { key: 'mode', reason: 'required' },
    ]);
    expect(
      validateForm(items, {
        ...newConnectorForm(items),
        token: 't',
        extra: '{',
        flag: false,
        mode: 'A',
      })
    ).toEqual([
      { key: 'extra', reason: 'invalid_json' },
      { key: 'shownForA', reason: 'required' },
    ]);
  });

  it('sends what the form holds: no empty text, Json parsed or {}, nothing untouched', () => {
    expect(
      parseForm(items, {
        ...newConnectorForm(items),
        token: 't',
        note: '',
        extra: 'not JSON',
        unknown: 'x',
        count: '5',
      })
    ).toEqual({ token: 't', list: ['a'], extra: {}, count: 5 });
    expect(parseForm(items, newConnectorForm(items))).toEqual({ list: ['a'], extra: {} });
  });

  it('shows only a string in a Select', () => {
    expect(selectShows('A')).toBe('A');
    expect(selectShows(true)).toBeUndefined();
  });
});

const zodError = z
  .object({ fromEmail: z.string().email('must be one address'), templates: z.array(z.string()) })
  .safeParse({ fromEmail: 'nope' }).error;

describe("core's answer to a ConnectorError", () => {
  it('invalid_config with a ZodError: the fixed phrase, and details one line per issue', () => {
    const body = responseBody(new ConnectorError(ConnectorErrorCodes.InvalidConfig, zodError));

    expect(body).toMatchObject({
      status: 400,
      code: 'connector.invalid_config',
      message: "The connector's config is invalid.",
      details:
        'Error in key path "fromEmail": (invalid_string) must be one address\nError in key path "templates": (invalid_type) Expected array but received undefined.',
    });
    expect(consoleToast(body)).toBe(`The connector's config is invalid.\n${body.details ?? ''}`);
  });

  it('a fixed phrase ignores errorDescription, which only data keeps', () => {
    const data = { errorDescription: 'Postmark has no template "x".' };
    const body = responseBody(new ConnectorError(ConnectorErrorCodes.TemplateNotFound, data));

    expect(body).toEqual({
      status: 400,
      code: 'connector.template_not_found',
      message: 'Unable to find correct template in connector config.',
      data,
    });
    expect(consoleToast(body)).toBe('Unable to find correct template in connector config.\n');
  });

  it('general puts errorDescription into the message, verbatim', () => {
    const body = responseBody(
      new ConnectorError(ConnectorErrorCodes.General, {
        errorDescription: 'Fix "fromEmail" <now> $& $1',
        reason: 'invalid_config',
      })
    );

    expect(body.status).toBe(400);
    expect(body.code).toBe('connector.general');
    expect(body.message).toBe('Error occurred in connector: Fix "fromEmail" <now> $& $1');
    expect(body.details).toBeUndefined();
    expect(consoleToast(body)).toBe(`${body.message}\n`);
    expect(signInToast(body)).toBe(body.message);
  });

  it('general without errorDescription shows the JSON of data', () => {
    const body = responseBody(new ConnectorError(ConnectorErrorCodes.General, 'plain text'));
    expect(body.message).toBe('Error occurred in connector: {"message":"plain text"}');
  });

  it('rate_limit_exceeded: 429 and the fixed phrase in both releases', () => {
    for (const release of ['1.37.1', '1.42.0'] as const) {
      const body = responseBody(
        new ConnectorError(ConnectorErrorCodes.RateLimitExceeded, { errorDescription: 'x' }),
        release
      );
      expect(body.status).toBe(429);
      expect(signInToast(body)).toBe('Trigger rate limit. Please try again later.');
    }
  });

  it('usage_limit_exceeded: 429 and its phrase in 1.42.0; in 1.37.1 the default case and no phrase', () => {
    const error = new ConnectorError(ConnectorErrorCodes.UsageLimitExceeded, {
      errorDescription: 'x',
    });

    expect(responseBody(error, '1.42.0')).toMatchObject({
      status: 429,
      code: 'connector.usage_limit_exceeded',
      message: 'The email service usage limit has been reached.',
    });
    expect(responseBody(error, '1.37.1')).toMatchObject({
      status: 400,
      code: 'connector.usage_limit_exceeded',
      message: 'connector.usage_limit_exceeded',
    });
  });
});

describe('the audit log', () => {
  it("keeps the ConnectorError's message: the JSON of data, but not the code", () => {
    const error = new ConnectorError(ConnectorErrorCodes.RateLimitExceeded, {
      errorDescription: 'Try again.',
      operatorMessage: 'Postmark error 429\u0000',
    });

    expect(auditLogEntry(error, '1.42.0')).toEqual({
      result: 'Error',
      error: {
        message:
          'Error: ConnectorError: {"errorDescription":"Try again.","operatorMessage":"Postmark error 429\\u0000"}',
      },
    });
    expect(auditLogEntry(error, '1.42.0').error.message).not.toContain('rate_limit_exceeded');
    expect(auditLogEntry(new Error('a\u0000b'), '1.42.0').error.message).toBe('Error: ab');
    expect(auditLogEntry(new Error('a\u0000b'), '1.37.1').error.message).toBe('Error: a\u0000b');
  });
});
