import {
  type ConnectorMetadata,
  ConnectorConfigFormItemType,
  TemplateType,
} from '@logto/connector-kit';

/** The only host the server token is ever sent to. Not configurable, on purpose. */
export const postmarkApiUrl = 'https://api.postmarkapp.com';

export const templatePath = 'templates';
export const messageStreamPath = 'message-streams';

/** Postmark rejects requests larger than 10 MB. */
export const maxRequestBytes = 10 * 1024 * 1024;

/** Postmark answers in a few hundred bytes; of anything longer, only this much is read. */
export const maxAnswerBytes = 64 * 1024;

// A template look-up's JSON (subject, both bodies) may write `<` as six characters; Gmail clips
// HTML past 102 kB, and 2 MB fits several hundred kilobytes escaped.
export const maxTemplateAnswerBytes = 2 * 1024 * 1024;

// The Console test, look-ups and email together, ends by then: the Console gives up after 20 s,
// and the operator should read the connector's sentence, not the Console's timeout.
export const consoleTestDeadlineMs = 15_000;

// Bounds on all a form or a request carries, checked first so that no input makes a check slow:
// RFC 5321's for addresses, Postmark's for Metadata and tags, the rest far above real needs.
export const limits = {
  address: 254,
  localPart: 64,
  domain: 253,
  displayName: 256,
  mailbox: 520, // A display name, its address, and the brackets and spaces between them
  replyToAddresses: 50, // Postmark sends a message to at most 50 recipients
  mailboxList: 50 * (520 + 2), // That many mailboxes, each with a comma and a space after it
  serverToken: 256,
  templates: 200,
  templateAlias: 256,
  languageTag: 64,
  uiLocales: 512,
  uiLocaleTags: 16,
  messageStream: 256,
  tag: 1000,
  headers: 50,
  headerName: 100,
  headerValue: 1000,
  metadataEntries: 7, // Postmark takes 10 fields; the connector sets up to 3 of them
  metadataName: 20,
  metadataValue: 80,
  ipAddress: 45, // The longest text form: IPv6 with an IPv4 tail
  templateLookups: 4, // The Console test's look-ups on Postmark at a time
} as const;

/** A template entry in the Console form's default value, in the order of the guide. */
const defaultTemplates = [
  [TemplateType.Register, 'logto-register'],
  [TemplateType.SignIn, 'logto-sign-in'],
  [TemplateType.ForgotPassword, 'logto-forgot-password'],
  [TemplateType.Generic, 'logto-generic'],
  [TemplateType.OrganizationInvitation, 'logto-organization-invitation'],
  [TemplateType.UserPermissionValidation, 'logto-user-permission-validation'],
  [TemplateType.BindNewIdentifier, 'logto-bind-new-identifier'],
  [TemplateType.MfaVerification, 'logto-mfa-verification'],
  [TemplateType.BindMfa, 'logto-bind-mfa'],
].map(([usageType, templateAlias]) => ({ usageType, templateAlias }));

// The logo as a data URI and the guide's text, put in by the build (tsup.config.ts): Logto's loader
// passes on as is a value that names no file, so none is read per send. Unbuilt, the files' paths.
declare const BUNDLED_LOGO: string | undefined;
declare const BUNDLED_GUIDE: string | undefined;

/** The Console's choice for "leave it to the Postmark server", in both tracking selects. */
export const serverSetting = 'ServerSetting';
const serverSettingChoice = { value: serverSetting, title: "Use the server's setting" } as const;

/** The tracking choices, once: the Console's selects show them, the configuration guard takes them. */
export const trackOpensChoices = [
  serverSettingChoice,
  { value: 'On', title: 'Track opens' },
  { value: 'Off', title: 'Do not track opens' },
] as const;

export const trackLinksChoices = [
  serverSettingChoice,
  { value: 'None', title: 'Do not track links' },
  { value: 'HtmlAndText', title: 'Track links in HTML and text' },
  { value: 'HtmlOnly', title: 'Track links in HTML only' },
  { value: 'TextOnly', title: 'Track links in text only' },
] as const;

// The Console's languages (@logto/phrases); its connector picker shows four lines of this.
const description = {
  en: 'Sends Logto emails through Postmark templates, with retries and clear error messages.',
  ar: 'يرسل رسائل Logto الإلكترونية عبر قوالب Postmark، مع إعادة المحاولة ورسائل خطأ واضحة.',
  de: 'Versendet Logto-E-Mails über Postmark-Vorlagen, mit Wiederholungen und klaren Fehlermeldungen.',
  es: 'Envía los correos de Logto con plantillas de Postmark, con reintentos y errores claros.',
  'fa-IR': 'ایمیل‌های Logto را با قالب‌های Postmark می‌فرستد، با تلاش دوباره و پیام‌های خطای روشن.',
  fr: 'Envoie les e-mails de Logto via des modèles Postmark, avec relances et erreurs claires.',
  it: 'Invia le email di Logto con i modelli Postmark, con nuovi tentativi ed errori chiari.',
  ja: 'Postmark のテンプレートで Logto のメールを送信します。再試行と分かりやすいエラー表示付き。',
  ko: 'Postmark 템플릿으로 Logto 이메일을 보냅니다. 재시도와 명확한 오류 메시지를 제공합니다.',
  'pl-PL':
    'Wysyła e-maile Logto przez szablony Postmark, z ponowieniami i jasnymi komunikatami błędów.',
  'pt-BR':
    'Envia os e-mails do Logto com modelos do Postmark, com novas tentativas e erros claros.',
  'pt-PT': 'Envia os emails do Logto com modelos do Postmark, com novas tentativas e erros claros.',
  ru: 'Отправляет письма Logto через шаблоны Postmark, с повторами и понятными ошибками.',
  th: 'ส่งอีเมลของ Logto ผ่านเทมเพลต Postmark พร้อมการลองใหม่และข้อความแจ้งข้อผิดพลาดที่ชัดเจน',
  'tr-TR':
    'Logto e-postalarını Postmark şablonlarıyla gönderir; yeniden dener, hataları açıkça bildirir.',
  'zh-CN': '通过 Postmark 模板发送 Logto 邮件，支持重试，并提供清晰的错误信息。',
  'zh-HK': '透過 Postmark 範本傳送 Logto 電郵，支援重試，並提供清晰的錯誤訊息。',
  'zh-TW': '透過 Postmark 範本傳送 Logto 電子郵件，支援重試，並提供清楚的錯誤訊息。',
};

