/** The Console test's look-ups on Postmark: the message stream and the templates, and their answers read. */
import { z } from 'zod';

import { ConnectorErrorCodes, TemplateType } from '@logto/connector-kit';

import { limits, maxTemplateAnswerBytes, messageStreamPath, templatePath } from '../constant.js';
import { clip, connectorError } from '../errors/connector-error.js';
import { describeFailure, parsePostmarkError, postmarkSaid } from '../postmark/answers.js';
import { type PostmarkAnswer, callPostmark } from '../postmark/client.js';
import { parseJson } from '../postmark/json.js';
import type { PostmarkConfig } from '../types.js';

type Failure = Extract<PostmarkAnswer, { ok: false }>;

const storedTemplateGuard = z.object({
  Subject: z.string().nullish(),
  HtmlBody: z.string().nullish(),
  TextBody: z.string().nullish(),
  TemplateType: z.string().nullish(),
  LayoutTemplate: z.string().nullish(),
});

export type StoredTemplate = z.infer<typeof storedTemplateGuard>;

const messageStreamGuard = z.object({
  MessageStreamType: z.string(),
  ArchivedAt: z.string().nullish(),
});

export const isMissing = (answer: PostmarkAnswer, notFoundCode: number) =>
  !answer.ok &&
  answer.kind === 'http' &&
  (answer.status === 404 || parsePostmarkError(answer.body)?.ErrorCode === notFoundCode);

export const templateNotFound = 1101;
const streamNotFound = 1226;

export const nothingSent = 'Nothing was sent.';

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

export const contentProblem = (description: string, details: Record<string, unknown>) =>
  connectorError(ConnectorErrorCodes.General, `${description} ${nothingSent}`, details, 'site');

export type Call = { deadlineAt?: number };

const lookUp = async (path: string, config: PostmarkConfig, { deadlineAt }: Call) =>
  callPostmark({
    method: 'GET',
    path,
    token: config.serverToken,
    deadlineAt,
    maxAnswerBytes: maxTemplateAnswerBytes,
  });

export const checkMessageStream = async (config: PostmarkConfig, call: Call) => {
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
export const lookUpTemplates = async (keys: string[], config: PostmarkConfig, call: Call) => {
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

export const throwFirstFailure = (
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
export const readAnswers = (keys: string[], answers: Map<string, PostmarkAnswer>) =>
  new Map(
    keys.map((key) => {
      const answer = answers.get(key);
      return [key, answer?.ok ? parseJson(storedTemplateGuard, answer.body) : undefined];
    })
  );
