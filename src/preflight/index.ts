import { ConnectorErrorCodes, type GetI18nEmailTemplate } from '@logto/connector-kit';

import { maxTemplateAnswerBytes } from '../constant.js';
import { clip } from '../errors/connector-error.js';
import { describeEntry, findCustomTemplate, templateKey } from '../template.js';
import type { PostmarkConfig } from '../types.js';

import { checkMessageStream, lookUpTemplates, preflightError } from './lookups.js';
import { entryProblems } from './template-content.js';

/**
 * The Console test's preflight: the message stream, then every template Logto may send through
 * Postmark, with what each one shows. The test is the operator's chance to find a wrong alias, a
 * template without the code or a stream for bulk mail before a user does.
 */
export const checkTemplates = async (
  config: PostmarkConfig,
  {
    deadlineAt,
    getI18nEmailTemplate,
  }: { deadlineAt?: number; getI18nEmailTemplate?: GetI18nEmailTemplate } = {}
) => {
  // Alone and first: a rejected token ends the test after one request.
  await checkMessageStream(config, deadlineAt);

  // Logto serves a usage type from its own custom email template where it has one.
  const served = await Promise.all(
    config.templates.map(async ({ usageType, locale }) =>
      findCustomTemplate(getI18nEmailTemplate, usageType, locale)
    )
  );
  const entries = config.templates.filter((_, index) => !served[index]);
  const keys = [...new Set(entries.map((entry) => templateKey(entry)))];
  const found = await lookUpTemplates(keys, 'template', config, deadlineAt);
  const missing = entries.filter((entry) => found.missing.includes(templateKey(entry)));

  if (missing.length > 0) {
    const [first] = missing;
    const list = missing.map((entry) => describeEntry(entry)).join('; ');
    throw preflightError(
      first && missing.length === 1
        ? `Postmark has no template for ${describeEntry(first)}: create it there, or fix "Templates".`
        : `Postmark has none of ${missing.length} templates: create them there, or fix "Templates". They are ${list}.`,
      {
        missing: missing.map(({ usageType, locale, templateAlias, templateId }) => ({
          usageType,
          locale,
          templateAlias,
          templateId,
        })),
      },
      ConnectorErrorCodes.TemplateNotFound
    );
  }

  const unreadable = keys.filter((key) => !found.templates.get(key));

  if (unreadable.length > 0) {
    throw preflightError(
      `Check the template "${clip(unreadable[0] ?? '')}" in Postmark: its answer was not a template, or longer than ${maxTemplateAnswerBytes / 1024 / 1024} MB.`,
      { templates: unreadable }
    );
  }

  const layoutKeys = [...found.templates.values()].flatMap((template) =>
    template?.LayoutTemplate && template.TemplateType !== 'Layout' ? [template.LayoutTemplate] : []
  );
  const layouts = await lookUpTemplates([...new Set(layoutKeys)], 'layout', config, deadlineAt);
  const problems = entries.flatMap((entry) => {
    const template = found.templates.get(templateKey(entry));
    return template
      ? entryProblems(entry, template, layouts.templates, config.templateModel ?? {})
      : [];
  });

  if (problems.length > 0) {
    throw preflightError(problems.join(' '), { problems });
  }
};