const { Json, Select, Switch, Text } = ConnectorConfigFormItemType;

/** A form item, optional unless `required`; generic, so each is checked as the kit's where used. */
const formItem = <T extends ConnectorConfigFormItemType, D extends Record<string, unknown>>(
  key: string,
  label: string,
  type: T,
  { required = false, ...details }: D & { required?: boolean }
) => ({ key, label, type, required, ...details });

export const defaultMetadata: ConnectorMetadata = {
  id: 'postmark-mail',
  target: 'postmark-mail',
  platform: null,
  name: {
    en: 'Postmark',
    ...Object.fromEntries(Object.keys(description).map((key) => [key, 'Postmark'])),
  },
  logo: typeof BUNDLED_LOGO === 'string' ? BUNDLED_LOGO : './logo.svg',
  logoDark: null,
  description,
  readme: typeof BUNDLED_GUIDE === 'string' ? BUNDLED_GUIDE : './docs/guide.en.md',
  formItems: [
    formItem('serverToken', 'Server API token', Text, {
      required: true,
      isConfidential: true,
      placeholder: '<your-postmark-server-api-token>',
      tooltip:
        'In Postmark: Servers → your server → API Tokens. Use a Server API token, not the Account token.',
    }),
    formItem('fromEmail', 'Sender', Text, {
      required: true,
      placeholder: 'Your App <no-reply@your.domain>',
      tooltip:
        'The From of every email: an address, or a name and an address. The address must be a confirmed Sender Signature or on a verified domain (Postmark: Sender Signatures).',
    }),
    formItem('templates', 'Templates', Json, {
      required: true,
      defaultValue: defaultTemplates,
      tooltip:
        'Which Postmark template each Logto email uses. Register, SignIn, ForgotPassword and Generic are required; other types fall back to Generic. An entry may add a "locale" (such as "de") or give "templateId" instead of "templateAlias". An alias is as Postmark allows: letters, digits, ".", "-" and "_", starting with a letter.',
    }),
    formItem('messageStream', 'Message stream', Text, {
      placeholder: 'outbound',
      tooltip:
        "The ID of a transactional message stream (Postmark: your server → Message Streams). Postmark's default stream when empty.",
    }),
    formItem('replyTo', 'Reply-To', Text, {
      placeholder: 'support@your.domain',
      tooltip: `Where replies go: one address, or up to ${limits.replyToAddresses} separated by commas, such as support@your.domain, Sales <sales@your.domain>. A Logto custom email template's own Reply-To wins over this one.`,
    }),
    formItem('tag', 'Tag', Text, {
      placeholder: 'The usage type (SignIn, Register, …)',
      tooltip:
        "Postmark's tag for statistics and searches. When empty, each email is tagged with its usage type, so each flow has its own figures.",
    }),
    formItem('trackOpens', 'Open tracking', Select, {
      defaultValue: serverSettingChoice.value,
      selectItems: [...trackOpensChoices],
      tooltip: 'Whether Postmark records when an email is opened.',
    }),
    formItem('trackLinks', 'Link tracking', Select, {
      defaultValue: serverSettingChoice.value,
      selectItems: [...trackLinksChoices],
      tooltip: 'Whether Postmark rewrites links to count clicks.',
    }),
    formItem('templateModel', 'Fixed template values', Json, {
      defaultValue: {},
      tooltip:
        'A JSON object merged into every TemplateModel, such as { "product_name": "Acme" }. On a clash, the values Logto sends win.',
    }),
    formItem('metadata', 'Postmark metadata', Json, {
      defaultValue: {},
      tooltip: `Text values added to the Metadata of every email, such as { "tenant": "acme" }, to filter Postmark's Activity. Every email already carries usage_type and locale. At most ${limits.metadataEntries} entries; names up to ${limits.metadataName} characters, values up to ${limits.metadataValue}.`,
    }),
    formItem('headers', 'Custom headers', Json, {
      defaultValue: {},
      tooltip:
        'Email headers added to every email, name to value, such as { "X-Entity-Ref-ID": "logto" }. From, To, Cc, Bcc, Subject, Reply-To and the other headers the connector or Postmark sets are refused.',
    }),
    formItem('recordClientIp', "Record the user's IP address", Switch, {
      defaultValue: false,
      description: "Add the user's IP address to each email's Postmark metadata",
      tooltip:
        'Adds client_ip, the address Logto saw the request come from, to the metadata. It is personal data: turn it on only if you need it and your privacy notice covers it.',
    }),
  ],
};
