import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';

import { lookupLocale } from '../language.js';
import { isPlainObject } from '../types.js';

import { type Advice, usageLimitExceeded } from './connector-error.js';
import { userMessages } from './user-messages.js';

const languages = Object.keys(userMessages);

/**
 * The user's sentence in their language, by the same lookup as templates: `zh-Hant-TW` finds
 * zh-TW, `de-CH` de, `zh` zh-CN and `pt` pt-BR (their likely subtags), while `pt-AO` finds pt-PT, the first
 * of the same script; English for the rest.
 */
export const userMessage = (advice: Advice, requested: readonly string[] = []) => {
  const language = lookupLocale(languages, (tag) => tag, requested) ?? 'en';
  return userMessages[language]?.[advice] ?? '';
};

/** Logto answers these with HTTP 429 and its own "try again later" phrase, in the user's language. */
const keptOnSignIn = new Set<ConnectorErrorCodes>([
  ConnectorErrorCodes.RateLimitExceeded,
  usageLimitExceeded,
]);

const isAdvice = (value: unknown): value is Advice =>
  value === 'retry' || value === 'address' || value === 'site';

export type Reader = {
  /** Only the Console's "Send" test passes a configuration; its reader is the operator. */
  isConsoleTest: boolean;
  /** The user's language, for the sentence the sign-in page shows. */
  languages?: readonly string[];
  /** The email Logto asked for, so that the audit log says which flow failed. */
  usageType?: string;
};

/**
 * Shapes an error for the people who read it. Logto's Console shows the operator only the
 * `message` it makes from `data.errorDescription` of a `general` error, so the Console test gets
 * the operator's sentence that way. The sign-in page shows the user that same `message`, so a
 * real send gets a short sentence the user can act on, with the operator's account first in
 * `data` for the audit log. Errors that are not the connector's own pass as they are.
 */
export const errorForReader = (
  error: ConnectorError,
  { isConsoleTest, languages: requested, usageType }: Reader
) => {
  const { code, data } = error;

  if (!isPlainObject(data) || !isAdvice(data.advice) || typeof data.errorDescription !== 'string') {
    return error;
  }

  const { advice, errorDescription, ...facts } = data;

  if (isConsoleTest) {
    return new ConnectorError(ConnectorErrorCodes.General, {
      errorDescription,
      reason: code,
      usageType,
      ...facts,
    });
  }

  // The audit log shows the error as one line of text, `ConnectorError: ` and this data's JSON:
  // the operator's sentence goes first, so that it is what the line starts with.
  return new ConnectorError(keptOnSignIn.has(code) ? code : ConnectorErrorCodes.General, {
    operatorMessage: errorDescription,
    errorDescription: userMessage(advice, requested),
    reason: code,
    usageType,
    ...facts,
  });
};
