import { z } from 'zod';

import { ConnectorErrorCodes, type GetI18nEmailTemplate, TemplateType } from '@logto/connector-kit';

import { limits, maxTemplateAnswerBytes, messageStreamPath, templatePath } from '../constant.js';
import { clip, connectorError, sentence } from '../errors/connector-error.js';
import { describeFailure, parsePostmarkError, postmarkSaid } from '../postmark/answers.js';
import { type PostmarkAnswer, callPostmark } from '../postmark/client.js';
import { parseJson } from '../postmark/json.js';
import { describeEntry, findCustomTemplate, templateKey } from '../template.js';
import type { PostmarkConfig, TemplateConfig } from '../types.js';

import { essentialOf, isFilled } from './logto-payload.js';
import { readTemplate } from './mustachio.js';

type Failure = Extract<PostmarkAnswer, { ok: false }>;

const storedTemplateGuard = z.object({
  Subject: z.string().nullish(),
  HtmlBody: z.string().nullish(),
  TextBody: z.string().nullish(),
  TemplateType: z.string().nullish(),
  LayoutTemplate: z.string().nullish(),
});

type StoredTemplate = z.infer<typeof storedTemplateGuard>;

const messageStreamGuard = z.object({
  MessageStreamType: z.string(),
  ArchivedAt: z.string().nullish(),
});

const isMissing = (answer: PostmarkAnswer, notFoundCode: number) =>
  !answer.ok &&
  answer.kind === 'http' &&
  (answer.status === 404 || parsePostmarkError(answer.body)?.ErrorCode === notFoundCode);

const templateNotFound = 1101;
const streamNotFound = 1226;

const nothingSent = 'Nothing was sent.';

/**
 * A failed look-up: what to fix first, as for a send (a rejected token, a proxy's page, the
 * network), then which look-up it was. Postmark's own refusal of a look-up says nothing about an
 * email, so it gets words of its own.
 */
const lookUpFailed = (failure: Failure, what: string, config: PostmarkConfig) => {
  const postmark = failure.kind === 'http' ? parsePostmarkError(failure.body) : undefined;
  const verdict = describeFailure(failure, {
    from: config.fromEmail,
    to: '',
    usageType: TemplateType.Generic,
  });
  const isLookUpRefusal =
    failure.kind === 'http' &&
    postmark !== undefined &&
    failure.status !== 401 &&
    failure.status !== 429 &&
    postmark.ErrorCode !== 10;
  const description = isLookUpRefusal
    ? `Postmark refused to look up ${what}: fix what its answer names. ${postmarkSaid(failure.status, failure.attempts, postmark)}`
    : `${verdict.description} This came while looking up ${what}.`;

  return connectorError(
    verdict.code,
    `${description} ${nothingSent}`,
    verdict.details,
    verdict.advice
  );
};

const contentProblem = (description: string, details: Record<string, unknown>) =>
  connectorError(ConnectorErrorCodes.General, `${description} ${nothingSent}`, details, 'site');

type Call = { deadlineAt?: number };

const lookUp = async (path: string, config: PostmarkConfig, { deadlineAt }: Call) =>
  callPostmark({
    method: 'GET',
    path,
    token: config.serverToken,
    deadlineAt,
    maxAnswerBytes: maxTemplateAnswerBytes,
  });

const checkMessageStream = async (config: PostmarkConfig, call: Call) => {
  const stream = config.messageStream ?? 'outbound';
  const what = `the message stream "${clip(stream)}"`;
  const answer = await lookUp(`${messageStreamPath}/${encodeURIComponent(stream)}`, config, call);

  if (isMissing(answer, streamNotFound)) {
    throw contentProblem(
      `Postmark has no message stream "${clip(stream)}": create it as a Transactional stream (your server → Message Streams), or fix "Message stream". Empty means "outbound".`,
      { messageStream: stream }
    );
  }

  if (!answer.ok) {
    throw lookUpFailed(answer, what, config);
  }

  const found = parseJson(messageStreamGuard, answer.body);

  if (!found) {
    throw contentProblem(
      `Send the test again: Postmark's answer about ${what} could not be read. If this repeats, check what sits between this server and Postmark.`,
      { messageStream: stream }
    );
  }

  if (found.MessageStreamType !== 'Transactional' || found.ArchivedAt) {
    const type = found.MessageStreamType;
    const kind = found.ArchivedAt
      ? 'an archived'
      : `${/^[aeiou]/i.test(type) ? 'an' : 'a'} ${type}`;
    throw contentProblem(
      `The message stream "${clip(stream, 24)}" is ${clip(kind)} stream: name an active Transactional one in "Message stream", or leave it empty for "outbound". Verification codes and invitations belong there; Broadcasts streams are for bulk mail and add unsubscribe handling.`,
      { messageStream: stream, messageStreamType: found.MessageStreamType }
    );
  }
};

