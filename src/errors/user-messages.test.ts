import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { requestedLanguages } from '../language.js';

import { userMessage } from './readers.js';
import { userMessages } from './user-messages.js';

/** The languages of Logto's sign-in page (`@logto/phrases-experience`). */
const signInLanguages =
  'ar cs de en es fa-IR fr it ja ko pl-PL pt-BR pt-PT ru th tr-TR uk-UA zh-CN zh-HK zh-TW'.split(
    ' '
  );
const advices = ['retry', 'address', 'site'] as const;

// Characters written differently in Simplified and Traditional Chinese, at the same positions.
const simplifiedOnly = [...'发邮请联该无网暂试后检络团队时钟这传电务户库绍给确认'];
const traditionalOnly = [...'發郵請聯該無網暫試後檢絡團隊時鐘這傳電務戶庫紹給確認'];
const hasAny = (text: string, characters: string[]) =>
  characters.some((character) => text.includes(character));

describe("the user's sentences", () => {
  it('exist for exactly the languages of the sign-in page', () => {
    expect(Object.keys(userMessages).sort()).toEqual([...signInLanguages].sort());
  });

  it.each(signInLanguages)('%s has all three, each at most 120 characters', (language) => {
    const sentences = advices.map((advice) => userMessages[language]?.[advice] ?? '');

    expect(new Set(sentences).size).toBe(3);
    for (const sentence of sentences) {
      expect(sentence.trim()).toBe(sentence);
      expect(sentence.length).toBeGreaterThan(10);
      expect(sentence.length).toBeLessThanOrEqual(120);
    }
  });

  it('differ between languages', () => {
    const retries = signInLanguages.map((language) => userMessages[language]?.retry);
    expect(new Set(retries).size).toBe(signInLanguages.length);
  });

  it.each(['zh-HK', 'zh-TW'])('%s is written in Traditional characters', (language) => {
    for (const advice of advices) {
      const sentence = userMessages[language]?.[advice] ?? '';
      expect(hasAny(sentence, simplifiedOnly), sentence).toBe(false);
      expect(hasAny(sentence, traditionalOnly), sentence).toBe(true);
    }
  });

  it('zh-CN is written in Simplified characters', () => {
    for (const advice of advices) {
      const sentence = userMessages['zh-CN']?.[advice] ?? '';
      expect(hasAny(sentence, traditionalOnly), sentence).toBe(false);
      expect(hasAny(sentence, simplifiedOnly), sentence).toBe(true);
    }
  });

  it('speak to the user as the sign-in page does', () => {
    // German "du", French "vous", Spanish "tú", Turkish "siz", as in Logto's own phrases.
    expect(userMessages.de?.site).toContain('wende dich');
    expect(Object.values(userMessages.de ?? {}).join(' ')).not.toMatch(/\bSie\b/);
    expect(userMessages.fr?.retry).toContain('Veuillez');
    expect(userMessages.es?.retry).toContain('Inténtalo');
    expect(userMessages['tr-TR']?.retry).toContain('deneyin');
  });
});

describe('userMessage', () => {
  it.each([
    ['zh-Hant-TW', 'zh-TW'],
    ['zh-Hant', 'zh-TW'],
    ['zh-MO', 'zh-HK'],
    ['zh', 'zh-CN'],
    ['zh-SG', 'zh-CN'],
    ['zh-Hans-HK', 'zh-CN'],
    ['de-CH', 'de'],
    ['DE-at', 'de'],
    ['pt', 'pt-BR'],
    ['pt-AO', 'pt-PT'],
    ['es-MX', 'es'],
    ['fa', 'fa-IR'],
    ['fa-AF', 'fa-IR'],
    ['tr', 'tr-TR'],
    ['uk', 'uk-UA'],
    ['pl', 'pl-PL'],
    ['en-GB', 'en'],
    // No sentences in these: English.
    ['sr', 'en'],
    ['nl-NL', 'en'],
    ['de_DE', 'en'],
    ['', 'en'],
    [undefined, 'en'],
    ['x'.repeat(1024 * 1024), 'en'],
  ])('%s reads the %s sentences', (locale, language) => {
    for (const advice of advices) {
      expect(userMessage(advice, requestedLanguages({ locale }))).toBe(
        userMessages[language]?.[advice]
      );
    }
  });

  it('gives every sign-in language its own sentence', () => {
    for (const language of signInLanguages) {
      expect(userMessage('site', [language])).toBe(userMessages[language]?.site);
    }
  });
});

describe("the errors page's toasts", () => {
  const page = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const rows = page
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .filter(([, language]) => language && language in userMessages);

  it('end with the sentence the connector gives in that language', () => {
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const [, language = '', toast = ''] of rows) {
      expect(toast.endsWith(userMessage('site', [language])), toast).toBe(true);
    }
  });
});
