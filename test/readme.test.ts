/**
 * The README is read in two places: on the repository, and on the package's page on the npm
 * registry, which shows it beside only the files the package ships. So each of its links must
 * resolve in both: a relative link to a file the package ships, an anchor to one of its own
 * headings, and anything else as an absolute https address; one into this repository must name a
 * file that is in it. The pages under docs/ that the README links to ship with the package, so
 * their links follow the same rules, relative to docs/; a link with an anchor into a Markdown
 * file must name one of that file's headings.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
const packFiles = () => {
  const { stdout, status, stderr } = spawnSync(
    'npm',
    ['pack', '--dry-run', '--json', '--ignore-scripts'],
    { cwd: root, encoding: 'utf8' }
  );
  expect(status, stderr).toBe(0);
  const [pack] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
  return new Set(pack?.files.map((file) => file.path));
};

let packed: Set<string> | undefined;
/** `npm pack` takes seconds, so it runs once for all the files checked here. */
const packedFiles = () => {
  packed ??= packFiles();
  return packed;
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

/** The anchors of a Markdown file's headings; a line in a fenced code block is no heading. */
const headingAnchors = (file: string) =>
  new Set(
    readFileSync(path.join(root, file), 'utf8')
      .replaceAll(/^ {0,3}```[^]*?^ {0,3}```/gm, '')
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) => slugOf(line.replace(/^#+ /, '')))
  );

/**
 * The relative links of a file in the package, each as the packed file it names (from the
 * package's root) and the anchor it adds, if any.
 */
const relativeLinks = (file: string, links: string[]) =>
  links
    .filter((target) => !isAbsolute(target) && !target.startsWith('#'))
    .map((target) => {
      const [name = '', anchor] = target.split('#');
      return {
        target,
        file: path.posix.normalize(path.posix.join(path.posix.dirname(file), name)),
        anchor,
      };
    });

/** Links with an anchor into a Markdown file whose headings have no such anchor. */
const brokenAnchors = (links: ReturnType<typeof relativeLinks>) =>
  links
    .filter(({ file, anchor }) => anchor !== undefined && file.endsWith('.md'))
    .filter(
      ({ file, anchor = '' }) =>
        !existsSync(path.join(root, file)) || !headingAnchors(file).has(anchor)
    )
    .map(({ target }) => target);

/** Links into the repository that name no file of it on the main branch. */
const missingInRepository = (links: string[]) =>
  links
    .filter((target) => target.startsWith(`${repositoryUrl}/`))
    .map((target) => /^\/blob\/main\/([^#?]+)/.exec(target.slice(repositoryUrl.length))?.[1])
    .filter((file) => file === undefined || !existsSync(path.join(root, file)));

const isAbsolute = (target: string) => /^[a-z][\d+.a-z-]*:/i.test(target);
const targets = linkTargets(withoutCode(readme));

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

  it('links into its pages only to headings they have', () => {
    const intoPages = relativeLinks('README.md', targets).filter(
      ({ anchor }) => anchor !== undefined
    );
    expect(intoPages.length).toBeGreaterThan(0);
    expect(brokenAnchors(intoPages)).toEqual([]);
  });

  it('links to each page under docs/ that it moved its reference sections to', () => {
    const pages = new Set(relativeLinks('README.md', targets).map(({ file }) => file));
    for (const page of [
      'compatibility',
      'errors',
      'security',
      'reliability',
      'performance',
      'development',
    ]) {
      expect(pages.has(`docs/${page}.md`), page).toBe(true);
    }
  });
});

const pages = readdirSync(path.join(root, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);

describe.each(pages)('%s', (page) => {
  const markdown = readFileSync(path.join(root, page), 'utf8');
  const links = linkTargets(withoutCode(markdown));
  const own = headingAnchors(page);

  it('is shipped, with one top-level heading first', () => {
    expect(packedFiles().has(page)).toBe(true);
    expect(markdown).toMatch(/^# \S/);
    const prose = markdown.replaceAll(/^ {0,3}```[^]*?^ {0,3}```/gm, '');
    expect(prose.split('\n').filter((line) => line.startsWith('# '))).toHaveLength(1);
  });

  it('links only to https addresses, files or headings', () => {
    expect(links.filter((target) => target === '' || target.startsWith('http:'))).toEqual([]);
  });

  it('links only to its own headings by anchor', () => {
    expect(links.filter((target) => target.startsWith('#') && !own.has(target.slice(1)))).toEqual(
      []
    );
  });

  it('links relatively only to files the package ships, and to headings they have', () => {
    const relative = relativeLinks(page, links);
    expect(
      relative.filter(({ file }) => !packedFiles().has(file)).map(({ target }) => target)
    ).toEqual([]);
    expect(brokenAnchors(relative)).toEqual([]);
  });

  it('links into the repository only to files that are in it, on the main branch', () => {
    expect(missingInRepository(links)).toEqual([]);
  });
});
