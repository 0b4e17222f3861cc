/** The error the connector raises, the facts of a failed call, and how its sentences are cut. */
import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';

/** What the person on the sign-in page can do about a failed send. */
export type Advice = 'retry' | 'address' | 'site';

/** `errorDescription` is the operator's sentence: what happened and what to change. */
export const connectorError = (
  code: ConnectorErrorCodes,
  errorDescription: string,
  details: Record<string, unknown> = {},
  advice: Advice = 'site'
) => new ConnectorError(code, { errorDescription, advice, ...details });

/** Kits before 5.1.1 (Logto before 1.43) lack this code; their Logto answers `general` instead. */
export const usageLimitExceeded =
  Object.values(ConnectorErrorCodes).find((code) => String(code) === 'usage_limit_exceeded') ??
  ConnectorErrorCodes.General;

/** What went wrong on the way to Postmark, before it is put into words. */
export type PostmarkFailure =
  | { kind: 'http'; status: number; body: string; attempts: number; retryAfterMs?: number }
  | { kind: 'network'; cause: string; code?: string; attempts: number }
  | { kind: 'deadline'; milliseconds: number; attempts: number };

/** What the send was about, to name what to fix; `template` such as `alias "logto-sign-in"`. */
export type SendContext = { from: string; to: string; usageType: string; template?: string };

// The Console shows a failure in a toast for about five seconds: the first sentence of an
// operator's message says what to fix in at most this many characters; detail follows it.
export const maxFirstSentence = 160;

/** A name cut with `…`, so that a long one cannot push what to fix out of the first sentence. */
export const clip = (text: string, length = 32) =>
  text.length > length ? `${text.slice(0, length - 1)}…` : text;

// The end of a sentence, maybe inside closing quotes or brackets: `."`, `.)`, `!'`.
const endsSentence = /[!.?…]["')\]]*$/;

/** `text` ended with a full stop, unless it already ends a sentence: no `..` and no `.).`. */
export const sentence = (text: string) => (endsSentence.test(text) ? text : `${text}.`);
