/** The error the connector raises, the facts of a failed call, and how its sentences are cut. */
import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';

/** What the person on the sign-in page can do about a failed send. */
export type Advice = 'retry' | 'address' | 'site';

/**
 * A `ConnectorError` whose `data.errorDescription` is the operator's sentence: what happened and
 * what to change. `errorForReader` turns it into what each reader should see before it leaves.
 */
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
  | {
      kind: 'http';
      status: number;
      body: string;
      attempts: number;
      /** How long Postmark asked the connector to wait, by its `Retry-After`. */
      retryAfterMs?: number;
    }
  | { kind: 'network'; cause: string; code?: string; attempts: number }
  | { kind: 'deadline'; milliseconds: number; attempts: number };

/** What the send was about, so that an error can name the thing to fix. */
export type SendContext = {
  from: string;
  to: string;
  usageType: string;
  /** How the Postmark template was chosen, such as `alias "logto-sign-in"`; absent for custom templates. */
  template?: string;
};

/**
 * How long the first sentence of an operator's message may be: the Console shows a failure in a
 * toast for about five seconds, and that sentence says what to fix; detail follows it.
 */
export const maxFirstSentence = 160;

/**
 * A name put into a sentence, cut to `length` characters with `…` at the cut: an alias, a stream
 * or an address of hundreds of characters must not push what to fix out of the first sentence.
 */
export const clip = (text: string, length = 32) =>
  text.length > length ? `${text.slice(0, length - 1)}…` : text;

// The end of a sentence, maybe inside closing quotes or brackets: `."`, `.)`, `!'`.
const endsSentence = /[!.?…]["')\]]*$/;

/** `text` ended with a full stop, unless it already ends a sentence: no `..` and no `.).`. */
export const sentence = (text: string) => (endsSentence.test(text) ? text : `${text}.`);
