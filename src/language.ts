import { limits } from './constant.js';

type LocaleHints = { locale?: unknown; uiLocales?: unknown };

/** Why the language hints are refused, if they are: no request may make choosing a language slow. */
export const localeHintsProblem = ({ locale, uiLocales }: LocaleHints) => {
  if (typeof locale === 'string' && locale.length > limits.languageTag) {
    return `The language (locale) is ${locale.length} characters long; at most ${limits.languageTag} are accepted.`;
  }

  // More tags than the lookup reads are not refused: it uses the first ones, the most wanted.
  if (typeof uiLocales === 'string' && uiLocales.length > limits.uiLocales) {
    return `The requested languages (ui_locales) are ${uiLocales.length} characters long; at most ${limits.uiLocales} are accepted.`;
  }
};

/**
 * The languages a send asks for, most wanted first: `payload.locale` (Logto's), then `ui_locales`
 * in order, each once whatever its case. Every choice of language in a send starts here.
 */
export const requestedLanguages = ({ locale, uiLocales }: LocaleHints): string[] => {
  const requested =
    typeof uiLocales === 'string'
      ? uiLocales.slice(0, limits.uiLocales).trim().split(/\s+/).slice(0, limits.uiLocaleTags)
      : [];
  const tags = [typeof locale === 'string' ? locale : '', ...requested].filter(
    (tag) => tag && tag.length <= limits.languageTag
  );
  const keys = tags.map((tag) => tag.toLowerCase());

  return tags.filter((tag, index) => keys.indexOf(tag.toLowerCase()) === index);
};

// Likely subtags come from the runtime's CLDR; a tag it cannot expand still matches by truncation.
const maximize = (locale: Intl.Locale) => {
  try {
    return locale.maximize();
  } catch {
    return locale;
  }
};

const readTag = (value: string) => {
  if (value.length > limits.languageTag) {
    return;
  }

  try {
    const locale = new Intl.Locale(value);
    const likely = maximize(locale);

    return {
      // Canonical, so that case does not matter: `zh-Hant-TW`.
      tag: locale.toString(),
      hasRegion: locale.region !== undefined,
      // Language and script with likely subtags added: `zh-Hant` for `zh-TW`.
      writing: likely.script && `${likely.language}-${likely.script}`,
      likelyRegion: likely.region,
    };
  } catch {
    // Not a language tag: it matches nothing.
  }
};

type Tag = NonNullable<ReturnType<typeof readTag>>;

// Reading a tag costs several microseconds, and every send reads the same few entry and user tags.
// The cache is emptied when full, so that requests with ever new tags cannot grow it.
const readTags = new Map<string, Tag | undefined>();

const readTagOnce = (value: string) => {
  if (!readTags.has(value)) {
    if (readTags.size >= 1000) {
      readTags.clear();
    }

    readTags.set(value, readTag(value));
  }

  return readTags.get(value);
};

/** Whether the lookup can read `value`: a language tag of at most 64 characters. */
export const isLanguageTag = (value: string) => readTagOnce(value) !== undefined;

// How well an offered tag serves a wanted one, lower is better. The same writing counts more than
// the region: `zh-HK` takes `zh-Hant` or `zh-TW`, never `zh-CN`; `pt-PT` takes `pt` before `pt-BR`.
const matchRank = (wanted: Tag, offered: Tag) => {
  if (offered.tag === wanted.tag) {
    return 0;
  }

  if (wanted.writing && offered.writing === wanted.writing) {
    return offered.likelyRegion === wanted.likelyRegion ? 1 : offered.hasRegion ? 3 : 2;
  }

  return wanted.tag.startsWith(`${offered.tag}-`)
    ? 3 + wanted.tag.split('-').length - offered.tag.split('-').length
    : Number.POSITIVE_INFINITY;
};

/** RFC 4647 lookup with likely subtags: each wanted tag in turn, the first item serving it best. */
export const lookupLocale = <T>(
  items: readonly T[],
  localeOf: (item: T) => string | undefined,
  wantedTags: readonly string[]
): T | undefined => {
  const offers = items.flatMap((item) => {
    const tag = readTagOnce(localeOf(item) ?? '');
    return tag ? [{ item, tag }] : [];
  });

  for (const wanted of wantedTags.flatMap((tag) => readTagOnce(tag) ?? [])) {
    const ranks = offers.map((offer) => matchRank(wanted, offer.tag));
    const best = Math.min(...ranks);

    if (best < Number.POSITIVE_INFINITY) {
      return offers[ranks.indexOf(best)]?.item;
    }
  }
};
