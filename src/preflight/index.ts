import { ConnectorErrorCodes, type GetI18nEmailTemplate } from '@logto/connector-kit';

import { maxTemplateAnswerBytes } from '../constant.js';
import { clip, connectorError } from '../errors/connector-error.js';
import { describeEntry, findCustomTemplate, templateKey } from '../template.js';
import type { PostmarkConfig } from '../types.js';

import {
  type Call,
  checkMessageStream,
  contentProblem,
  isMissing,
  lookUpTemplates,
  nothingSent,
  readAnswers,
  templateNotFound,
  throwFirstFailure,
} from './lookups.js';
import { entryProblems } from './template-content.js';

/** Only entries whose usage type Logto does not serve from its own custom email templates. */
const entriesForPostmark = async (
  config: PostmarkConfig,
  getI18nEmailTemplate?: GetI18nEmailTemplate
) => {
  const served = await Promise.all(
    config.templates.map(async ({ usageType, locale }) =>
      Boolean(await findCustomTemplate(getI18nEmailTemplate, usageType, locale))
    )
  );

  return config.templates.filter((_, index) => !served[index]);
};

/**
 * The Console test's preflight: the message stream, then every template Logto may send through
 * Postmark, with what each one shows. The test is the operator's chance to find a wrong alias, a
 * template without the code or a stream for bulk mail before a user does.
 */
export const checkTemplates = async (
  config: PostmarkConfig,
  { deadlineAt, getI18nEmailTemplate }: Call & { getI18nEmailTemplate?: GetI18nEmailTemplate } = {}
) => {
  const call = { deadlineAt };
  // Alone and first: a rejected token ends the test after one request.
  await checkMessageStream(config, call);

  const entries = await entriesForPostmark(config, getI18nEmailTemplate);
  const keys = [...new Set(entries.map((entry) => templateKey(entry)))];
  const answers = await lookUpTemplates(keys, config, call);
  throwFirstFailure(keys, answers, config, (key) => `the template "${clip(key)}"`);

  const missing = entries.filter((entry) => {
    const answer = answers.get(templateKey(entry));
    return answer && isMissing(answer, templateNotFound);
  });

  if (missing.length > 0) {
    const [first] = missing;
    const list = missing.map((entry) => describeEntry(entry)).join('; ');
    throw connectorError(
      ConnectorErrorCodes.TemplateNotFound,
      `${
        first && missing.length === 1
          ? `Postmark has no template for ${describeEntry(first)}: create it there, or fix "Templates".`
          : `Postmark has none of ${missing.length} templates: create them there, or fix "Templates". They are ${list}.`
      } ${nothingSent}`,
      {
        missing: missing.map(({ usageType, locale, templateAlias, templateId }) => ({
          usageType,
          locale,
          templateAlias,
          templateId,
        })),
      }
    );
  }

  const stored = readAnswers(keys, answers);
  const unreadable = keys.filter((key) => !stored.get(key));

  if (unreadable.length > 0) {
    throw contentProblem(
      `Check the template "${clip(unreadable[0] ?? '')}" in Postmark: its answer was not a template, or longer than ${maxTemplateAnswerBytes / 1024 / 1024} MB.`,
      { templates: unreadable }
    );
  }

  const layoutKeys = [
    ...new Set(
      [...stored.values()].flatMap((template) =>
        template?.LayoutTemplate && template.TemplateType !== 'Layout'
          ? [template.LayoutTemplate]
          : []
      )
    ),
  ];
  const layoutAnswers = await lookUpTemplates(layoutKeys, config, call);
  throwFirstFailure(layoutKeys, layoutAnswers, config, (key) => `the layout "${clip(key)}"`);
  const layouts = readAnswers(layoutKeys, layoutAnswers);

  const fixed = config.templateModel ?? {};
  const problems = entries.flatMap((entry) => {
    const template = stored.get(templateKey(entry));

    if (!template) {
      return [];
    }

    const layoutKey = template.LayoutTemplate;
    const layout = layoutKey ? layouts.get(layoutKey) : undefined;

    if (layoutKey && template.TemplateType !== 'Layout' && !layout) {
      return [
        `${describeEntry(entry)} uses the layout "${clip(layoutKey, 24)}", which Postmark lacks: create it, or choose another.`,
      ];
    }

    return entryProblems(entry, template, layout, fixed);
  });

  if (problems.length > 0) {
    throw contentProblem(problems.join(' '), { problems });
  }
};
