/**
 * Runs the package's `templates` command as a user would, from the built `lib/cli.js` (the global
 * setup builds it), and reads back the folder it wrote the way postmark-cli does: every folder
 * with a `meta.json`, its `content.html` and `content.txt`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const cli = path.join(root, 'lib', 'cli.js');

/** Logto's sign-in page languages, in the order `--languages all` writes them. */
export const signInLanguages = [
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
];

export type Run = { status: number | null; stdout: string; stderr: string };

export const runTemplates = (args: string[], cwd = root): Run => {
  const { status, stdout, stderr } = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
  });
  return { status, stdout, stderr };
};

export const scratchFolder = () => mkdtempSync(path.join(tmpdir(), 'starters-'));

/** A template as Postmark would store it after `postmark templates push`. */
export type Written = {
  folder: string;
  Name: string;
  Alias: string;
  Subject?: string;
  TemplateType: 'Standard' | 'Layout';
  LayoutTemplate?: string | null;
  TestRenderModel?: Record<string, unknown>;
  HtmlBody: string;
  TextBody: string;
};

const metaFolders = (folder: string): string[] =>
  readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const inside = path.join(folder, entry.name);

    if (!entry.isDirectory()) {
      return [];
    }

    return existsSync(path.join(inside, 'meta.json')) ? [inside] : metaFolders(inside);
  });

/** Every template in the folder, by alias. */
export const readWritten = (folder: string) =>
  new Map(
    metaFolders(folder).map((inside) => {
      const read = (name: string) => readFileSync(path.join(inside, name), 'utf8');
      const meta = JSON.parse(read('meta.json')) as Omit<Written, 'HtmlBody' | 'TextBody'>;
      return [
        meta.Alias,
        { ...meta, folder: inside, HtmlBody: read('content.html'), TextBody: read('content.txt') },
      ];
    })
  );

export type Entry = { usageType: string; templateAlias: string; locale?: string };
