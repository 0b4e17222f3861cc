/** The Console test's look-ups on Postmark, of the message stream and of templates, read. */
import { z } from 'zod';

import { ConnectorErrorCodes, TemplateType } from '@logto/connector-kit';

import { limits, maxTemplateAnswerBytes, messageStreamPath, templatePath } from '../constant.js';
import { type Advice, clip, connectorError } from '../errors/connector-error.js';
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

const templateNotFound = 1101;
const streamNotFound = 1226;

const isMissing = (answer: PostmarkAnswer | undefined, notFoundCode: number) =>
  answer?.ok === false &&
  answer.kind === 'http' &&
  (answer.status === 404 || parsePostmarkError(answer.body)?.ErrorCode === notFoundCode);

/** A failed look-up, other than of a template Postmark lacks. */
const isFailure = (answer?: PostmarkAnswer): answer is Failure =>
  answer?.ok === false && !isMissing(answer, templateNotFound);

export const preflightError = (
  description: string,
  details: Record<string, unknown>,
  code = ConnectorErrorCodes.General,
  advice?: Advice
) => connectorError(code, `${description} Nothing was sent.`, details, advice);

/**
 * A failed look-up: what to fix first, as for a send (a rejected token, a proxy's page, the
 * network), then which look-up it was. Postmark's own refusal of a look-up says nothing about an
 * email, so it gets words of its own.
 */
const lookUpFailed = (failure: Failure, what: string, config: PostmarkConfig) => {
  const context = { from: config.fromEmail, to: '', usageType: TemplateType.Generic };
  const { code, description, details, advice } = describeFailure(failure, context);
  const postmark = failure.kind === 'http' ? parsePostmarkError(failure.body) : undefined;
  const words =
    failure.kind === 'http' &&
    postmark &&
    ![401, 429].includes(failure.status) &&
    postmark.ErrorCode !== 10
      ? `Postmark refused to look up ${what}: fix what its answer names. ${postmarkSaid(failure.status, failure.attempts, postmark)}`
      : `${description} This came while looking up ${what}.`;
  return preflightError(words, details, code, advice);
};

const lookUp = async (path: string, name: string, config: PostmarkConfig, deadlineAt?: number) =>
  callPostmark({
    method: 'GET',
    path: `${path}/${encodeURIComponent(name)}`,
    token: config.serverToken,
    deadlineAt,
    maxAnswerBytes: maxTemplateAnswerBytes,
  });

export const checkMessageStream = async (config: PostmarkConfig, deadlineAt?: number) => {
  const stream = config.messageStream ?? 'outbound';
  const what = `the message stream "${clip(stream)}"`;
  const answer = await lookUp(messageStreamPath, stream, config, deadlineAt);

  if (isMissing(answer, streamNotFound)) {
    throw preflightError(
      `Postmark has no message stream "${clip(stream)}": create it as a Transactional stream (your server → Message Streams), or fix "Message stream". Empty means "outbound".`,
      { messageStream: stream }
    );
  }

  if (!answer.ok) {
    throw lookUpFailed(answer, what, config);
  }

  const found = parseJson(messageStreamGuard, answer.body);

  if (!found) {
    throw preflightError(
      `Send the test again: Postmark's answer about ${what} could not be read. If this repeats, check what sits between this server and Postmark.`,
      { messageStream: stream }
    );
  }

  if (found.MessageStreamType !== 'Transactional' || found.ArchivedAt) {
    const type = found.MessageStreamType;
    const article = /^[aeiou]/i.test(type) ? 'an' : 'a';
    const kind = found.ArchivedAt ? 'an archived' : `${article} ${type}`;
    throw preflightError(
      `The message stream "${clip(stream, 24)}" is ${clip(kind)} stream: name an active Transactional one in "Message stream", or leave it empty for "outbound". Verification codes and invitations belong there; Broadcasts streams are for bulk mail and add unsubscribe handling.`,
      { messageStream: stream, messageStreamType: type }
    );
  }
};

/**
 * Looks up each key once, a few at a time, and throws the first failure in the keys' order. After
 * one, no new look-up starts: with a rejected token, every further one would fail the same way.
 */
export const lookUpTemplates = async (
  keys: string[],
  what: 'template' | 'layout',
  config: PostmarkConfig,
  deadlineAt?: number
) => {
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
      const answer = await lookUp(templatePath, key, config, deadlineAt);
      answers.set(key, answer);
      // eslint-disable-next-line @silverhand/fp/no-mutation
      stopped ||= isFailure(answer);
    }
  };

  await Promise.all(
    Array.from({ length: Math.min(limits.templateLookups, keys.length) }, async () => worker())
  );

  for (const key of keys) {
    const answer = answers.get(key);

    if (isFailure(answer)) {
      throw lookUpFailed(answer, `the ${what} "${clip(key)}"`, config);
    }
  }

  const read = (answer?: PostmarkAnswer) =>
    answer?.ok ? parseJson(storedTemplateGuard, answer.body) : undefined;
  return {
    /** The keys Postmark has no template for. */
    missing: keys.filter((key) => isMissing(answers.get(key), templateNotFound)),
    /** Each key's template; `undefined` where the answer is none. */
    templates: new Map(keys.map((key) => [key, read(answers.get(key))])),
  };
};
