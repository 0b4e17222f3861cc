/**
 * The runtime stays small enough to read in a sitting: every file `src/index.ts` reaches, found by
 * TypeScript's own reading of its imports, counted line by line, comments and blank lines included.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import ts from 'typescript';
import { expect, it } from 'vitest';

const sourceFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

const maxFileLines = 300;
/** The goal is 2,600 lines; the ceiling is where the runtime stands, lowered as it shrinks. */
const maxRuntimeLines = 2750;

/** Each file's line count, keyed by its path under src/, from `index.ts` along relative imports. */
const runtimeFiles = () => {
  const lines = new Map<string, number>();
  const visit = (file: string) => {
    if (lines.has(file)) {
      return;
    }

    const text = readFileSync(path.join(sourceFolder, file), 'utf8');
    lines.set(file, text.trimEnd().split('\n').length);

    for (const { fileName } of ts.preProcessFile(text).importedFiles) {
      if (fileName.startsWith('.')) {
        visit(path.join(path.dirname(file), fileName.replace(/\.js$/, '.ts')));
      }
    }
  };

  visit('index.ts');
  return lines;
};

it('reaches every runtime folder from src/index.ts', () => {
  const files = [...runtimeFiles().keys()];

  for (const folder of ['config', 'email-body', 'errors', 'postmark', 'preflight']) {
    expect(files.some((file) => file.startsWith(`${folder}/`))).toBe(true);
  }
});

it(`keeps each runtime file within ${maxFileLines} lines`, () => {
  const long = [...runtimeFiles()].filter(([, lines]) => lines > maxFileLines);
  expect(long).toEqual([]);
});

it(`keeps the runtime within ${maxRuntimeLines} lines`, () => {
  const total = [...runtimeFiles().values()].reduce((sum, lines) => sum + lines, 0);
  expect(total).toBeLessThanOrEqual(maxRuntimeLines);
});
