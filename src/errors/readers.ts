import { ConnectorError, ConnectorErrorCodes, templateTypeGuard } from '@logto/connector-kit';

import { lookupLocale, requestedLanguages } from '../language.js';
import { isPlainObject } from '../types.js';

import { type Advice, usageLimitExceeded } from './connector-error.js';
import { toSafeConnectorError } from './redact.js';
import { userMessages } from './user-messages.js';

/** The user's sentence in their language, found as templates are (`lookupLocale`); else English. */
export const userMessage = (advice: Advice, requested: readonly string[] = []) => {
  const language = lookupLocale(Object.keys(userMessages), (tag) => tag, requested) ?? 'en';
  return userMessages[language]?.[advice] ?? '';
};

/** Logto answers these with HTTP 429 and its own "try again later" phrase, in the user's language. */
const keptOnSignIn = new Set([ConnectorErrorCodes.RateLimitExceeded, usageLimitExceeded]);

const isAdvice = (value: unknown): value is Advice =>
  value === 'retry' || value === 'address' || value === 'site';

type Reader = { isConsoleTest: boolean; languages?: readonly string[]; usageType?: string };

/**
 * The Console and the sign-in page show only the `message` Logto makes of a `general` error's
 * `errorDescription`: the operator's sentence for the Console test, the user's for a real send,
 * with the operator's account first in `data` for the audit log. Others' errors pass as is.
 */
export const errorForReader = (
  error: ConnectorError,
  { isConsoleTest, languages, usageType }: Reader
) => {
  const { code, data } = error;

  if (!isPlainObject(data) || !isAdvice(data.advice) || typeof data.errorDescription !== 'string') {
    return error;
  }

  const { advice, errorDescription, ...facts } = data;
  const account = { reason: code, usageType, ...facts };

  if (isConsoleTest) {
    return new ConnectorError(ConnectorErrorCodes.General, { errorDescription, ...account });
  }

  // The audit log's one line is `ConnectorError: ` and this JSON, so the operator's sentence leads.
  return new ConnectorError(keptOnSignIn.has(code) ? code : ConnectorErrorCodes.General, {
    operatorMessage: errorDescription,
    errorDescription: userMessage(advice, languages),
    ...account,
  });
};

/**
 * Every failure's last step: anything thrown becomes a `ConnectorError` without the server token
 * or hosts (`redact.ts`), worded for its reader, from the configuration and message as they came.
 */
export const toLogtoError = (
  error: unknown,
  { rawConfig, data, isConsoleTest }: { rawConfig: unknown; data: unknown; isConsoleTest: boolean }
) => {
  const config = isPlainObject(rawConfig) ? rawConfig : {};
  const message = isPlainObject(data) ? data : {};
  const token = typeof config.serverToken === 'string' ? config.serverToken.trim() : undefined;

  return errorForReader(toSafeConnectorError(error, token), {
    isConsoleTest,
    languages: isPlainObject(message.payload) ? requestedLanguages(message.payload) : [],
    usageType: templateTypeGuard.safeParse(message.type).data,
  });
};
