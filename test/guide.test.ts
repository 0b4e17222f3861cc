/**
 * The operator's guides in docs/: the English one is what the Console shows beside the connector's
 * form, the others are its translations. Each must fit the Console's guide panel (about 650 px
 * wide), link only to absolute https addresses (a relative link opens a Console route that does
 * not exist), speak to an operator rather than a developer, name the form's fields by their
 * labels, and cover at least the topics of Logto's own Postmark guide in its language (listed in
 * guide-topics.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ConnectorErrorCodes } from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';

import { defaultMetadata, limits } from '../src/constant.js';
import { errorForReader } from '../src/errors/readers.js';
import { postmarkFailureError } from '../src/postmark/answers.js';

import { type Language, languages, topicWords } from './guide-topics.js';
import { linkTargets } from './markdown.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const guideOf = (language: Language) =>
  readFileSync(path.join(root, 'docs', `guide.${language}.md`), 'utf8');

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

/** Every block fenced with backticks or tildes, as the lines between its fences. */
const codeBlocks = (markdown: string) => {
  const blocks: string[][] = [];
  let fence: string | undefined;

  for (const line of markdown.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];

    if (fence === undefined) {
      if (marker) {
        fence = marker;
        blocks.push([]);
      }
    } else if (marker?.startsWith(fence)) {
      fence = undefined;
    } else {
      blocks.at(-1)?.push(line);
    }
  }

  return blocks;
};

/** The rows a table shows: every table line but its delimiter row, as cells. */
const tableRows = (markdown: string) =>
  proseLines(markdown)
    .filter(({ line }) => line.trimStart().startsWith('|') && !isTableDelimiter(line))
    .map(({ number, line }) => ({
      number,
      cells: line
        .trim()
        .replace(/^\|/, '')
        .replace(/\|$/, '')
        .split('|')
        .map((cell) => cell.trim()),
    }));

/**
 * What the audit log's data holds for failed sends of each kind, as `errorForReader` shapes it for the
 * sign-in page: its keys, and the codes its values may name.
 */
const auditData = [
  postmarkFailureError(
    { kind: 'http', status: 401, body: '{"ErrorCode":10,"Message":"Bad token."}', attempts: 1 },
    { from: 'a@acme.com', to: 'b@acme.com', usageType: 'SignIn', template: 'alias "x"' }
  ),
  postmarkFailureError(
    { kind: 'network', cause: 'read ECONNRESET', code: 'ECONNRESET', attempts: 3 },
    { from: 'a@acme.com', to: 'b@acme.com', usageType: 'SignIn' }
  ),
].map(
  (error) =>
    errorForReader(error, { isConsoleTest: false, languages: ['en'], usageType: 'SignIn' }).data
);

const auditKeys = new Set(auditData.flatMap((data) => Object.keys(data as object)));
const auditWords = new Set([
  ...auditKeys,
  ...Object.values(ConnectorErrorCodes),
  ...auditData.flatMap((data) => Object.values(data as object).map(String)),
]);

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

  it('ends no code block with an empty line, which the Console would number', () => {
    const blocks = codeBlocks(guide);

    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.filter((block) => !block.at(-1)?.trim())).toEqual([]);
  });

  it('fills the first cell of every table row, so that no row continues the one above', () => {
    const rows = tableRows(guide);

    expect(rows.length).toBeGreaterThan(10);
    expect(rows.filter(({ cells }) => !cells[0])).toEqual([]);
  });

  it("names the audit log's data by the keys it has", () => {
    const paragraph = guide.split(/\n\s*\n/).find((text) => text.includes('`operatorMessage`'));
    const named = [...(paragraph ?? '').matchAll(/`([^`]+)`/g)].map(([, word]) => word);

    expect(auditKeys).toContain('postmarkErrorCode');
    expect(named.filter((word) => auditKeys.has(word ?? ''))).toEqual(
      expect.arrayContaining(['operatorMessage', 'reason', 'postmarkErrorCode', 'postmarkMessage'])
    );
    expect(named.filter((word) => !auditWords.has(word ?? ''))).toEqual([]);
  });

  it(`gives the Metadata limit the form checks, ${limits.metadataEntries} entries`, () => {
    // The bullets on Postmark metadata that give a number: the first one is how many entries.
    const counted = [...guide.matchAll(/^- \*\*Postmark metadata\*\*[^\n]*(?:\n {2}[^\n]*)*/gm)]
      .map(([bullet]) => flatten(bullet))
      .filter((bullet) => /\d/.test(bullet));

    expect(counted.length).toBeGreaterThan(0);
    expect(counted.map((bullet) => /\d+/.exec(bullet)?.[0])).toEqual(
      counted.map(() => String(limits.metadataEntries))
    );
  });

  it.each(topicWords(language))("covers the topic $topic of Logto's guide", ({ words }) => {
    expect(words.length).toBeGreaterThan(0);
    expect(words.filter((word) => !flatGuide.includes(flatten(word)))).toEqual([]);
  });
});

describe("the form's Metadata tooltip", () => {
  it(`gives the limit the form checks, ${limits.metadataEntries} entries`, () => {
    const { tooltip = '' } = defaultMetadata.formItems?.find(({ key }) => key === 'metadata') ?? {};

    expect([...tooltip.matchAll(/(\d+) entries/gi)].map(([, count]) => count)).toEqual([
      String(limits.metadataEntries),
    ]);
  });
});
