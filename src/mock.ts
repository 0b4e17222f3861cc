/**
 * Test fixtures the tests share: a working configuration, Postmark's usual answers, and network
 * failures as Node reports them. Only tests import this file; the connector never does.
 */

/* Postmark */

export const postmarkApi = 'https://api.postmarkapp.com';

/* Configuration */

export const mockServerToken = 'a1b2c3d4-server-token-e5f6';

/** The usage types Logto requires a template for, in the order the form lists them. */
export const requiredUsageTypes = ['Register', 'SignIn', 'ForgotPassword', 'Generic'];

/** One entry for each required usage type, under the alias `aliasOf` gives it. */
export const requiredTemplates = (aliasOf: (usageType: string) => string) =>
  requiredUsageTypes.map((usageType) => ({ usageType, templateAlias: aliasOf(usageType) }));

/** The default aliases, as the starter templates name them: logto-sign-in, logto-forgot-password. */
export const mockTemplates = [
  { usageType: 'Register', templateAlias: 'logto-register' },
  { usageType: 'SignIn', templateAlias: 'logto-sign-in' },
  { usageType: 'ForgotPassword', templateAlias: 'logto-forgot-password' },
  { usageType: 'Generic', templateAlias: 'logto-generic' },
];

/** Aliases that only lowercase the usage type: logto-signin, logto-forgotpassword. */
export const lowercaseAlias = (usageType: string) => `logto-${usageType.toLowerCase()}`;

export const mockConfig = {
  serverToken: mockServerToken,
  fromEmail: 'Acme <no-reply@acme.com>',
  templates: mockTemplates,
};

/* Postmark's answers */

/** A status and a body, as a nock reply gives them. */
export type PostmarkReply = [number, unknown];

/** Postmark's answer to an accepted send. */
export const okAnswer = {
  To: 'user@example.com',
  SubmittedAt: '2026-11-21T08:00:00.0000000Z',
  MessageID: 'b7bc2f4a-e38e-4336-af7d-e6c392c2f817',
  ErrorCode: 0,
  Message: 'OK',
};

/** The default stream, as Postmark describes it: transactional and not archived. */
export const transactionalStream = {
  ID: 'outbound',
  MessageStreamType: 'Transactional',
  ArchivedAt: null,
};

/** What a template needs to pass the Console test: the code, in the body. */
export const withCode = { Subject: 'Your code', HtmlBody: '<p>{{code}}</p>', TextBody: '{{code}}' };

/** A template as Postmark stores it: standard, with no layout, showing the code unless told. */
export const storedTemplate = (fields: Record<string, unknown> = withCode) => ({
  TemplateType: 'Standard',
  LayoutTemplate: null,
  ...fields,
});

/** Postmark's answer to a failed request: its status, error code and message. */
export const postmarkError = (
  status: number,
  ErrorCode: number,
  Message: string
): PostmarkReply => [status, { ErrorCode, Message }];

export const tokenRejected = {
  ErrorCode: 10,
  Message: 'Request does not contain a valid Server token.',
};

/* Network failures */

/** A network failure as Node reports it: an Error with a system code (nock drops plain objects). */
export class SystemError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message);
  }
}
