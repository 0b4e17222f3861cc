/**
 * What Logto's own Postmark guide (https://docs.logto.io/integrations/postmark, published in the
 * same five languages) walks an operator through, topic by topic, and for each language the words
 * or code in our guide that show it covers the topic too. Our guide replaces Logto's beside the
 * form, so it must leave none of them out. When Logto's guide gains a topic, add it here.
 */
export const languages = ['en', 'de', 'fr', 'es', 'ru'] as const;
export type Language = (typeof languages)[number];

/** The topics, in the order Logto's guide takes them, each with what it tells the operator. */
export const topics = {
  whatPostmarkDoes: 'Postmark is an email service; Logto sends its verification codes through it',
  postmarkAccount: 'Create a Postmark account first, on postmark.com',
  serverToken: 'Which Postmark token goes into `serverToken`, and where Postmark shows it',
  senderAddress: '`fromEmail` is the sender address, one Postmark allows to send',
  requiredUsageTypes: 'Register, SignIn, ForgotPassword and Generic each need a template',
  templatesExample: 'An example `templates` value: one alias per usage type',
  sendTest: 'Try the settings with "Send" before saving them',
  enableInSignIn: "Turn email sign-in on in the sign-in experience; link to Logto's docs",
  fieldTypes: 'The type of each field and template property, and the usage types allowed',
} as const;
export type Topic = keyof typeof topics;

const aliasesInJson = [
  '"templateAlias": "logto-register"',
  '"templateAlias": "logto-sign-in"',
  '"templateAlias": "logto-forgot-password"',
  '"templateAlias": "logto-generic"',
];

/** Logto's docs keep English and Russian at the root and the other languages under a prefix. */
const enableEmailSignInLink = (language: Language) =>
  `(https://docs.logto.io/${
    language === 'en' || language === 'ru' ? '' : `${language}/`
  }connectors/email-connectors#enable-email-sign-up-or-sign-in)`;

/** What every language's guide has alike: the form's keys, Postmark's page names, code. */
const alike = (language: Language): Partial<Record<Topic, string[]>> => ({
  whatPostmarkDoes: ['[Postmark](https://postmark.com/)'],
  postmarkAccount: ['[postmark.com](https://postmark.com/)'],
  serverToken: ['**Server API token** (`serverToken`', '**API Tokens**'],
  senderAddress: ['**Sender** (`fromEmail`', '**Sender Signatures**'],
  templatesExample: aliasesInJson,
  sendTest: ['`000000`'],
  enableInSignIn: [enableEmailSignInLink(language)],
  fieldTypes: ['`usageType`'],
});

const inWords: Record<Language, Partial<Record<Topic, string[]>>> = {
  en: {
    whatPostmarkDoes: ['verification code'],
    requiredUsageTypes: ['`Register`, `SignIn`, `ForgotPassword` and `Generic` are required'],
    sendTest: ['**Send**', '**Save and Done**'],
    enableInSignIn: ['**Sign-up and sign-in**'],
    fieldTypes: ['(`serverToken`, text)', '(`fromEmail`, text)', '`templateAlias` (text)'],
  },
  de: {
    whatPostmarkDoes: ['Bestätigungscode'],
    senderAddress: ['die Absenderadresse'],
    requiredUsageTypes: ['`Register`, `SignIn`, `ForgotPassword` und `Generic` sind Pflicht'],
    sendTest: ['**Senden**', '**Speichern und fertigstellen**'],
    enableInSignIn: ['Anmeldeerfahrung'],
    fieldTypes: ['(`serverToken`, Text)', '(`fromEmail`, Text)', '`templateAlias` (Text)'],
  },
  fr: {
    whatPostmarkDoes: ['code de vérification'],
    senderAddress: ["l'adresse de l'expéditeur"],
    requiredUsageTypes: ['`Register`, `SignIn`, `ForgotPassword` et `Generic` sont obligatoires'],
    sendTest: ['**Envoyer**', '**Sauvegarder et Finis**'],
    enableInSignIn: ['expérience de connexion'],
    fieldTypes: ['(`serverToken`, texte)', '(`fromEmail`, texte)', '`templateAlias` (texte)'],
  },
  es: {
    whatPostmarkDoes: ['código de verificación'],
    senderAddress: ['la dirección del remitente'],
    requiredUsageTypes: ['`Register`, `SignIn`, `ForgotPassword` y `Generic` son obligatorios'],
    sendTest: ['**Enviar**', '**Guardar y finalizar**'],
    enableInSignIn: ['experiencia de inicio de sesión'],
    fieldTypes: ['(`serverToken`, texto)', '(`fromEmail`, texto)', '`templateAlias` (texto)'],
  },
  ru: {
    whatPostmarkDoes: ['код подтверждения'],
    senderAddress: ['адрес отправителя'],
    requiredUsageTypes: ['`Register`, `SignIn`, `ForgotPassword` и `Generic` обязательны'],
    sendTest: ['**Отправить**', '**Сохранить и завершить**'],
    enableInSignIn: ['опыт входа'],
    fieldTypes: ['(`serverToken`, текст)', '(`fromEmail`, текст)', '`templateAlias` (текст)'],
  },
};

/** For each topic, the words or code the guide in `language` must contain. */
export const topicWords = (language: Language) =>
  Object.keys(topics).map((topic) => ({
    topic,
    words: [
      ...(alike(language)[topic as Topic] ?? []),
      ...(inWords[language][topic as Topic] ?? []),
    ],
  }));
