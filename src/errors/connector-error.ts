/**
 * What every step of a failure shares: the error the connector raises and the facts of a failed
 * call. The steps, in order: postmark-answers.ts, config-messages.ts, redact.ts, readers.ts, and
 * logto-error.ts, which index.ts calls.
 */
import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';

/** What the person on the sign-in page can do about a failed send. */
export type Advice = 'retry' | 'address' | 'site';

/**
 * A `ConnectorError` whose `data.errorDescription` is the operator's sentence: what happened and
 * what to change. `present` turns it into what each reader should see before it leaves.
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
