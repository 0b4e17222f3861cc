import { type GetI18nEmailTemplate, TemplateType } from '@logto/connector-kit';

import { clip } from './errors/connector-error.js';
import { lookupLocale } from './language.js';
import type { TemplateConfig } from './types.js';

/**
 * The usage type's entry in the user's language, else without a locale; only then Generic's: a code
 * in the wrong template is worse than one in the wrong language.
 */
export const chooseTemplate = (
  templates: TemplateConfig[],
  usageType: string,
  languages: readonly string[]
): TemplateConfig | undefined => {
  const entryFor = (type: string) => {
    const entries = templates.filter((entry) => entry.usageType === type);
    return (
      lookupLocale(entries, ({ locale }) => locale, languages) ??
      entries.find(({ locale }) => !locale)
    );
  };

  return entryFor(usageType) ?? entryFor(TemplateType.Generic);
};

// An entry names its Postmark template by alias or by ID; only these three look.
/** For request paths and look-ups: the alias, or the ID as text. */
export const templateKey = (entry: TemplateConfig) =>
  entry.templateId === undefined ? entry.templateAlias : String(entry.templateId);

export const templateReference = ({ templateId, templateAlias }: TemplateConfig) =>
  templateId === undefined ? { TemplateAlias: templateAlias } : { TemplateId: templateId };

/** For people: `alias "logto-sign-in"` or `ID 12345`, the alias clipped to `length` if given. */
export const describeTemplate = (entry: TemplateConfig, length = Number.POSITIVE_INFINITY) =>
  entry.templateId === undefined
    ? `alias "${clip(entry.templateAlias, length)}"`
    : `ID ${entry.templateId}`;

/** An entry as a sentence names it, its locale and alias clipped: `SignIn (de): alias "…"`. */
export const describeEntry = (entry: TemplateConfig) =>
  `${entry.usageType}${entry.locale ? ` (${clip(entry.locale, 12)})` : ''}: ${describeTemplate(entry, 24)}`;

/** Logto's custom template, if any; as in Logto's other email connectors, failing means none. */
export const findCustomTemplate = async (
  getI18nEmailTemplate: GetI18nEmailTemplate | undefined,
  type: TemplateType,
  locale?: string
) => {
  try {
    return await getI18nEmailTemplate?.(type, locale);
  } catch {}
};
