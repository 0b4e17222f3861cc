import { ConnectorError, ConnectorErrorCodes, TemplateType } from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';

import { parseConfig } from './config.js';
import { customEmailBody, parseMessage, templateEmailBody } from './request.js';

const config = parseConfig({
  serverToken: 'token',
  fromEmail: 'Acme <no-reply@acme.com>',
  templates: ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({
    usageType,
    templateAlias: usageType,
  })),
});
const template = { usageType: TemplateType.SignIn, templateAlias: 'logto-sign-in' };
const custom = { subject: 'Code', content: '<p>{{code}}</p>', contentType: 'text/html' as const };

const message = (data: Record<string, unknown> = {}) =>
  parseMessage({
    to: 'user@example.com',
    type: 'SignIn',
    payload: { code: '1', locale: 'pt-BR' },
    ip: '203.0.113.7',
    ...data,
  });

const bothBodies = (configured = config, sent = message()) => [
  templateEmailBody(configured, template, sent),
  customEmailBody(configured, custom, sent),
];

describe('Postmark Metadata', () => {
  it('names the usage type and the locale on both sending paths', () => {
    for (const body of bothBodies()) {
      expect(body.Metadata).toEqual({ usage_type: 'SignIn', locale: 'pt-BR' });
    }
  });

  it('leaves out a locale Logto did not give', () => {
    const [body] = bothBodies(config, message({ payload: { code: '1' } }));
    expect(body?.Metadata).toEqual({ usage_type: 'SignIn' });
  });

  it("adds the operator's fixed entries, and the client's IP only when switched on", () => {
    const withEntries = { ...config, metadata: { tenant: 'acme' } };
    const withIp = { ...withEntries, recordClientIp: true };

    for (const body of bothBodies(withEntries)) {
      expect(body.Metadata).toEqual({ usage_type: 'SignIn', locale: 'pt-BR', tenant: 'acme' });
    }

    for (const body of bothBodies(withIp)) {
      expect(body.Metadata).toEqual({
        usage_type: 'SignIn',
        locale: 'pt-BR',
        client_ip: '203.0.113.7',
        tenant: 'acme',
      });
    }
  });

  it.each([['not an address'], ['1.2.3.4, 5.6.7.8'], ['9'.repeat(100)], [42]])(
    'records no IP from %j',
    (ip) => {
      const [body] = bothBodies({ ...config, recordClientIp: true }, message({ ip }));
      expect(body?.Metadata).not.toHaveProperty('client_ip');
    }
  );

  it('records an IPv6 address as Logto gives it', () => {
    const [body] = bothBodies(
      { ...config, recordClientIp: true },
      message({ ip: '::ffff:127.0.0.1' })
    );
    expect(body?.Metadata).toMatchObject({ client_ip: '::ffff:127.0.0.1' });
  });
});

describe('custom headers', () => {
  it('go out as Postmark Headers on both sending paths', () => {
    const withHeaders = { ...config, headers: { 'X-Entity-Ref-ID': 'logto', 'List-Id': 'auth' } };

    for (const body of bothBodies(withHeaders)) {
      expect(body.Headers).toEqual([
        { Name: 'X-Entity-Ref-ID', Value: 'logto' },
        { Name: 'List-Id', Value: 'auth' },
      ]);
    }
  });

  it('are left out when there are none', () => {
    for (const body of bothBodies({ ...config, headers: {} })) {
      expect(body.Headers).toBeUndefined();
    }
  });
});

describe('the plain-text part', () => {
  it('comes with every HTML custom template', () => {
    const body = customEmailBody(
      config,
      { subject: 'S', content: '<p>Your code: <b>{{code}}</b></p><p>Thanks</p>' },
      message({ payload: { code: '424242' } })
    );
    expect(body).toMatchObject({
      HtmlBody: '<p>Your code: <b>424242</b></p><p>Thanks</p>',
      TextBody: 'Your code: 424242\n\nThanks',
    });
  });

  it('is the template itself for a text template', () => {
    const body = customEmailBody(
      config,
      { subject: 'S', content: 'Code <{{code}}>', contentType: 'text/plain' },
      message({ payload: { code: '7' } })
    );
    expect(body).toMatchObject({ TextBody: 'Code <7>' });
    expect(body).not.toHaveProperty('HtmlBody');
  });
});

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
      'The requested languages (ui_locales) exceed 16 tags or 512',
    ],
    [{ uiLocales: Array.from({ length: 17 }, () => 'de').join(' ') }, 'exceed 16 tags'],
  ])('refuses %j', (payload, expected) => {
    expect(refusal(payload).errorDescription).toContain(expected);
  });

  it('accepts 16 tags', () => {
    expect(
      message({ payload: { uiLocales: Array.from({ length: 16 }, () => 'de').join(' ') } }).to
    ).toBe('user@example.com');
  });
});

describe('the plain-text part of a large or empty HTML email', () => {
  it.each([
    ['over 512 kB', `<p>${'x'.repeat(512 * 1024)}</p>`],
    ['with no text', '<img src="https://acme.com/logo.png">'],
  ])('is left out %s', (_, content) => {
    const body = customEmailBody(config, { subject: 'S', content }, message());
    expect(body).toMatchObject({ HtmlBody: content });
    expect(body).not.toHaveProperty('TextBody');
  });
});
