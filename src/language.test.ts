import { describe, expect, it } from 'vitest';

import { requestedLanguages, isLanguageTag, localeHintsProblem, lookupLocale } from './language.js';

const lookup = (offered: string[], ...wanted: string[]) =>
  lookupLocale(offered, (tag) => tag, wanted);

/** A well-formed tag of `length` characters: German, then private-use subtags. */
const tagOfLength = (length: number) => `de-x-${'abcdefgh-'.repeat(8).slice(0, length - 5)}`;

describe('isLanguageTag', () => {
  it.each(['de', 'pt-BR', 'zh-Hant-TW', 'en-US', 'es-419'])('accepts %s', (tag) => {
    expect(isLanguageTag(tag)).toBe(true);
  });

  it('accepts a tag of 64 characters, and not one of 65', () => {
    expect(Intl.getCanonicalLocales(tagOfLength(65))).toHaveLength(1);
    expect(isLanguageTag(tagOfLength(64))).toBe(true);
    expect(isLanguageTag(tagOfLength(65))).toBe(false);
  });

  it.each(['', 'english language', 'de_DE', '123', 'x', `de-${'a'.repeat(61)}`])(
    'rejects %j',
    (tag) => {
      expect(isLanguageTag(tag)).toBe(false);
    }
  );
});

describe('localeHintsProblem', () => {
  it('refuses a tag over 64 characters and ui_locales over 512 characters', () => {
    expect(localeHintsProblem({ locale: 'a'.repeat(65) })).toContain('65 characters');
    expect(localeHintsProblem({ uiLocales: 'x'.repeat(513) })).toBe(
      'The requested languages (ui_locales) are 513 characters long; at most 512 are accepted.'
    );
  });

  it('accepts 512 characters of ui_locales, and more tags than the lookup reads', () => {
    expect(localeHintsProblem({ uiLocales: 'x'.repeat(512) })).toBeUndefined();
    expect(localeHintsProblem({ uiLocales: 'de '.repeat(170) })).toBeUndefined();
    expect(localeHintsProblem({ locale: 'de' })).toBeUndefined();
  });

  it('accepts 64 characters and 16 tags, and hints that are not strings', () => {
    expect(
      localeHintsProblem({ locale: 'a'.repeat(64), uiLocales: 'de '.repeat(16) })
    ).toBeUndefined();
    expect(localeHintsProblem({ locale: 42, uiLocales: ['de'] })).toBeUndefined();
  });
});

describe('requestedLanguages', () => {
  it('puts locale first, then ui_locales in order, each once whatever its case, as written', () => {
    expect(requestedLanguages({ locale: 'de-CH', uiLocales: 'fr de-ch  en FR' })).toEqual([
      'de-CH',
      'fr',
      'en',
    ]);
  });

  it('reads only the first 512 characters of ui_locales, and tags of up to 64', () => {
    expect(requestedLanguages({ uiLocales: `${'x'.repeat(600)} de` })).toEqual([]);
    expect(requestedLanguages({ locale: tagOfLength(64), uiLocales: tagOfLength(65) })).toEqual([
      tagOfLength(64),
    ]);
  });

  it('reads all 16 tags of ui_locales however many spaces part them', () => {
    const tags = Array.from({ length: 16 }, (_, index) => `de-x-t${index}`);
    expect(requestedLanguages({ uiLocales: tags.join('  ') })).toEqual(tags);
    expect(requestedLanguages({ uiLocales: tags.join(' \t\n ') })).toEqual(tags);
    // Space before the first tag or after the last takes none of the 16 places.
    expect(requestedLanguages({ uiLocales: ` ${tags.join(' ')} ` })).toEqual(tags);
  });

  it('ignores a locale that is not a string', () => {
    expect(requestedLanguages({ locale: ['de'], uiLocales: 'fr' })).toEqual(['fr']);
  });

  it('has none when Logto sends none', () => {
    expect(requestedLanguages({})).toEqual([]);
  });

  it('keeps within the bounds when called without the request checks', () => {
    const tags = requestedLanguages({
      locale: 'x'.repeat(1024 * 1024),
      uiLocales: Array.from({ length: 100 }, (_, index) => `t${index}`).join(' '),
    });
    expect(tags).toHaveLength(16);
    expect(tags[0]).toBe('t0');
  });
});

