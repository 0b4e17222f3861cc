#!/usr/bin/env node
/**
 * `connector-postmark-mail templates`: writes starter Postmark templates, one per Logto usage type
 * and language plus one shared layout, in the folder format of Postmark's own `postmark-cli`
 * (`postmark templates push <folder>`), and prints the `templates` JSON for the Console.
 *
 * Built into `lib/cli.js` (the package's `bin`) and run from a clone with `npm run templates`.
 * It reads its text from `templates/` beside the folder it runs from, and takes from `src/` only
 * the HTML escaping Logto's custom templates use, so the connector's runtime does not grow with
 * it; the tests hold it to the connector's own aliases, language lookup and template checks.
 *
 * The filling of `[[name]]` placeholders is written here rather than taken from a template engine:
 * the output is itself a Postmark (Mustachio) template whose `{{code}}` any Mustache-like engine
 * would consume, and the package must not add a runtime dependency for a dozen lines.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { escapeHtml } from '../src/email-body/escape-html.js';

/** The languages of Logto's sign-in page. English first: the default fallback. Where two share a
 * language (pt, zh), the one listed first serves the regions neither names (pt-AO, zh-MO), as the
 * connector's user sentences do. */
const languages = [
  'en',
  'ar',
  'cs',
  'de',
  'es',
  'fa-IR',
  'fr',
  'it',
  'ja',
  'ko',
  'pl-PL',
  'pt-PT',
  'pt-BR',
  'ru',
  'th',
  'tr-TR',
  'uk-UA',
  'zh-CN',
  'zh-HK',
  'zh-TW',
] as const;

/** Logto's usage types, in the order of the Console form's default `templates`. */
const usageTypes = [
  'Register',
  'SignIn',
  'ForgotPassword',
  'Generic',
  'OrganizationInvitation',
  'UserPermissionValidation',
  'BindNewIdentifier',
  'MfaVerification',
  'BindMfa',
] as const;

type UsageType = (typeof usageTypes)[number];

const layoutAlias = 'logto-layout';
const defaultColor = '#3451b2';
const defaultOut = './postmark-templates';
const maxProductName = 100;

const usage = `Usage: connector-postmark-mail templates [options]

Writes starter Postmark templates for Logto, one per usage type and language plus a layout, in
postmark-cli's folder format, and prints the "templates" JSON for Logto Console.

Options:
  --languages <list>     comma-separated languages, the first one the fallback (default: en);
                         "all" adds every language of Logto's sign-in page not listed before it:
                         ${languages.join(', ')}
  --out <folder>         where to write (default: ${defaultOut})
  --product-name <name>  your product's name, shown at the top of every email
  --color <#rrggbb>      your brand colour, for the top border and the button (default: ${defaultColor})
  --force                overwrite files that already exist
  --help                 show this text
`;

/** A mistake in the command line: the message is shown with the usage, and the exit status is 2. */
class UsageError extends Error {}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'templates');

const readText = (file: string) => readFileSync(path.join(root, file), 'utf8');

type TypeText = { subject: string; heading: string; lead: string; ignore: string };
type Starter = {
  direction: 'ltr' | 'rtl';
  codeLabel: string;
  keepSecret: string;
  linkButton: string;
  linkLabel: string;
  linkText: string;
  usageTypes: Record<UsageType, TypeText>;
};

const readStarter = (language: string): Starter => {
  const starter = JSON.parse(readText(`starters/${language}.json`)) as Starter;

  for (const usageType of usageTypes) {
    if (!Object.hasOwn(starter.usageTypes, usageType)) {
      throw new Error(`templates/starters/${language}.json has no text for ${usageType}.`);
    }
  }

  return starter;
};

/** The alias of a usage type's template in a language: the connector's default for the fallback. */
const aliasOf = (usageType: UsageType, language?: string) =>
  `logto-${usageType.replaceAll(/(?<=[a-z])(?=[A-Z])/g, '-').toLowerCase()}${
    language ? `-${language.toLowerCase()}` : ''
  }`;

const essentialOf = (usageType: UsageType) =>
  usageType === 'OrganizationInvitation' ? 'link' : 'code';

/** Finds a language by its tag in any case, or by its language alone when only one has it. */
const findLanguage = (wanted: string) => {
  const folded = wanted.toLowerCase();
  const exact = languages.find((language) => language.toLowerCase() === folded);

  if (exact) {
    return exact;
  }

  const byLanguage = languages.filter(
    (language) => language.toLowerCase().split('-')[0] === folded
  );
  const [only] = byLanguage;

  if (only && byLanguage.length === 1) {
    return only;
  }

  throw new UsageError(
    byLanguage.length > 1
      ? `--languages: "${wanted}" could be ${byLanguage.join(' or ')}; name one.`
      : `--languages: "${wanted}" is not a language of Logto's sign-in page. Choose from ${languages.join(', ')}, or "all".`
  );
};

