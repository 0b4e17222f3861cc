import {
  ConnectorError,
  ConnectorErrorCodes,
  TemplateType,
  replaceSendMessageHandlebars,
} from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';

import { parseConfig } from '../config/parse.js';
import { parseMessage } from '../message.js';
import { mockConfig } from '../mock.js';

import { customEmailBody, serialize, templateEmailBody } from './index.js';

const config = parseConfig(mockConfig);
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

describe("values filled into Logto's custom template", () => {
  const filled = (
    template: { subject?: string; content: string; contentType?: 'text/html' | 'text/plain' },
    payload: Record<string, unknown>
  ): { Subject: string; HtmlBody?: string; TextBody?: string } =>
    customEmailBody(
      config,
      { subject: 'S', ...template },
      message({ payload: { code: '123456', ...payload } })
    );

  it.each([
    [
      'a link in a name',
      '<a href="https://evil.example/">Claim your prize</a>',
      '&lt;a href=&quot;https://evil.example/&quot;&gt;Claim your prize&lt;/a&gt;',
    ],
    ['a script', '<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['an ampersand and an apostrophe', "Tom & Jerry's", 'Tom &amp; Jerry&#39;s'],
    ['an entity, which stays text', '&lt;b&gt;', '&amp;lt;b&amp;gt;'],
    ['plain words', 'Acme Cloud', 'Acme Cloud'],
  ])('puts %s into an HTML body as text', (_, name, escaped) => {
    const body = filled(
      { content: '<p>Welcome to <b>{{application.name}}</b>: {{code}}</p>' },
      { application: { name } }
    );

    expect(body.HtmlBody).toBe(`<p>Welcome to <b>${escaped}</b>: 123456</p>`);
    expect(body.HtmlBody).not.toMatch(/<(?!\/?[bp]>)/);
    // The plain-text part reads the name as it was typed.
    expect(body.TextBody).toBe(`Welcome to ${name}: 123456`);
  });

  it('keeps a value inside a quoted attribute', () => {
    const body = filled(
      { content: '<img alt="{{application.name}}" src="https://acme.com/logo.png">' },
      { application: { name: '" onerror="alert(1)' } }
    );

    expect(body.HtmlBody).toBe(
      '<img alt="&quot; onerror=&quot;alert(1)" src="https://acme.com/logo.png">'
    );
  });

  it("keeps Logto's invitation link working in an href, and whole in the plain-text part", () => {
    const body = filled(
      { content: '<p><a href="{{link}}">Join {{organization.name}}</a></p>' },
      { link: 'https://acme.com/invite?id=1&token=2', organization: { name: 'A & B' } }
    );

    expect(body.HtmlBody).toBe(
      '<p><a href="https://acme.com/invite?id=1&amp;token=2">Join A &amp; B</a></p>'
    );
    expect(body.TextBody).toBe('Join A & B (https://acme.com/invite?id=1&token=2)');
  });

  it('fills an HTML body as connector-kit does when no value needs escaping', () => {
    const content =
      '<p>{{code}} {{ code }} {{{code}}} {{user.name}} {{missing}} {{application}} {{application.id}}</p>';
    const payload = { user: { name: 'Ana' }, application: { id: 7 } };

    expect(filled({ content }, payload).HtmlBody).toBe(
      replaceSendMessageHandlebars(content, { code: '123456', locale: 'pt-BR', ...payload })
    );
    expect(filled({ content }, payload).HtmlBody).toBe(
      '<p>123456 123456 {123456} Ana {{missing}} [object Object] 7</p>'
    );
  });

  it('leaves the body of a plain-text template as connector-kit fills it', () => {
    const body = filled(
      { content: 'Welcome to {{application.name}} & co', contentType: 'text/plain' },
      { application: { name: '<b>Acme</b> & "Co"' } }
    );

    expect(body.TextBody).toBe('Welcome to <b>Acme</b> & "Co" & co');
    expect(body).not.toHaveProperty('HtmlBody');
  });

  it.each([
    ['CR LF', 'Acme\r\nBcc: x@evil.example'],
    ['LF', 'Acme\nBcc: x@evil.example'],
    ['CR', 'Acme\rBcc: x@evil.example'],
    ['a vertical tab', 'Acme\vBcc: x@evil.example'],
    ['a form feed', 'Acme\fBcc: x@evil.example'],
    ['NEL', 'Acme\u0085Bcc: x@evil.example'],
    ['a line separator', 'Acme\u2028Bcc: x@evil.example'],
    ['a paragraph separator', 'Acme\u2029Bcc: x@evil.example'],
    ['several', 'Acme\r\n\r\n\u2028Bcc: x@evil.example'],
  ])('gives the subject no line break from a value with %s', (_, name) => {
    const body = filled(
      { subject: 'Your {{application.name}} code: {{code}}', content: '<p>{{code}}</p>' },
      { application: { name } }
    );

    expect(body.Subject).toBe('Your Acme Bcc: x@evil.example code: 123456');
  });

  it("keeps the subject's own text, and does not write a value in it as HTML", () => {
    const body = filled(
      { subject: 'Line one\n{{application.name}}', content: '<p>{{code}}</p>' },
      { application: { name: 'Tom & <Jerry>' } }
    );

    expect(body.Subject).toBe('Line one\nTom & <Jerry>');
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

describe('the client IP recorded', () => {
  const recorded = (ip: string) => {
    const [body] = bothBodies({ ...config, recordClientIp: true }, message({ ip }));
    return body?.Metadata;
  };

  it('takes the longest written IP address, 45 characters', () => {
    const longest = '0000:0000:0000:0000:0000:ffff:255.255.255.255';

    expect(longest).toHaveLength(45);
    expect(recorded(longest)).toMatchObject({ client_ip: longest });
  });

  it('leaves out an IPv6 address whose zone makes it longer than that', () => {
    expect(recorded(`fe80::1%${'x'.repeat(50)}`)).not.toHaveProperty('client_ip');
  });
});

describe('the locale in the Metadata', () => {
  it.each([[{ code: '1' }], [{ code: '1', locale: '' }], [{ code: '1', locale: 42 }]])(
    'is no key at all for %j',
    (payload) => {
      for (const body of bothBodies(config, message({ payload }))) {
        expect(Object.keys(body.Metadata)).toEqual(['usage_type']);
      }
    }
  );
});

describe("the sender and Reply-To of Logto's custom template", () => {
  const failure = (template: Record<string, string>) => {
    try {
      customEmailBody(config, { ...custom, ...template }, message());
    } catch (error: unknown) {
      expect(error).toBeInstanceOf(ConnectorError);
      const { code, data } = error as ConnectorError;
      return { code, ...(data as { errorDescription: string; advice: string }) };
    }
    throw new Error('the email was built');
  };

  it('refuses a sendFrom Postmark cannot send from, naming the field and the limits', () => {
    expect(failure({ sendFrom: 'N'.repeat(300) })).toEqual({
      code: ConnectorErrorCodes.InvalidConfig,
      errorDescription:
        "Correct the sender (sendFrom) of Logto's email template: give a name, an address, or Name <address>. It may have at most 256 characters of name and 254 of address.",
      advice: 'site',
    });
  });

  it('refuses a replyTo that is not an address, or a list of them', () => {
    expect(failure({ replyTo: 'help desk' })).toEqual({
      code: ConnectorErrorCodes.InvalidConfig,
      errorDescription:
        'Correct the Reply-To (replyTo) of Logto\'s email template: it is not an address. Give one address or a list of at most 50 separated by commas, each of at most 254 characters with only ASCII letters before the @, such as help@your.domain or Support <help@your.domain>, "Acme, Sales" <sales@your.domain>.',
      advice: 'site',
    });
    expect(failure({ replyTo: 'help@acme.com, , sales@acme.com' }).errorDescription).toContain(
      "Correct the Reply-To (replyTo) of Logto's email template: it has an entry 2 of 3 that is empty (a comma too many). Give one address or a list"
    );
  });

  it('sends a replyTo list as one Reply-To, each address checked and written out', () => {
    const body = customEmailBody(
      config,
      { ...custom, replyTo: '{{application.name}} <help@acme.com>, sales@bücher.example' },
      message({ payload: { code: '1', application: { name: 'Acme, Inc' } } })
    );

    expect(body.ReplyTo).toBe('"Acme, Inc" <help@acme.com>, sales@xn--bcher-kva.example');
  });
});

describe('the plain-text part at its size limit', () => {
  it('is made for HTML of exactly 512 kB', () => {
    const content = `<p>${'x'.repeat(512 * 1024 - 7)}</p>`;
    const body = customEmailBody(config, { subject: 'S', content }, message());

    expect(content).toHaveLength(512 * 1024);
    expect(body).toHaveProperty('TextBody');
  });
});

describe('serialize', () => {
  const tenMegabytes = 10 * 1024 * 1024;

  it('takes a request of exactly 10 MB', () => {
    expect(Buffer.byteLength(serialize('x'.repeat(tenMegabytes - 2)))).toBe(tenMegabytes);
  });

  const refusal = (text: string) => {
    try {
      serialize(text);
    } catch (error: unknown) {
      expect(error).toBeInstanceOf(ConnectorError);
      const { code, data } = error as ConnectorError;
      return { code, ...(data as { errorDescription: string }) };
    }
    throw new Error('the request was taken');
  };

  it('refuses one byte more, saying how large it is', () => {
    expect(refusal('x'.repeat(tenMegabytes - 1))).toMatchObject({
      code: ConnectorErrorCodes.InvalidRequestParameters,
      errorDescription:
        'Make the email smaller: it is 10.0 MB, and Postmark accepts at most 10 MB per request.',
    });
    expect(refusal('x'.repeat(15 * 1024 * 1024)).errorDescription).toMatch(
      /^Make the email smaller: it is 15\.0 MB,/
    );
  });
});
