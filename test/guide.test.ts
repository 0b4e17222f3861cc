/**
 * The operator's guides in docs/: the English one is what the Console shows beside the connector's
 * form, the others are its translations. Each must fit the Console's guide panel (about 650 px
 * wide), link only to absolute https addresses (a relative link opens a Console route that does
 * not exist), speak to an operator rather than a developer, name the form's fields by their
 * labels, and cover at least the topics of Logto's own Postmark guide in its language (the seeds
 * beside the repository, in ../shared/seeds).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seedsFolder = path.resolve(root, '..', 'shared', 'seeds');

/**
 * CI has Logto's guides beside the clone, and must compare with them; a checkout elsewhere may
 * not have them, and skips only that comparison, saying so.
 */
const compareWithSeeds = existsSync(seedsFolder) || Boolean(process.env.CI);

if (!compareWithSeeds) {
  console.warn(`Not comparing the guides with Logto's: ${seedsFolder} is not here.`);
}

const languages = ['en', 'de', 'fr', 'es', 'ru'] as const;
type Language = (typeof languages)[number];

const readRequired = (file: string, what: string) => {
  if (!existsSync(file)) {
    throw new Error(`${what} not found at ${file}.`);
  }

  return readFileSync(file, 'utf8');
};

const guideOf = (language: Language) =>
  readRequired(path.join(root, 'docs', `guide.${language}.md`), `The ${language} guide`);

const seedOf = (language: Language) =>
  readRequired(
    path.join(seedsFolder, `postmark-guide.${language}.mdx`),
    `Logto's ${language} Postmark guide, which the ${language} guide must cover, was`
  );

/** Markdown wraps prose freely, so markers are looked for with all whitespace as single spaces. */
const flatten = (text: string) => text.replaceAll(/\s+/g, ' ');

const maxCodeLineLength = 70;

/** The lines inside fenced code blocks, with their line numbers. */
const codeLines = (markdown: string) => {
  const lines = markdown.split('\n');
  const inside: Array<{ number: number; line: string }> = [];
  let fence: string | undefined;

  for (const [index, line] of lines.entries()) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];

    if (fence === undefined) {
      fence = marker;
    } else if (marker?.startsWith(fence)) {
      fence = undefined;
    } else {
      inside.push({ number: index + 1, line });
    }
  }

  return inside;
};

const proseLines = (markdown: string) => {
  const code = new Set(codeLines(markdown).map(({ number }) => number));
  return markdown
    .split('\n')
    .map((line, index) => ({ number: index + 1, line }))
    .filter(({ number, line }) => !code.has(number) && !/^ {0,3}(`{3,}|~{3,})/.test(line));
};

/** A table's delimiter row, such as `| --- | :-: |`, which is never shown. */
const isTableDelimiter = (line: string) => line.includes('-') && /^[\s:|-]+$/.test(line);

/** Every place a Markdown or HTML link can name its target. */
const linkTargets = (markdown: string) => [
  ...[...markdown.matchAll(/]\(\s*<?([^\s)>]*)/g)].map((match) => match[1] ?? ''),
  ...[...markdown.matchAll(/^ {0,3}\[[^\n\]]+]:\s*<?([^\s>]*)/gm)].map((match) => match[1] ?? ''),
  ...[...markdown.matchAll(/<([a-z][\d+.a-z-]*:[^\s<>]*)>/gi)].map((match) => match[1] ?? ''),
  ...[...markdown.matchAll(/\b(?:href|src)\s*=\s*["']?([^\s"'>]*)/gi)].map(
    (match) => match[1] ?? ''
  ),
];

/** The form items, in the form's order: key and label. */
const formItems = [
  ['serverToken', 'Server API token'],
  ['fromEmail', 'Sender'],
  ['templates', 'Templates'],
  ['messageStream', 'Message stream'],
  ['replyTo', 'Reply-To'],
  ['tag', 'Tag'],
  ['trackOpens', 'Open tracking'],
  ['trackLinks', 'Link tracking'],
  ['templateModel', 'Fixed template values'],
  ['metadata', 'Postmark metadata'],
  ['headers', 'Custom headers'],
  ['recordClientIp', "Record the user's IP address"],
] as const;

/** The choices of Open tracking and Link tracking that are not Postmark's own values. */
const choiceLabels = ["Use the server's setting", 'Track opens', 'Do not track opens'];

/**
 * A topic of the seed and what shows that our guide covers it. `seed` is a phrase of the seed (a
 * section heading, or the words or code of a topic within one); `guide` are the words or code our
 * guide must contain for that topic.
 */
type Topic = { seed: string; guide: string[] };

const aliasesInJson = [
  '"templateAlias": "logto-register"',
  '"templateAlias": "logto-sign-in"',
  '"templateAlias": "logto-forgot-password"',
  '"templateAlias": "logto-generic"',
];

const sharedTopics = (language: Language): Topic[] => [
  { seed: '`serverToken`', guide: ['**Server API token** (`serverToken`', '**API Tokens**'] },
  { seed: '`fromEmail`', guide: ['**Sender** (`fromEmail`', '**Sender Signatures**'] },
  { seed: '"templateAlias": "logto-register"', guide: aliasesInJson },
  {
    seed: '/connectors/email-connectors/#enable-email-sign-up-or-sign-in',
    guide: [
      `(https://docs.logto.io/${
        language === 'en' || language === 'ru' ? '' : `${language}/`
      }connectors/email-connectors#enable-email-sign-up-or-sign-in)`,
    ],
  },
  { seed: "'Register' \\| 'SignIn' \\| 'ForgotPassword' \\| 'Generic'", guide: ['`usageType`'] },
];