const readLanguages = (list: string) => {
  const items = list.split(',').map((item) => item.trim());

  if (items.includes('')) {
    throw new UsageError(
      `--languages: "${list}" has an empty item; separate languages with commas.`
    );
  }

  const named = items
    .filter((item) => item.toLowerCase() !== 'all')
    .map((item) => findLanguage(item));
  const repeated = named.filter((language, index) => named.indexOf(language) !== index);

  if (repeated.length > 0) {
    throw new UsageError(`--languages: ${repeated[0]} is listed twice.`);
  }

  // "all" stands for every language not named elsewhere in the list, where it stands.
  return items.flatMap((item) =>
    item.toLowerCase() === 'all'
      ? languages.filter((language) => !named.includes(language))
      : [findLanguage(item)]
  );
};

const readProductName = (value: string | undefined) => {
  const name = value?.trim() ?? '';

  if (value !== undefined && name === '') {
    throw new UsageError('--product-name is empty.');
  }

  if (name.length > maxProductName) {
    throw new UsageError(`--product-name is longer than ${maxProductName} characters.`);
  }

  // Written into the templates as text: braces would become Postmark variables, and a line break
  // would break the subject line of the text part.
  if (/[{}[\]\p{Cc}]/u.test(name)) {
    throw new UsageError(
      '--product-name may not hold braces, square brackets or control characters (such as line breaks).'
    );
  }

  return name;
};

const readColor = (value: string | undefined) => {
  const color = (value ?? defaultColor).trim().toLowerCase();

  if (!/^#(?:[\da-f]{3}){1,2}$/.test(color)) {
    throw new UsageError(`--color: "${value}" is not a colour such as #3451b2 or #35b.`);
  }

  return color.length === 4
    ? `#${Array.from(color.slice(1), (digit) => digit + digit).join('')}`
    : color;
};

/** WCAG's relative luminance and contrast ratio, to keep text on and beside the colour readable. */
const luminance = (color: string) => {
  const channels = [1, 3, 5].map(
    (start) => Number.parseInt(color.slice(start, start + 2), 16) / 255
  );
  const [red = 0, green = 0, blue = 0] = channels.map((channel) =>
    channel <= 0.039_28 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4
  );
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
};

const contrast = (first: string, second: string) => {
  const [one, other] = [luminance(first), luminance(second)];
  return (Math.max(one, other) + 0.05) / (Math.min(one, other) + 0.05);
};

const white = '#ffffff';
const ink = '#1f2328';

/**
 * Puts values into a skeleton's `[[name]]` placeholders. A line whose placeholder has an empty
 * value is left out, so that an optional part (the product name) leaves no empty element behind.
 */
const fill = (skeleton: string, values: Record<string, string>) =>
  skeleton
    .split('\n')
    .filter(
      (line) => ![...line.matchAll(/\[\[(\w+)]]/g)].some(([, name = '']) => values[name] === '')
    )
    .join('\n')
    .replaceAll(/\[\[(\w+)]]/g, (_, name: string) => {
      const value = values[name];

      if (value === undefined) {
        throw new Error(`The skeleton has a placeholder [[${name}]] that nothing fills.`);
      }

      return value;
    })
    .replace(/^\n+/, '');

type Options = {
  languages: string[];
  out: string;
  productName: string;
  color: string;
  force: boolean;
};

const readOptions = (argv: string[]): Options | 'help' => {
  const { values, positionals } = (() => {
    try {
      return parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          languages: { type: 'string' },
          out: { type: 'string' },
          'product-name': { type: 'string' },
          color: { type: 'string' },
          force: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (error: unknown) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
  })();

  if (values.help) {
    return 'help';
  }

  if (positionals[0] !== 'templates' || positionals.length > 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'Name the command: templates.'
        : `Unknown command "${positionals.join(' ')}": the one command is templates.`
    );
  }

  const out = values.out ?? defaultOut;

  if (out.trim() === '') {
    throw new UsageError('--out is empty.');
  }

  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new UsageError(`--out: ${out} is a file, not a folder.`);
  }

  return {
    languages: readLanguages(values.languages ?? 'en'),
    out,
    productName: readProductName(values['product-name']),
    color: readColor(values.color),
    force: values.force ?? false,
  };
};

type File = { path: string; content: string };

const metaJson = (meta: Record<string, unknown>) => `${JSON.stringify(meta, undefined, 2)}\n`;

const layoutFiles = ({ out, productName, color }: Options): File[] => {
  const folder = path.join(out, '_layouts', layoutAlias);
  const html = { product: escapeHtml(productName), color };
  return [
    {
      path: path.join(folder, 'meta.json'),
      content: metaJson({ Name: 'Logto layout', Alias: layoutAlias, TemplateType: 'Layout' }),
    },
    {
      path: path.join(folder, 'content.html'),
      content: fill(readText('skeleton/layout.html'), html),
    },
    {
      path: path.join(folder, 'content.txt'),
      content: fill(readText('skeleton/layout.txt'), { product: productName }),
    },
  ];
};

