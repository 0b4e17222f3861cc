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
type Call = { config: PostmarkConfig; deadlineAt?: number };

const storedTemplateGuard = z.object({
  Subject: z.string().nullish(),
  HtmlBody: z.string().nullish(),
  TextBody: z.string().nullish(),
  TemplateType: z.string().nullish(),
  LayoutTemplate: z.string().nullish(),
});

export type StoredTemplate = z.infer<typeof storedTemplateGuard>;

const streamGuard = z.object({ MessageStreamType: z.string(), ArchivedAt: z.string().nullish() });

const notFound = { template: 1101, stream: 1226 }; // Postmark's error codes

const isMissing = (answer: PostmarkAnswer | undefined, notFoundCode: number) =>
  answer?.ok === false &&
  answer.kind === 'http' &&
  (answer.status === 404 || parsePostmarkError(answer.body)?.ErrorCode === notFoundCode);

/** A failed look-up, other than of a template Postmark lacks. */
const isFailure = (answer?: PostmarkAnswer): answer is Failure =>
  answer?.ok === false && !isMissing(answer, notFound.template);

export const preflightError = (
  description: string,
  details: Record<string, unknown>,
  code = ConnectorErrorCodes.General,
  advice?: Advice
) => connectorError(code, `${description} Nothing was sent.`, details, advice);

/** A failed look-up in a send's words, except Postmark's refusal of the look-up itself. */
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

const lookUp = async (path: string, name: string, { config, deadlineAt }: Call) =>
  callPostmark({
    method: 'GET',
    path: `${path}/${encodeURIComponent(name)}`,
    token: config.serverToken,
    deadlineAt,
    maxAnswerBytes: maxTemplateAnswerBytes,
  });

export const checkMessageStream = async (call: Call) => {
  const stream = call.config.messageStream ?? 'outbound';
  const what = `the message stream "${clip(stream)}"`;
  const answer = await lookUp(messageStreamPath, stream, call);

  if (isMissing(answer, notFound.stream)) {
    throw preflightError(
      `Postmark has no message stream "${clip(stream)}": create it as a Transactional stream (your server → Message Streams), or fix "Message stream". Empty means "outbound".`,
      { messageStream: stream }
    );
  }

  if (!answer.ok) {
    throw lookUpFailed(answer, what, call.config);
  }

  const found = parseJson(streamGuard, answer.body);

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
 * Each key's template (`undefined` if unreadable; absent if Postmark has none), a few at a time.
 * Throws the first failure in the keys' order; after one, no look-up starts (a bad token fails all).
 */
export const lookUpTemplates = async (keys: string[], what: 'template' | 'layout', call: Call) => {
  const answers = new Map<string, PostmarkAnswer>();
  const pending = keys.values();
  const worker = async () => {
    for (const key of pending) {
      // eslint-disable-next-line no-await-in-loop
      const answer = await lookUp(templatePath, key, call);
      answers.set(key, answer);

      if (isFailure(answer)) {
        Array.from(pending); // Takes the keys left, so no worker starts another look-up.
      }
    }
  };

  const workers = Math.min(limits.templateLookups, keys.length);
  await Promise.all(Array.from({ length: workers }, async () => worker()));

  return new Map(
    keys.flatMap((key) => {
      const answer = answers.get(key);

      if (isFailure(answer)) {
        throw lookUpFailed(answer, `the ${what} "${clip(key)}"`, call.config);
      }

      const template = answer?.ok ? parseJson(storedTemplateGuard, answer.body) : undefined;
      return isMissing(answer, notFound.template) ? [] : [[key, template] as const];
    })
  );
};