const topics: Record<Language, Topic[]> = {
  en: [
    { seed: 'Get started', guide: ['verification code', '[Postmark](https://postmark.com/)'] },
    { seed: 'Register Postmark account', guide: ['[postmark.com](https://postmark.com/)'] },
    { seed: 'Configure your connector', guide: ['Fill in the form'] },
    {
      seed: '`Register`, `SignIn`, `ForgotPassword` and `Generic` are required',
      guide: ['`Register`, `SignIn`, `ForgotPassword` and `Generic` are required'],
    },
    {
      seed: 'Test Postmark email connector',
      guide: ['**Send**', '**Save and Done**', '`000000`'],
    },
    { seed: 'Enable connector in sign-in experience', guide: ['**Sign-up and sign-in**'] },
    {
      seed: 'Config types',
      guide: ['(`serverToken`, text)', '(`fromEmail`, text)', '`templateAlias` (text)'],
    },
  ],
  de: [
    { seed: 'Erste Schritte', guide: ['Bestätigungscode', '[Postmark](https://postmark.com/)'] },
    { seed: 'Postmark-Konto registrieren', guide: ['[postmark.com](https://postmark.com/)'] },
    { seed: 'Deinen Connector konfigurieren', guide: ['Das Formular ausfüllen'] },
    { seed: 'Absenderadresse', guide: ['die Absenderadresse'] },
    {
      seed: '`Register`, `SignIn`, `ForgotPassword` und `Generic` erforderlich',
      guide: ['`Register`, `SignIn`, `ForgotPassword` und `Generic` sind Pflicht'],
    },
    {
      seed: 'Postmark-E-Mail-Connector testen',
      guide: ['**Senden**', '**Speichern und fertigstellen**', '`000000`'],
    },
    { seed: 'Connector in der Anmeldeerfahrung zu aktivieren', guide: ['Anmeldeerfahrung'] },
    {
      seed: 'Konfigurationstypen',
      guide: ['(`serverToken`, Text)', '(`fromEmail`, Text)', '`templateAlias` (Text)'],
    },
  ],
  fr: [
    { seed: 'Commencer', guide: ['code de vérification', '[Postmark](https://postmark.com/)'] },
    { seed: 'Enregistrer un compte Postmark', guide: ['[postmark.com](https://postmark.com/)'] },
    { seed: 'Configurer votre connecteur', guide: ['Remplir le formulaire'] },
    { seed: "Adresse de l'expéditeur", guide: ["l'adresse de l'expéditeur"] },
    {
      seed: '`Register`, `SignIn`, `ForgotPassword` et `Generic` sont requis',
      guide: ['`Register`, `SignIn`, `ForgotPassword` et `Generic` sont obligatoires'],
    },
    {
      seed: 'Tester le connecteur de messagerie Postmark',
      guide: ['**Envoyer**', '**Sauvegarder et Finis**', '`000000`'],
    },
    {
      seed: "Activer le connecteur dans l'expérience de connexion",
      guide: ['expérience de connexion'],
    },
    {
      seed: 'Types de configuration',
      guide: ['(`serverToken`, texte)', '(`fromEmail`, texte)', '`templateAlias` (texte)'],
    },
  ],
  es: [
    { seed: 'Comenzar', guide: ['código de verificación', '[Postmark](https://postmark.com/)'] },
    { seed: 'Registra una cuenta en Postmark', guide: ['[postmark.com](https://postmark.com/)'] },
    { seed: 'Configura tu conector', guide: ['Rellenar el formulario'] },
    { seed: 'Dirección de Remitente', guide: ['la dirección del remitente'] },
    {
      seed: '`Register`, `SignIn`, `ForgotPassword` y `Generic`',
      guide: ['`Register`, `SignIn`, `ForgotPassword` y `Generic` son obligatorios'],
    },
    {
      seed: 'Prueba el conector de correo electrónico de Postmark',
      guide: ['**Enviar**', '**Guardar y finalizar**', '`000000`'],
    },
    {
      seed: 'Habilitar el conector en la experiencia de inicio de sesión',
      guide: ['experiencia de inicio de sesión'],
    },
    {
      seed: 'Tipos de configuración',
      guide: ['(`serverToken`, texto)', '(`fromEmail`, texto)', '`templateAlias` (texto)'],
    },
  ],
  ru: [
    { seed: 'Начало работы', guide: ['код подтверждения', '[Postmark](https://postmark.com/)'] },
    { seed: 'Регистрация аккаунта Postmark', guide: ['[postmark.com](https://postmark.com/)'] },
    { seed: 'Настройка вашего коннектора', guide: ['Заполнение формы'] },
    { seed: 'адресом отправителя', guide: ['адрес отправителя'] },
    {
      seed: '`Register`, `SignIn`, `ForgotPassword` и `Generic`',
      guide: ['`Register`, `SignIn`, `ForgotPassword` и `Generic` обязательны'],
    },
    {
      seed: 'Тестирование коннектора электронной почты Postmark',
      guide: ['**Отправить**', '**Сохранить и завершить**', '`000000`'],
    },
    { seed: 'включить коннектор в опыте входа', guide: ['опыт входа'] },
    {
      seed: 'Типы конфигурации',
      guide: ['(`serverToken`, текст)', '(`fromEmail`, текст)', '`templateAlias` (текст)'],
    },
  ],
};