const testRenderModels = {
  code: { code: '123456' },
  link: { link: 'https://example.com/invitation' },
};

type Template = {
  language: string;
  starter: Starter;
  isFallback: boolean;
  usageType: UsageType;
};

const templateFiles = (
  { out, color }: Options,
  { language, starter, isFallback, usageType }: Template
): File[] => {
  const text = starter.usageTypes[usageType];
  const essential = essentialOf(usageType);
  const alias = aliasOf(usageType, isFallback ? undefined : language);
  const folder = path.join(out, alias);
  const words = {
    ...text,
    codeLabel: starter.codeLabel,
    keepSecret: starter.keepSecret,
    linkButton: starter.linkButton,
    linkLabel: starter.linkLabel,
    linkText: starter.linkText,
  };
  const htmlWords = Object.fromEntries(
    Object.entries(words).map(([name, value]) => [name, escapeHtml(value)])
  );
  const colors = {
    color,
    buttonText: contrast(color, white) >= contrast(color, ink) ? white : ink,
    linkColor: contrast(color, white) >= 4.5 ? color : ink,
  };
  const html = fill(readText('skeleton/content.html'), {
    ...htmlWords,
    lang: language,
    dir: starter.direction,
    essential: fill(readText(`skeleton/${essential}.html`), { ...htmlWords, ...colors }).trimEnd(),
  });
  const plain = fill(readText('skeleton/content.txt'), {
    ...words,
    essential: fill(readText(`skeleton/${essential}.txt`), words).trimEnd(),
  });

  return [
    {
      path: path.join(folder, 'meta.json'),
      content: metaJson({
        Name: `Logto ${usageType}${isFallback ? '' : ` (${language})`}`,
        Alias: alias,
        Subject: text.subject,
        TemplateType: 'Standard',
        LayoutTemplate: layoutAlias,
        TestRenderModel: testRenderModels[essential],
      }),
    },
    { path: path.join(folder, 'content.html'), content: html },
    { path: path.join(folder, 'content.txt'), content: plain },
  ];
};

/** The Console's "Templates" value: the fallback language without locale, the others with. */
const templatesJson = (chosen: string[]) => {
  const entries = chosen.flatMap((language, index) =>
    usageTypes.map((usageType) =>
      index === 0
        ? { usageType, templateAlias: aliasOf(usageType) }
        : { usageType, templateAlias: aliasOf(usageType, language), locale: language }
    )
  );
  // One entry a line: short enough to read, and still JSON to paste.
  return `[\n${entries.map((entry) => `  ${JSON.stringify(entry)}`).join(',\n')}\n]\n`;
};

const nextSteps = (options: Options, templateCount: number) => {
  const folder = JSON.stringify(options.out).slice(1, -1);
  return `Wrote ${templateCount} templates (${usageTypes.length} usage types in ${options.languages.join(', ')}) and the layout "${layoutAlias}" to ${folder}.

Next:
  1. Push them to your Postmark server; postmark-cli shows what it will add or change and asks first:
       POSTMARK_SERVER_TOKEN=<your server API token> npx postmark-cli templates push ${folder}
  2. In Logto Console, paste the JSON printed above into the connector's "Templates" field.
  3. Type your address into the test field and press "Send": the Console test checks every
     template on Postmark, then sends you the Generic one.
`;
};

const run = (argv: string[]) => {
  const options = readOptions(argv);

  if (options === 'help') {
    process.stdout.write(usage);
    return;
  }

  const files = [
    ...layoutFiles(options),
    ...options.languages.flatMap((language, index) => {
      const starter = readStarter(language);
      return usageTypes.flatMap((usageType) =>
        templateFiles(options, { language, starter, isFallback: index === 0, usageType })
      );
    }),
  ];
  const existing = files.filter((file) => existsSync(file.path));

  if (existing.length > 0 && !options.force) {
    process.stderr.write(
      `Nothing written: ${existing.length} of the files already exist${
        existing.length > 3 ? ', such as' : ':'
      } ${existing
        .slice(0, 3)
        .map((file) => file.path)
        .join(', ')}. Add --force to overwrite them.\n`
    );
    process.exitCode = 1;
    return;
  }

  for (const file of files) {
    mkdirSync(path.dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.content);
  }

  process.stdout.write(templatesJson(options.languages));
  process.stderr.write(`\n${nextSteps(options, options.languages.length * usageTypes.length)}`);
};

try {
  run(process.argv.slice(2));
} catch (error: unknown) {
  if (!(error instanceof UsageError)) {
    throw error;
  }

  process.stderr.write(`${error.message}\n\n${usage}`);
  process.exitCode = 2;
}
