/**
 * The README is read in two places: on the repository, and on the package's page on the npm
 * registry, which shows it beside only the files the package ships. So each of its links must
 * resolve in both: a relative link to a file the package ships, an anchor to one of its own
 * headings, and anything else as an absolute https address; one into this repository must name a
 * file that is in it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { linkTargets } from './markdown.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

const packageJson: unknown = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const { repository } = packageJson as { repository?: { url?: string } };
const repositoryUrl = (repository?.url ?? '').replace(/^git\+/, '').replace(/\.git$/, '');

/** What `npm pack` puts in the package (lib/ is built by the global setup). */
const packedFiles = () => {
  const { stdout, status, stderr } = spawnSync(
    'npm',
    ['pack', '--dry-run', '--json', '--ignore-scripts'],
    { cwd: root, encoding: 'utf8' }
  );
  expect(status, stderr).toBe(0);
  const [pack] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
  return new Set(pack?.files.map((file) => file.path));
};

/** Code shows text as it is: a link-like string in it is no link. */
const withoutCode = (markdown: string) =>
  markdown.replaceAll(/^ {0,3}```[^]*?^ {0,3}```/gm, '').replaceAll(/`[^\n`]*`/g, '');

/** The anchor GitHub and the npm registry give a heading. */
const slugOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replaceAll(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replaceAll(' ', '-');

const anchors = new Set(
  readme
    .split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) => slugOf(line.replace(/^#+ /, '')))
);

const targets = linkTargets(withoutCode(readme));
const isAbsolute = (target: string) => /^[a-z][\d+.a-z-]*:/i.test(target);

describe('the README', () => {
  it('names the repository its absolute links point into', () => {
    expect(repositoryUrl).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
  });

  it('has links, each to an https address, a file or one of its headings', () => {
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((target) => target === '' || target.startsWith('http:'))).toEqual([]);
  });

  it('links only to its own headings by anchor', () => {
    const anchorLinks = targets.filter((target) => target.startsWith('#'));
    expect(anchorLinks.length).toBeGreaterThan(0);
    expect(anchorLinks.filter((target) => !anchors.has(target.slice(1)))).toEqual([]);
  });

  it('links relatively only to files the package ships, so the links work on npm too', () => {
    const shipped = packedFiles();
    const relative = targets
      .filter((target) => !isAbsolute(target) && !target.startsWith('#'))
      .map((target) => path.posix.normalize(target.replace(/#.*$/, '')));
    expect(relative.length).toBeGreaterThan(0);
    expect(relative.filter((file) => !shipped.has(file))).toEqual([]);
  });

  it('links into the repository only to files that are in it, on the main branch', () => {
    const intoRepository = targets.filter((target) => target.startsWith(`${repositoryUrl}/`));
    const files = intoRepository.map(
      (target) => /^\/blob\/main\/([^#?]+)/.exec(target.slice(repositoryUrl.length))?.[1]
    );
    expect(
      files.filter((file) => file === undefined || !existsSync(path.join(root, file)))
    ).toEqual([]);
  });
});