const headingsOf = (markdown: string) =>
  markdown
    .split('\n')
    .filter((line) => line.startsWith('## '))
    .map((line) =>
      line
        .slice(3)
        .replace(/\s*\\?{#[^}]*}\s*$/, '')
        .trim()
    );

describe.each(languages)('the %s guide', (language) => {
  const guide = guideOf(language);
  const flatGuide = flatten(guide);

  it(`keeps code lines within ${maxCodeLineLength} characters, in fenced blocks only`, () => {
    expect(codeLines(guide).length).toBeGreaterThan(0);
    const tooLong = codeLines(guide).filter(({ line }) => [...line].length > maxCodeLineLength);
    expect(tooLong).toEqual([]);
    // An indented code block would escape the check above.
    const indentedCode = proseLines(guide).filter(({ line }) => /^(?: {4}|\t)/.test(line));
    expect(indentedCode).toEqual([]);
  });

  it('shows no word wider than a code line, so prose cannot widen the panel either', () => {
    const shown = guide
      .split('\n')
      .filter((line) => !isTableDelimiter(line))
      .join('\n')
      .replaceAll(/]\([^\s)]*\)/g, ']');
    const wide = shown.split(/\s+/).filter((word) => [...word].length > maxCodeLineLength);
    expect(wide).toEqual([]);
  });

  it('links only to absolute https addresses', () => {
    const targets = linkTargets(guide);
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((target) => !target.startsWith('https://'))).toEqual([]);
    expect(guide).not.toMatch(/http:\/\//i);
    // GFM turns a bare www. address into an http link.
    expect(guide).not.toMatch(/(?:^|[^/])www\./m);
  });

  it('says nothing about developing the package', () => {
    const lines = guide.split('\n').filter((line) => /\bnpm\b|vitest/i.test(line));
    expect(lines).toEqual([]);
  });

  it('names every form item by its label, and the tracking choices', () => {
    const labels = [...formItems.map(([, label]) => label), ...choiceLabels];
    expect(labels.filter((label) => !flatGuide.includes(`**${label}**`))).toEqual([]);
  });

  it("gives each form item's key once, in parentheses after its label", () => {
    const misplaced = formItems.filter(
      ([key, label]) =>
        flatGuide.split(`\`${key}\``).length !== 2 ||
        !flatGuide.includes(`**${label}** (\`${key}\``)
    );
    expect(misplaced).toEqual([]);
  });

  (compareWithSeeds ? describe : describe.skip)(
    `covers the topics of Logto's ${language} Postmark guide`,
    () => {
      // Collected even when skipped: read the seed only when it is compared.
      const seed = compareWithSeeds ? seedOf(language) : '';
      const flatSeed = flatten(seed);
      const languageTopics = [...sharedTopics(language), ...topics[language]];
      const claimed = new Set(languageTopics.map(({ seed: phrase }) => phrase));

      it('has a topic for every section of the seed', () => {
        expect(headingsOf(seed).filter((heading) => !claimed.has(heading))).toEqual([]);
      });

      it.each(languageTopics)('$seed', ({ seed: phrase, guide: markers }) => {
        expect(flatSeed, 'the topic is no longer in the seed: review this list').toContain(phrase);
        expect(markers.filter((marker) => !flatGuide.includes(flatten(marker)))).toEqual([]);
      });
    }
  );
});
