import { ConnectorErrorCodes, TemplateType } from '@logto/connector-kit';

import { limits, templatePath } from './constant.js';
import { connectorError, describeFailure, parsePostmarkError } from './errors.js';
import { type PostmarkAnswer, callPostmark } from './postmark.js';
import { describeTemplate, templateKey } from './template.js';
import type { PostmarkConfig, TemplateConfig } from './types.js';

const isMissing = (answer: PostmarkAnswer) =>
  !answer.ok &&
  answer.kind === 'http' &&
  (answer.status === 404 || parsePostmarkError(answer.body)?.ErrorCode === 1101);

const describeEntry = (entry: TemplateConfig) =>
  `${entry.usageType}${entry.locale ? ` (${entry.locale})` : ''}: ${describeTemplate(entry)}`;

/** `map` for async work, at most `limit` items at a time, results in input order. */
const mapLimited = async <T, R>(items: T[], limit: number, work: (item: T) => Promise<R>) => {
  const results: R[] = [];
  const pending = items.entries();
  const worker = async () => {
    for (const [index, item] of pending) {
      // eslint-disable-next-line no-await-in-loop, @silverhand/fp/no-mutation
      results[index] = await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

const lookUp = async (key: string, token: string) =>
  [
    key,
    await callPostmark({
      method: 'get',
      path: `${templatePath}/${encodeURIComponent(key)}`,
      token,
    }),
  ] as const;

/**
 * Looks up every configured template on Postmark, a few at a time, and fails with one error that
 * lists each missing one. The Console's test is the operator's chance to find a wrong alias
 * before a user does.
 */
export const checkTemplates = async (config: PostmarkConfig) => {
  const keys = [...new Set(config.templates.map((entry) => templateKey(entry)))];
  const answers = new Map(
    await mapLimited(keys, limits.templateLookups, async (key) => lookUp(key, config.serverToken))
  );

  const missing = config.templates.filter((entry) => {
    const answer = answers.get(templateKey(entry));
    return answer && isMissing(answer);
  });

  if (missing.length > 0) {
    throw connectorError(
      ConnectorErrorCodes.TemplateNotFound,
      `Postmark has no template for ${missing.map((entry) => describeEntry(entry)).join('; ')}. Create ${missing.length > 1 ? 'them' : 'it'} in Postmark, or fix "Templates". Nothing was sent.`,
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

  const failed = [...answers.values()].find(
    (answer): answer is Extract<PostmarkAnswer, { ok: false }> => !answer.ok
  );

  if (failed) {
    const { code, description, details, advice } = describeFailure(failed, {
      from: config.fromEmail,
      to: '',
      usageType: TemplateType.Generic,
    });
    throw connectorError(
      code,
      `Could not check the templates on Postmark. ${description} Nothing was sent.`,
      details,
      advice
    );
  }
};
