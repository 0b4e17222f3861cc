import { TemplateType } from '@logto/connector-kit';

import type { TemplateConfig } from './types.js';

type LocaleHints = { locale?: unknown; uiLocales?: unknown };

/** `payload.locale` first, then each `ui_locales` tag in the user's order, each once. */
export const candidateLocales = ({ locale, uiLocales }: LocaleHints): string[] => {
  const tags = [
    typeof locale === 'string' ? locale : '',
    ...(typeof uiLocales === 'string' ? uiLocales.split(/\s+/) : []),
  ].filter(Boolean);

  return [...new Set(tags.map((tag) => tag.toLowerCase()))];
};

const languageOf = (tag: string) => tag.split('-')[0];

const localizedEntry = (entries: TemplateConfig[], candidates: string[]) => {
  for (const candidate of candidates) {
    const language = languageOf(candidate);
    const match =
      entries.find(({ locale }) => locale?.toLowerCase() === candidate) ??
      entries.find(({ locale }) => locale?.toLowerCase() === language);

    if (match) {
      return match;
    }
  }
};

const entryFor = (templates: TemplateConfig[], usageType: string, candidates: string[]) => {
  const entries = templates.filter((entry) => entry.usageType === usageType);
  return localizedEntry(entries, candidates) ?? entries.find(({ locale }) => !locale);
};

/**
 * The template for a send: the usage type's entry in the user's language, else its entry without
 * a locale; only then the same for Generic. The usage type wins over the language, because a
 * sign-in code in the wrong template is worse than one in the wrong language.
 */
export const chooseTemplate = (
  templates: TemplateConfig[],
  usageType: string,
  hints: LocaleHints
): TemplateConfig | undefined => {
  const candidates = candidateLocales(hints);

  return (
    entryFor(templates, usageType, candidates) ??
    entryFor(templates, TemplateType.Generic, candidates)
  );
};

/** How an entry names its Postmark template, for request paths and messages. */
export const templateKey = ({ templateAlias, templateId }: TemplateConfig) =>
  templateId === undefined ? String(templateAlias) : String(templateId);

export const describeTemplate = (entry: TemplateConfig) =>
  entry.templateId === undefined ? `alias "${entry.templateAlias}"` : `ID ${entry.templateId}`;