describe('lookupLocale', () => {
  it.each([
    // The cases: Traditional and Simplified Chinese by script.
    [['zh-Hans', 'zh-Hant'], 'zh-TW', 'zh-Hant'],
    [['zh-Hans', 'zh-Hant'], 'zh-HK', 'zh-Hant'],
    [['zh-Hans', 'zh-Hant'], 'zh-Hant-TW', 'zh-Hant'],
    [['zh-Hant', 'zh-Hans'], 'zh-CN', 'zh-Hans'],
    [['zh-Hant', 'zh-Hans'], 'zh', 'zh-Hans'],
    // Exact, in any case, before anything else.
    [['zh-Hant', 'zh-TW'], 'ZH-tw', 'zh-TW'],
    [['de', 'de-CH'], 'de-ch', 'de-CH'],
    // The same writing and likely region before the same writing elsewhere.
    [['zh-HK', 'zh-Hant'], 'zh-TW', 'zh-Hant'],
    [['pt-PT', 'pt-BR'], 'pt', 'pt-BR'],
    // An entry without region before one for another region.
    [['pt-BR', 'pt'], 'pt-PT', 'pt'],
    [['de-AT', 'de'], 'de-CH', 'de'],
    [['sr', 'sr-Latn'], 'sr-Latn-RS', 'sr-Latn'],
    // Another region of the same writing before a truncation in another script.
    [['zh', 'zh-TW'], 'zh-HK', 'zh-TW'],
    // Truncation from the right, longest first, when the scripts differ.
    [['zh'], 'zh-TW', 'zh'],
    [['sr'], 'sr-Latn-RS', 'sr'],
    // Never another script.
    [['zh-CN'], 'zh-TW', undefined],
    [['zh-Hant'], 'zh', undefined],
    [['sr-Cyrl'], 'sr-Latn', undefined],
    // Never a more specific range, nor another language.
    [['de-CH'], 'fr', undefined],
    // What is not a language tag matches nothing.
    [['de'], 'de_DE', undefined],
    [['de'], `de-${'x'.repeat(70)}`, undefined],
    [['de'], '', undefined],
  ])('%j for %s → %s', (offered, wanted, expected) => {
    expect(lookup(offered, wanted)).toBe(expected);
  });

  it('serves the wanted tags in order', () => {
    expect(lookup(['fr', 'zh-Hant'], 'ko', 'zh-TW', 'fr')).toBe('zh-Hant');
    expect(lookup(['fr', 'zh-Hant'], 'ko', 'it')).toBeUndefined();
  });

  it('takes the first of equally good entries', () => {
    expect(lookup(['pt-PT', 'pt-AO'], 'pt-MZ')).toBe('pt-PT');
    expect(lookup(['pt-AO', 'pt-PT'], 'pt-MZ')).toBe('pt-AO');
  });

  it('answers the same after more distinct tags than it keeps read', () => {
    for (let index = 0; index < 1500; index++) {
      expect(lookup(['de'], `de-x-${index.toString(36)}`)).toBe('de');
    }
    expect(lookup(['zh-Hans', 'zh-Hant'], 'zh-TW')).toBe('zh-Hant');
  });

  it('prefers the longest entry the wanted tag starts with, when no writing is known', () => {
    expect(lookup(['qaa', 'qaa-CH'], 'qaa-CH-1996')).toBe('qaa-CH');
    expect(lookup(['qaa-CH', 'qaa'], 'qaa-CH-1996')).toBe('qaa-CH');
    expect(lookup(['qaa-CH'], 'qaa-DE')).toBeUndefined();
  });

  it('reads tags of up to 64 characters, on either side', () => {
    expect(lookup([tagOfLength(64)], tagOfLength(64))).toBe(tagOfLength(64));
    expect(lookup(['de'], tagOfLength(64))).toBe('de');
    expect(lookup([tagOfLength(64)], 'de')).toBe(tagOfLength(64));
    expect(lookup([tagOfLength(65)], tagOfLength(65))).toBeUndefined();
    expect(lookup(['de'], tagOfLength(65))).toBeUndefined();
    expect(lookup([tagOfLength(65)], 'de')).toBeUndefined();
  });

  it('skips entries that are not language tags', () => {
    expect(lookup(['', 'de_DE', 'de'], 'de-DE')).toBe('de');
  });
});

