import { type ConnectorError, templateTypeGuard } from '@logto/connector-kit';

import { requestedLanguages } from '../language.js';
import { isPlainObject } from '../types.js';

import { errorForReader } from './readers.js';
import { toSafeConnectorError } from './redact.js';

/** What the error's readers need from a message that may not have passed its checks. */
const readerHints = (data: unknown) => ({
  languages:
    isPlainObject(data) && isPlainObject(data.payload) ? requestedLanguages(data.payload) : [],
  usageType:
    isPlainObject(data) && templateTypeGuard.safeParse(data.type).success
      ? String(data.type)
      : undefined,
});

const tokenToHide = (rawConfig: unknown) =>
  isPlainObject(rawConfig) && typeof rawConfig.serverToken === 'string'
    ? rawConfig.serverToken.trim()
    : undefined;

export type FailedSend = {
  /** The configuration as it came, checked or not: its token is what must not leave. */
  rawConfig: unknown;
  /** What Logto asked to send, checked or not. */
  data: unknown;
  isConsoleTest: boolean;
};

/**
 * The last step of every failure: the error Logto receives. Anything thrown becomes a
 * `ConnectorError` without the server token or a host other than Postmark's (`redact.ts`), worded
 * for whoever reads it: the operator in the Console, the user on the sign-in page (`readers.ts`).
 */
export const toLogtoError = (
  error: unknown,
  { rawConfig, data, isConsoleTest }: FailedSend
): ConnectorError =>
  errorForReader(toSafeConnectorError(error, tokenToHide(rawConfig)), {
    isConsoleTest,
    ...readerHints(data),
  });
