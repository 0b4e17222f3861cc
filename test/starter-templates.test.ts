/**
 * The `templates` command: what it writes, what it prints, what it refuses; and every template it
 * writes, held to the connector's own template checks and to the starter text in its language.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { TemplateType } from '@logto/connector-kit';
import { beforeAll, describe, expect, it } from 'vitest';

import { defaultMetadata } from '../src/constant.js';
import { escapeHtml } from '../src/email-body/escape-html.js';
import { essentialOf, isFilled } from '../src/preflight/logto-payload.js';
import { readTemplate } from '../src/preflight/mustachio.js';
import { templatesGuard } from '../src/types.js';

import {
  type Entry,
  type Written,
  readWritten,
  root,
  runTemplates,
  scratchFolder,
  signInLanguages,
} from './starters.js';

type Starter = Record<string, string> & {
  direction: string;
  usageTypes: Record<string, Record<string, string>>;
};

const starterOf = (language: string) =>
  JSON.parse(
    readFileSync(path.join(root, 'templates', 'starters', `${language}.json`), 'utf8')
  ) as Starter;

const languageWords = ['codeLabel', 'keepSecret', 'linkButton', 'linkLabel', 'linkText'];
const typeWords = ['subject', 'heading', 'lead', 'ignore'];
const usageTypes = Object.values(TemplateType);

const productName = `Acme <Labs> & "Co"`;

let all: { out: string; entries: Entry[]; written: Map<string, Written>; stderr: string };

beforeAll(() => {
  const out = scratchFolder();
  const run = runTemplates([
    'templates',
    '--languages',
    'all',
    '--out',
    out,
    '--product-name',
    productName,
    '--color',
    '#FC0',
  ]);
  expect(run.status, run.stderr).toBe(0);
  all = {
    out,
    entries: JSON.parse(run.stdout) as Entry[],
    written: readWritten(out),
    stderr: run.stderr,
  };
});

const languageOf = (entry: Entry) => entry.locale ?? 'en';

describe('the templates JSON on stdout', () => {
  it('is a "Templates" value the connector accepts', () => {
    expect(templatesGuard.safeParse(all.entries).success).toBe(true);
  });

  it("starts with the connector's default entries, in the form's order, without locale", () => {
    const defaults = defaultMetadata.formItems?.find(
      ({ key }) => key === 'templates'
    )?.defaultValue;
    expect(all.entries.slice(0, 9)).toEqual(defaults);
  });

  it('then has every usage type of each other language, with its locale and a suffixed alias', () => {
    for (const [index, language] of signInLanguages.entries()) {
      const entries = all.entries.slice(index * 9, index * 9 + 9);
      expect(entries.map(({ usageType }) => usageType).sort()).toEqual([...usageTypes].sort());

      for (const entry of entries) {
        expect(entry.locale).toBe(index === 0 ? undefined : language);
        expect(entry.templateAlias).toMatch(
          index === 0 ? /^logto-[a-z-]+[a-z]$/ : new RegExp(`-${language.toLowerCase()}$`)
        );
      }
    }
  });

  it('is alone on stdout; what was done and what to do next go to stderr', () => {
    expect(all.stderr).toContain('Wrote 180 templates');
    expect(all.stderr).toContain(`npx postmark-cli templates push ${all.out}`);
    expect(all.stderr).toContain('"Templates"');
    expect(all.stderr).toContain('"Send"');
  });
});

describe("the folder, in postmark-cli's format", () => {
  it('has one folder per template by alias, and the layout under _layouts', () => {
    const folders = readdirSync(all.out).sort();
    expect(folders).toEqual(
      ['_layouts', ...all.entries.map(({ templateAlias }) => templateAlias)].sort()
    );
    expect(readdirSync(path.join(all.out, '_layouts'))).toEqual(['logto-layout']);

    for (const template of all.written.values()) {
      expect(readdirSync(template.folder).sort()).toEqual([
        'content.html',
        'content.txt',
        'meta.json',
      ]);
    }
  });

  it('has a layout that wraps {{{ @content }}} in both parts and uses no variable', () => {
    const layout = all.written.get('logto-layout');
    expect(layout).toMatchObject({ Name: 'Logto layout', TemplateType: 'Layout' });
    // Postmark refuses a subject or a layout on a layout.
    expect(layout).not.toHaveProperty('Subject');
    expect(layout).not.toHaveProperty('LayoutTemplate');

    for (const body of [layout?.HtmlBody ?? '', layout?.TextBody ?? '']) {
      expect(body).toContain('{{{ @content }}}');
      expect(readTemplate(body)).toEqual({ used: [], shown: [] });
    }
  });

  it('writes the product name as text, escaped in HTML, and the colour', () => {
    const layout = all.written.get('logto-layout');
    expect(layout?.HtmlBody).toContain('Acme &lt;Labs&gt; &amp; &quot;Co&quot;');
    expect(layout?.HtmlBody).not.toContain(productName);
    expect(layout?.HtmlBody).toContain('border-top: 4px solid #ffcc00');
    expect(layout?.TextBody.startsWith(`${productName}\n`)).toBe(true);
  });

  it('keeps text readable on a light brand colour', () => {
    const invitation = all.written.get('logto-organization-invitation')?.HtmlBody ?? '';
    expect(invitation).toContain('background-color: #ffcc00');
    // Dark text on the button, and links in the text colour rather than in yellow.
    expect(invitation).toContain('color: #1f2328; text-decoration: none;');
    expect(invitation).toContain('style="color: #1f2328;">{{link}}</a>');
  });
});

describe.each(signInLanguages)('every %s template', (language) => {
  const starter = starterOf(language);
  const entries = () => all.entries.filter((entry) => languageOf(entry) === language);

  it("passes the connector's template checks: shows what it must, uses only what Logto sends", () => {
    const layout = all.written.get('logto-layout');

    for (const entry of entries()) {
      const template = all.written.get(entry.templateAlias);
      expect(template).toMatchObject({
        Alias: entry.templateAlias,
        TemplateType: 'Standard',
        LayoutTemplate: 'logto-layout',
      });
      const readings = [
        template?.Subject,
        template?.HtmlBody,
        template?.TextBody,
        layout?.HtmlBody,
        layout?.TextBody,
      ].map((text) => readTemplate(text ?? ''));
      const essential = essentialOf(entry.usageType);

      expect(readings.filter(({ problem }) => problem)).toEqual([]);
      expect(readings[1]?.shown).toContain(essential);
      expect(readings[2]?.shown).toContain(essential);
      expect(
        readings.flatMap(({ used }) => used.filter((name) => !isFilled(name, entry.usageType, {})))
      ).toEqual([]);
      expect(Object.keys(template?.TestRenderModel ?? {})).toEqual([essential]);
    }
  });

  it('says in its language what it is for, in the HTML and the text part alike', () => {
    for (const entry of entries()) {
      const template = all.written.get(entry.templateAlias);
      const words = starter.usageTypes[entry.usageType] ?? {};
      const shared =
        entry.usageType === 'OrganizationInvitation'
          ? { linkButton: starter.linkButton, linkLabel: starter.linkLabel }
          : { codeLabel: starter.codeLabel, keepSecret: starter.keepSecret };

      expect(template?.Subject).toBe(words.subject);

      for (const text of [words.heading, words.lead, words.ignore, ...Object.values(shared)]) {
        expect(template?.HtmlBody).toContain(escapeHtml(text ?? ''));
      }

      const plainWords = [words.heading, words.lead, words.ignore];
      const plainShared =
        entry.usageType === 'OrganizationInvitation'
          ? [starter.linkText]
          : [starter.codeLabel, starter.keepSecret];

      for (const text of [...plainWords, ...plainShared]) {
        expect(template?.TextBody).toContain(text);
      }

      expect(template?.TextBody).not.toMatch(/<[a-z]|\[\[/i);
    }
  });

  it(`sets lang="${language}" and its writing direction, in plain HTML for mail clients`, () => {
    const direction = ['ar', 'fa-IR'].includes(language) ? 'rtl' : 'ltr';
    expect(starter.direction).toBe(direction);

    for (const entry of entries()) {
      const html = all.written.get(entry.templateAlias)?.HtmlBody ?? '';
      expect(html.startsWith(`<table role="presentation"`)).toBe(true);
      expect(html).toContain(` lang="${language}" dir="${direction}" `);
      // Inline styles only: many mail clients drop <style> and classes.
      expect(html).not.toMatch(/<style|<script|\sclass=|\[\[/i);
      expect(html.match(/<table\b/g)?.length).toBe(html.match(/<\/table>/g)?.length);
      expect(html.match(/<tr\b/g)?.length).toBe(html.match(/<\/tr>/g)?.length);
      expect(html.match(/<td\b/g)?.length).toBe(html.match(/<\/td>/g)?.length);
    }
  });
});

describe('the starter text', () => {
  const english = starterOf('en');

  it('exists for exactly the languages of the sign-in page', () => {
    const files = readdirSync(path.join(root, 'templates', 'starters'))
      .map((name) => name.replace(/\.json$/, ''))
      .sort();
    expect(files).toEqual([...signInLanguages].sort());
  });

  it.each(signInLanguages)('%s has every sentence English has, each its own', (language) => {
    const starter = starterOf(language);
    expect(Object.keys(starter).sort()).toEqual(Object.keys(english).sort());
    expect(Object.keys(starter.usageTypes).sort()).toEqual([...usageTypes].sort());

    const sentences = [
      ...languageWords.map((key) => starter[key]),
      ...usageTypes.flatMap((type) => typeWords.map((key) => starter.usageTypes[type]?.[key])),
    ];

    for (const sentence of sentences) {
      expect(typeof sentence).toBe('string');
      expect(sentence?.trim()).toBe(sentence);
      expect(sentence?.length).toBeGreaterThan(1);
      // Nothing a template language or the assembler would read as its own.
      expect(sentence).not.toMatch(/[<>{}]|\[\[/);
    }

    // The notices differ by usage type: each says what happens to that request.
    const ignores = usageTypes.map((type) => starter.usageTypes[type]?.ignore);
    expect(new Set(ignores).size).toBeGreaterThanOrEqual(8);
  });

  it('differs between languages', () => {
    const texts = signInLanguages.map((language) => JSON.stringify(starterOf(language)));
    expect(new Set(texts).size).toBe(signInLanguages.length);
  });

  it('speaks to the user as the sign-in page does', () => {
    const all = (language: string) => JSON.stringify(starterOf(language));
    // German "du", French "vous", Spanish "tú", Italian "tu", Turkish "siz", Russian "вы".
    expect(all('de')).toContain('Gib diesen Code ein');
    expect(all('de')).not.toMatch(/\b(?:Sie|Ihr|Ihre)\b/);
    expect(all('fr')).toContain('Saisissez');
    expect(all('fr')).not.toMatch(/(?<![\p{L}'])(?:tu|ton|ta|tes)(?!\p{L})/u);
    expect(all('es')).toContain('Escribe este código');
    expect(all('es')).not.toMatch(/\busted\b/i);
    expect(all('it')).toContain('Inserisci questo codice');
    expect(all('tr-TR')).toContain('bu kodu girin');
    expect(all('ru')).toContain('Введите этот код');
    expect(all('cs')).toContain('Tvůj kód');
    expect(all('pl-PL')).toContain('Wpisz ten kod');
  });

  // Characters written differently in Simplified and Traditional Chinese.
  const simplifiedOnly = [...'验证码请邮户设组织变输'];
  const traditionalOnly = [...'驗證碼請郵戶設組織變輸'];
  const hasAny = (text: string, characters: string[]) =>
    characters.some((character) => text.includes(character));

  it.each(['zh-HK', 'zh-TW'])('%s is written in Traditional characters', (language) => {
    const text = JSON.stringify(starterOf(language));
    expect(hasAny(text, simplifiedOnly)).toBe(false);
    expect(hasAny(text, traditionalOnly)).toBe(true);
  });

  it('zh-CN is written in Simplified characters', () => {
    const text = JSON.stringify(starterOf('zh-CN'));
    expect(hasAny(text, traditionalOnly)).toBe(false);
    expect(hasAny(text, simplifiedOnly)).toBe(true);
  });

  it('says e-mail as each Chinese region does', () => {
    expect(JSON.stringify(starterOf('zh-HK'))).toContain('電郵');
    expect(JSON.stringify(starterOf('zh-TW'))).toContain('電子郵件');
    expect(JSON.stringify(starterOf('zh-TW'))).not.toContain('電郵');
  });
});

describe('the command line', () => {
  const tree = (folder: string) =>
    existsSync(folder) ? readdirSync(folder, { recursive: true }).map(String).sort() : [];

  it('writes English alone by default: nine entries without locale', () => {
    const out = path.join(scratchFolder(), 'postmark-templates');
    const run = runTemplates(['templates', '--out', out]);

    expect(run.status).toBe(0);
    const entries = JSON.parse(run.stdout) as Entry[];
    expect(entries).toHaveLength(9);
    expect(entries.filter(({ locale }) => locale)).toEqual([]);
    // Without a product name, the layout has no header line and no title.
    const layout = readWritten(out).get('logto-layout');
    expect(layout?.HtmlBody).not.toContain('<title>');
    expect(layout?.TextBody).toBe('{{{ @content }}}\n');
  });

  it('writes ./postmark-templates when no --out is given', () => {
    const cwd = scratchFolder();
    expect(runTemplates(['templates'], cwd).status).toBe(0);
    expect(existsSync(path.join(cwd, 'postmark-templates', 'logto-sign-in', 'meta.json'))).toBe(
      true
    );
  });

  it('takes the first language as the fallback, and "all" for the rest', () => {
    const run = runTemplates(['templates', '--languages', 'DE, all', '--out', scratchFolder()]);

    expect(run.status, run.stderr).toBe(0);
    const entries = JSON.parse(run.stdout) as Entry[];
    expect(entries).toHaveLength(180);
    expect(entries[1]).toEqual({ usageType: 'SignIn', templateAlias: 'logto-sign-in' });
    expect(entries.filter(({ locale }) => locale === 'de')).toEqual([]);
    expect(entries[9]).toMatchObject({ locale: 'en', templateAlias: 'logto-register-en' });
  });

  it('reads a language without its region where only one has it', () => {
    const run = runTemplates(['templates', '--languages', 'en,fa,uk', '--out', scratchFolder()]);

    expect(run.status, run.stderr).toBe(0);
    const locales = new Set((JSON.parse(run.stdout) as Entry[]).map(({ locale }) => locale));
    expect([...locales]).toEqual([undefined, 'fa-IR', 'uk-UA']);
  });

  it('overwrites nothing without --force, and everything it writes with it', () => {
    const out = scratchFolder();
    const signIn = path.join(out, 'logto-sign-in', 'content.html');
    expect(runTemplates(['templates', '--out', out]).status).toBe(0);
    writeFileSync(signIn, 'edited');

    const refused = runTemplates(['templates', '--languages', 'en,de', '--out', out]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('Nothing written: 30 of the files already exist');
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(signIn, 'utf8')).toBe('edited');
    expect(existsSync(path.join(out, 'logto-sign-in-de'))).toBe(false);

    const forced = runTemplates(['templates', '--languages', 'en,de', '--out', out, '--force']);
    expect(forced.status).toBe(0);
    expect(readFileSync(signIn, 'utf8')).toContain('{{code}}');
    expect(existsSync(path.join(out, 'logto-sign-in-de', 'meta.json'))).toBe(true);
  });

  it.each([
    [['templates', '--colour', '#000'], "Unknown option '--colour'"],
    [['templates', '--languages', 'xx'], '"xx" is not a language of Logto\'s sign-in page'],
    [['templates', '--languages', 'pt'], '"pt" could be pt-PT or pt-BR'],
    [['templates', '--languages', 'de,DE'], 'de is listed twice'],
    [['templates', '--languages', 'de,,fr'], 'has an empty item'],
    [['templates', '--languages', ''], 'has an empty item'],
    [['templates', '--color', 'red'], '"red" is not a colour'],
    [['templates', '--color', '#12345'], '"#12345" is not a colour'],
    [['templates', '--product-name', '  '], '--product-name is empty'],
    [['templates', '--product-name', 'Acme {{code}}'], 'may not hold braces'],
    [['templates', '--product-name', 'Acme\nInc'], 'control characters'],
    [['templates', '--product-name', 'x'.repeat(101)], 'longer than 100 characters'],
    [[], 'Name the command: templates.'],
    [['template'], 'Unknown command "template"'],
    [['templates', 'extra'], 'Unknown command "templates extra"'],
  ])('refuses %j with status 2, a message and the usage, writing nothing', (args, message) => {
    const cwd = scratchFolder();
    const run = runTemplates([...args, '--out', path.join(cwd, 'out')], cwd);

    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage: connector-postmark-mail templates');
    expect(tree(cwd)).toEqual([]);
  });

  it('refuses an --out that is a file', () => {
    const cwd = scratchFolder();
    const file = path.join(cwd, 'taken');
    writeFileSync(file, '');
    const run = runTemplates(['templates', '--out', file]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('is a file, not a folder');
    expect(tree(cwd)).toEqual(['taken']);
  });

  it('shows its usage on --help', () => {
    const run = runTemplates(['--help']);

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('--languages <list>');
    expect(run.stdout).toContain(signInLanguages.join(', '));
  });

  it('runs the same from a clone, through npm run templates', () => {
    const out = scratchFolder();
    const { status, stdout } = spawnSync(
      'npm',
      ['run', '--silent', 'templates', '--', '--languages', 'ja,ar', '--out', out],
      { cwd: root, encoding: 'utf8' }
    );

    expect(status).toBe(0);
    expect(stdout).toBe(
      runTemplates(['templates', '--languages', 'ja,ar', '--out', out, '--force']).stdout
    );
  });
});

describe('the package', () => {
  const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    bin?: Record<string, string>;
    files?: string[];
  };

  it('names the command after itself, so npx connector-postmark-mail finds it', () => {
    expect(packageJson.bin).toEqual({ 'connector-postmark-mail': './lib/cli.js' });
    expect(readFileSync(path.join(root, 'lib', 'cli.js'), 'utf8')).toMatch(
      /^#!\/usr\/bin\/env node\n/
    );
  });

  it('ships the starter text beside the command', () => {
    const { stdout, status } = spawnSync(
      'npm',
      ['pack', '--dry-run', '--json', '--ignore-scripts'],
      { cwd: root, encoding: 'utf8' }
    );
    expect(status).toBe(0);
    const [pack] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
    const files = new Set(pack?.files.map((file) => file.path));

    expect(files.has('lib/cli.js')).toBe(true);
    for (const language of signInLanguages) {
      expect(files.has(`templates/starters/${language}.json`)).toBe(true);
    }
    for (const part of ['layout', 'content', 'code', 'link']) {
      expect(files.has(`templates/skeleton/${part}.html`)).toBe(true);
      expect(files.has(`templates/skeleton/${part}.txt`)).toBe(true);
    }
  });

  it("keeps the starters out of the connector's runtime", () => {
    const runtime = readFileSync(path.join(root, 'lib', 'index.js'), 'utf8');
    expect(runtime).not.toContain('logto-layout');
    expect(runtime).not.toContain(starterOf('en').usageTypes.SignIn?.lead);
    expect(runtime).not.toContain('parseArgs');
  });
});