/**
 * Every language of Logto's sign-in page, against entries named by language alone, by language
 * and region, and by language and script. Regions that no entry names (pt-BR, zh-HK in the second
 * set) show where a user of that region lands.
 */
describe('the languages of Logto’s sign-in page', () => {
  const byLanguage = 'ar cs de en es fa fr it ja ko pl pt ru th tr uk zh'.split(' ');
  const byRegion = [
    'ar-SA cs-CZ de-DE en-US es-ES fa-IR fr-FR it-IT ja-JP',
    'ko-KR pl-PL pt-PT ru-RU th-TH tr-TR uk-UA zh-CN zh-TW',
  ]
    .join(' ')
    .split(' ');
  const byScript = [
    'ar-Arab cs-Latn de-Latn en-Latn es-Latn fa-Arab fr-Latn it-Latn ja-Jpan',
    'ko-Kore pl-Latn pt-Latn ru-Cyrl th-Thai tr-Latn uk-Cyrl zh-Hans zh-Hant',
  ]
    .join(' ')
    .split(' ');

  it.each([
    // Logto's tag, then the entry chosen from each set.
    ['ar', 'ar', 'ar-SA', 'ar-Arab'],
    ['cs', 'cs', 'cs-CZ', 'cs-Latn'],
    ['de', 'de', 'de-DE', 'de-Latn'],
    ['en', 'en', 'en-US', 'en-Latn'],
    ['es', 'es', 'es-ES', 'es-Latn'],
    ['fa-IR', 'fa', 'fa-IR', 'fa-Arab'],
    ['fr', 'fr', 'fr-FR', 'fr-Latn'],
    ['it', 'it', 'it-IT', 'it-Latn'],
    ['ja', 'ja', 'ja-JP', 'ja-Jpan'],
    ['ko', 'ko', 'ko-KR', 'ko-Kore'],
    ['pl-PL', 'pl', 'pl-PL', 'pl-Latn'],
    ['pt-BR', 'pt', 'pt-PT', 'pt-Latn'],
    ['pt-PT', 'pt', 'pt-PT', 'pt-Latn'],
    ['ru', 'ru', 'ru-RU', 'ru-Cyrl'],
    ['th', 'th', 'th-TH', 'th-Thai'],
    ['tr-TR', 'tr', 'tr-TR', 'tr-Latn'],
    ['uk-UA', 'uk', 'uk-UA', 'uk-Cyrl'],
    ['zh-CN', 'zh', 'zh-CN', 'zh-Hans'],
    // `zh` alone is Simplified: Traditional finds it only by truncation.
    ['zh-HK', 'zh', 'zh-TW', 'zh-Hant'],
    ['zh-TW', 'zh', 'zh-TW', 'zh-Hant'],
  ])('%s → %s, %s, %s', (logtoTag, language, region, script) => {
    expect([
      lookup(byLanguage, logtoTag),
      lookup(byRegion, logtoTag),
      lookup(byScript, logtoTag),
    ]).toEqual([language, region, script]);
  });
});