/**
 * Looks up each key once, a few at a time, and starts no new look-up after one fails for a reason
 * other than a missing template: with a rejected token, every further request would fail the same way.
 */
const lookUpTemplates = async (keys: string[], config: PostmarkConfig, call: Call) => {
  const answers = new Map<string, PostmarkAnswer>();
  const pending = keys.values();
  // eslint-disable-next-line @silverhand/fp/no-let
  let stopped = false;

  const worker = async () => {
    for (const key of pending) {
      if (stopped) {
        return;
      }

      // eslint-disable-next-line no-await-in-loop
      const answer = await lookUp(`${templatePath}/${encodeURIComponent(key)}`, config, call);
      answers.set(key, answer);
      // eslint-disable-next-line @silverhand/fp/no-mutation
      stopped ||= !answer.ok && !isMissing(answer, templateNotFound);
    }
  };

  await Promise.all(
    Array.from({ length: Math.min(limits.templateLookups, keys.length) }, async () => worker())
  );

  return answers;
};

const firstFailure = (keys: string[], answers: Map<string, PostmarkAnswer>) => {
  for (const key of keys) {
    const answer = answers.get(key);

    if (answer && !answer.ok && !isMissing(answer, templateNotFound)) {
      return { key, failure: answer };
    }
  }
};

const throwFirstFailure = (
  keys: string[],
  answers: Map<string, PostmarkAnswer>,
  config: PostmarkConfig,
  describe: (key: string) => string
) => {
  const found = firstFailure(keys, answers);

  if (found) {
    throw lookUpFailed(found.failure, describe(found.key), config);
  }
};

/** Each key's template as Postmark answered it; `undefined` where the answer is not one. */
const readAnswers = (keys: string[], answers: Map<string, PostmarkAnswer>) =>
  new Map(
    keys.map((key) => {
      const answer = answers.get(key);
      return [key, answer?.ok ? parseJson(storedTemplateGuard, answer.body) : undefined];
    })
  );

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

/** A template's parts as an operator finds them in Postmark's editor. */
const parts = [
  ['subject', 'Subject'],
  ['HTML body', 'HtmlBody'],
  ['text body', 'TextBody'],
] as const;

type Reading = { used: string[]; shown: string[]; problems: string[] };

/** What the template's parts use and show, and why a part cannot be read, naming it: `its subject …`. */
const readStored = (template: StoredTemplate, owner: string): Reading => {
  const readings = parts.flatMap(([label, field]) => {
    const text = template[field];
    return typeof text === 'string' ? [{ label, ...readTemplate(text) }] : [];
  });
  return {
    used: readings.flatMap(({ used }) => used),
    shown: readings.flatMap(({ shown }) => shown),
    problems: readings.flatMap(({ label, problem }) =>
      problem ? [`${owner} ${label} ${problem}`] : []
    ),
  };
};

const entryProblems = (
  entry: TemplateConfig,
  template: StoredTemplate,
  layout: StoredTemplate | undefined,
  fixed: Record<string, unknown>
): string[] => {
  const name = describeEntry(entry);

  if (template.TemplateType === 'Layout') {
    return [
      `${name} is a Layout, which Postmark cannot send: give a Standard template that uses it.`,
    ];
  }

  const readings = [
    readStored(template, 'its'),
    ...(layout ? [readStored(layout, "its layout's")] : []),
  ];
  const unreadable = readings.flatMap(({ problems }) => problems);

  if (unreadable.length > 0) {
    return [
      `${name} cannot be checked: simplify it in Postmark. ${sentence(unreadable.join(', and ').replace('its', 'Its'))}`,
    ];
  }

  const essential = essentialOf(entry.usageType);
  const shown = readings.some((reading) => reading.shown.includes(essential));
  const unfilled = [
    ...new Set(
      readings.flatMap(({ used }) => used.filter((path) => !isFilled(path, entry.usageType, fixed)))
    ),
  ];

  const [only] = unfilled;
  const named = `${unfilled
    .slice(0, 10)
    .map((path) => `{{${path}}}`)
    .join(', ')}${unfilled.length > 10 ? ` and ${unfilled.length - 10} more` : ''}`;

  return [
    ...(shown
      ? []
      : [
          `Put {{${essential}}} in the subject or body of ${name}, or users get no ${essential}. Logto fills "${essential}", under no other name.`,
        ]),
    ...(unfilled.length > 0
      ? [
          `${
            only !== undefined && unfilled.length === 1
              ? `Add {{${clip(only, 24)}}} to "Fixed template values", or remove it from ${name}.`
              : `Add ${unfilled.length} variables to "Fixed template values", or remove them from ${name}.`
          } It uses ${named}, which Logto does not send for ${entry.usageType}.`,
        ]
      : []),
  ];
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
