import { ConnectorErrorCodes, type GetI18nEmailTemplate } from '@logto/connector-kit';

import { maxTemplateAnswerBytes } from '../constant.js';
import { clip } from '../errors/connector-error.js';
import { describeEntry, findCustomTemplate, templateKey } from '../template.js';
import type { PostmarkConfig } from '../types.js';

import { checkMessageStream, lookUpTemplates, preflightError } from './lookups.js';
import { entryProblems } from './template-content.js';

/** The Console test finds a bulk-mail stream, a wrong alias or a template without the code first. */
export const checkTemplates = async (
  config: PostmarkConfig,
  options: { deadlineAt?: number; getI18nEmailTemplate?: GetI18nEmailTemplate } = {}
) => {
  const call = { config, deadlineAt: options.deadlineAt };
  // Alone and first: a rejected token ends the test after one request.
  await checkMessageStream(call);

  // Logto serves a usage type from its own custom email template where it has one.
  const served = await Promise.all(
    config.templates.map(async ({ usageType, locale }) =>
      findCustomTemplate(options.getI18nEmailTemplate, usageType, locale)
    )
  );
  const entries = config.templates.filter((_, index) => !served[index]);
  const keys = [...new Set(entries.map((entry) => templateKey(entry)))];
  const templates = await lookUpTemplates(keys, 'template', call);
  const missing = entries.filter((entry) => !templates.has(templateKey(entry)));

  if (missing.length > 0) {
    const names = missing.map((entry) => describeEntry(entry)).join('; ');
    throw preflightError(
      missing.length === 1
        ? `Postmark has no template for ${names}: create it there, or fix "Templates".`
        : `Postmark has none of ${missing.length} templates: create them there, or fix "Templates". They are ${names}.`,
      // Parsed entries hold only these four fields.
      { missing },
      ConnectorErrorCodes.TemplateNotFound
    );
  }

  const unreadable = keys.filter((key) => !templates.get(key));

  if (unreadable.length > 0) {
    throw preflightError(
      `Check the template "${clip(unreadable[0] ?? '')}" in Postmark: its answer was not a template, or longer than ${maxTemplateAnswerBytes / 1024 / 1024} MB.`,
      { templates: unreadable }
    );
  }

  const layoutKeys = [...templates.values()].flatMap((template) =>
    template?.LayoutTemplate && template.TemplateType !== 'Layout' ? [template.LayoutTemplate] : []
  );
  const layouts = await lookUpTemplates([...new Set(layoutKeys)], 'layout', call);
  const problems = entries.flatMap((entry) => {
    const template = templates.get(templateKey(entry));
    return template ? entryProblems(entry, template, layouts, config.templateModel ?? {}) : [];
  });

  if (problems.length > 0) {
    throw preflightError(problems.join(' '), { problems });
  }
};
