import {
  type ConnectorMetadata,
  ConnectorConfigFormItemType,
  TemplateType,
} from '@logto/connector-kit';

/** The only host the server token is ever sent to. Not configurable, on purpose. */
export const postmarkApiUrl = 'https://api.postmarkapp.com';

export const sendWithTemplatePath = 'email/withTemplate';
export const sendEmailPath = 'email';
export const templatePath = 'templates';

/**
 * How long one send may take, retries included. The sign-in page gives up on Logto after 10 s, and
 * Logto needs some of that for its own work and the way back to the browser; past this, the user
 * is better served by a clear error than by a spinner that ends in a browser timeout.
 */
export const sendDeadlineMs = 8500;

/**
 * Postmark answers in well under a second; an attempt that takes 3 s is stuck, not slow. A stuck
 * attempt is retried, so a stale connection costs the user 3 s, not the sign-in.
 */
export const attemptTimeoutMs = 3000;

/** The first try and two retries. */
export const maxAttempts = 3;

/**
 * Backoff before retry n is about `retryBaseDelayMs * 2^(n-1)`, jittered, at most `retryBackoffLimitMs`.
 * Two hung attempts and their backoff take at most 6.9 s, leaving the third at least 1.6 s.
 */
export const retryBaseDelayMs = 300;
export const retryBackoffLimitMs = 2000;

/** A longer `Retry-After` is shortened to this (ky 1.2.3 gives up instead), so retries fit the deadline. */
export const retryAfterCapMs = 3000;

/** 429 and the 5xx that mean "try again": Postmark says a 500 usually loses the message. */
export const retryStatusCodes = [429, 500, 502, 503, 504];

/** Postmark rejects requests larger than 10 MB. */
export const maxRequestBytes = 10 * 1024 * 1024;

/** Postmark answers in a few hundred bytes; of anything longer, only this much is read. */
export const maxAnswerBytes = 64 * 1024;

/** A template entry in the Console form's default value. */
const defaultTemplates = [
  [TemplateType.SignIn, 'logto-sign-in'],
  [TemplateType.Register, 'logto-register'],
  [TemplateType.ForgotPassword, 'logto-forgot-password'],
  [TemplateType.OrganizationInvitation, 'logto-organization-invitation'],
  [TemplateType.Generic, 'logto-generic'],
  [TemplateType.UserPermissionValidation, 'logto-user-permission-validation'],
  [TemplateType.BindNewIdentifier, 'logto-bind-new-identifier'],
  [TemplateType.MfaVerification, 'logto-mfa-verification'],
  [TemplateType.BindMfa, 'logto-bind-mfa'],
].map(([usageType, templateAlias]) => ({ usageType, templateAlias }));

export const defaultMetadata: ConnectorMetadata = {
  id: 'postmark-mail',
  target: 'postmark-mail',
  platform: null,
  name: {
    en: 'Postmark',
    de: 'Postmark',
    fr: 'Postmark',
    es: 'Postmark',
    ru: 'Postmark',
  },
  logo: './logo.svg',
  logoDark: null,
  description: {
    en: 'Sends Logto emails (verification codes, invitations, MFA) through Postmark templates, with retries and clear errors.',
    de: 'Versendet Logto-E-Mails (Bestätigungscodes, Einladungen, MFA) über Postmark-Vorlagen, mit Wiederholungen und klaren Fehlermeldungen.',
    fr: 'Envoie les e-mails de Logto (codes de vérification, invitations, MFA) avec les modèles Postmark, avec nouvelles tentatives et erreurs explicites.',
    es: 'Envía los correos de Logto (códigos de verificación, invitaciones, MFA) con plantillas de Postmark, con reintentos y errores claros.',
    ru: 'Отправляет письма Logto (коды подтверждения, приглашения, MFA) через шаблоны Postmark, с повторными попытками и понятными ошибками.',
  },
  readme: './README.md',
  formItems: [
    {
      key: 'serverToken',
      label: 'Server API token',
      type: ConnectorConfigFormItemType.Text,
      required: true,
      isConfidential: true,
      placeholder: '<your-postmark-server-api-token>',
      tooltip:
        'In Postmark: Servers → your server → API Tokens. Use a Server API token, not the Account token.',
    },
    {
      key: 'fromEmail',
      label: 'From',
      type: ConnectorConfigFormItemType.Text,
      required: true,
      placeholder: 'no-reply@your.domain or Your App <no-reply@your.domain>',
      tooltip:
        'The sender. Its address must be a confirmed Sender Signature or on a verified domain (Postmark: Sender Signatures).',
    },
    {
      key: 'templates',
      label: 'Templates',
      type: ConnectorConfigFormItemType.Json,
      required: true,
      defaultValue: defaultTemplates,
      tooltip:
        'Which Postmark template each Logto email uses. Register, SignIn, ForgotPassword and Generic are required; other types fall back to Generic. The alias is under Templates → your template → Template alias.',
    },
    {
      key: 'messageStream',
      label: 'Message stream',
      type: ConnectorConfigFormItemType.Text,
      required: false,
      placeholder: 'outbound',
      tooltip:
        "The ID of a transactional message stream (Postmark: your server → Message Streams). Postmark's default stream when empty.",
    },
    {
      key: 'replyTo',
      label: 'Reply-To',
      type: ConnectorConfigFormItemType.Text,
      required: false,
      placeholder: 'support@your.domain',
      tooltip: "Where replies go. A Logto custom email template's own Reply-To wins over this one.",
    },
    {
      key: 'tag',
      label: 'Tag',
      type: ConnectorConfigFormItemType.Text,
      required: false,
      placeholder: 'The usage type (SignIn, Register, …)',
      tooltip:
        "Postmark's tag for statistics and searches. When empty, each email is tagged with its usage type, so each flow has its own figures.",
    },
    {
      key: 'trackOpens',
      label: 'Track opens',
      type: ConnectorConfigFormItemType.Switch,
      required: false,
      tooltip:
        "Whether Postmark records when the email is opened. Until you set it, the server's own setting applies.",
    },
    {
      key: 'trackLinks',
      label: 'Track links',
      type: ConnectorConfigFormItemType.Select,
      required: false,
      selectItems: [
        { value: 'None', title: 'None' },
        { value: 'HtmlAndText', title: 'HTML and text' },
        { value: 'HtmlOnly', title: 'HTML only' },
        { value: 'TextOnly', title: 'Text only' },
      ],
      tooltip:
        "Whether Postmark rewrites links to count clicks. When empty, the server's setting applies.",
    },
    {
      key: 'templateModel',
      label: 'Fixed template values',
      type: ConnectorConfigFormItemType.Json,
      required: false,
      placeholder: '{ "product_name": "Acme", "support_url": "https://acme.com/help" }',
      tooltip:
        'A JSON object merged into every TemplateModel, under the values Logto sends (on a clash, Logto wins).',
    },
  ],
};
