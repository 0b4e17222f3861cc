/**
 * Logto's rules for a connector's Console form and for the errors a connector throws, as they
 * stand in Logto's source, so that tests can read this package the way the Console, the sign-in
 * page and the audit log read it.
 *
 * Each rule cites the file it follows in the logto-io/logto repository. Where `@logto/core@1.37.1`
 * and `@logto/core@1.42.0` differ, both are modelled; in every file cited here, the newest commit
 * read (1fbc55441f, August 2026) matches 1.42.0.
 */
import { ZodError, type ZodIssue } from 'zod';

import {
  type ConnectorConfigFormItem,
  ConnectorConfigFormItemType,
  ConnectorErrorCodes,
} from '@logto/connector-kit';

export const releases = ['1.37.1', '1.42.0'] as const;
export type Release = (typeof releases)[number];

// The Console's connector form.

export type FormValues = Record<string, unknown>;

/**
 * The Console's form library, react-hook-form, reads a registered input whose form value is
 * `undefined` from the element itself: `''` from an empty text box, `NaN` from an empty number box (`valueAsNumber`). Text,
 * MultilineText and Number items are registered inputs; the others are controlled and keep
 * `undefined`. packages/console/src/components/ConnectorForm/ConfigForm/ConfigFormFields/index.tsx.
 */
const asTheFormHoldsIt = (type: ConnectorConfigFormItemType, value: unknown) => {
  if (value !== undefined) {
    return value;
  }

  if (type === ConnectorConfigFormItemType.Number) {
    return Number.NaN;
  }

  return type === ConnectorConfigFormItemType.Text ||
    type === ConnectorConfigFormItemType.MultilineText
    ? ''
    : undefined;
};

/** `JSON.stringify(undefined)` is `undefined`, whatever TypeScript's signature says. */
const jsonText = (value: unknown) => JSON.stringify(value, null, 2) as string | undefined;

/**
 * The form of a connector that does not exist yet: each item's `defaultValue`, a Json item as the
 * text `JSON.stringify(defaultValue, null, 2)`, which is `undefined` when there is no default; an
 * empty text box then holds `''`.
 * packages/console/src/utils/connector-form.ts `initFormData` without `config` (1.37.1, 1.42.0).
 */
export const newConnectorForm = (formItems: ConnectorConfigFormItem[]): FormValues =>
  Object.fromEntries(
    formItems.map(({ key, type, defaultValue }) => [
      key,
      type === ConnectorConfigFormItemType.Json
        ? jsonText(defaultValue)
        : asTheFormHoldsIt(type, defaultValue),
    ])
  );

/**
 * The form of a saved connector: each item's saved value, never its default; a Json item missing
 * from the saved configuration starts as `{}`.
 * packages/console/src/utils/connector-form.ts `initFormData` with `config` (1.37.1, 1.42.0).
 */
export const savedConnectorForm = (
  formItems: ConnectorConfigFormItem[],
  config: Record<string, unknown>
): FormValues =>
  Object.fromEntries(
    formItems.map(({ key, type }) => {
      const saved =
        config[key] ??
        (type === ConnectorConfigFormItemType.Json ? {} : undefined) ??
        (type === ConnectorConfigFormItemType.MultiSelect ? [] : undefined);

      return [
        key,
        type === ConnectorConfigFormItemType.Json ? jsonText(saved) : asTheFormHoldsIt(type, saved),
      ];
    })
  );

/** The Console's `jsonValidator`: packages/console/src/utils/validator.ts (1.37.1, 1.42.0). */
export const jsonValidator = (value: string) => {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
};

/**
 * What a Select shows: a string value, else nothing. The Console renders no "clear" control, so
 * a Select cannot go back to empty once chosen.
 * packages/console/src/components/ConnectorForm/ConfigForm/ConfigFormFields/index.tsx (1.37.1, 1.42.0).
 */
export const selectShows = (value: unknown) => (typeof value === 'string' ? value : undefined);

export type FormProblem = { key: string; reason: 'required' | 'invalid_json' };

/** The form library's `required` (react-hook-form): these values count as not filled in. */
const isEmptyForRequired = (value: unknown) =>
  value === undefined ||
  value === null ||
  value === '' ||
  value === false ||
  (Array.isArray(value) && value.length === 0);

/**
 * Items the Console does not render are not registered with the form, so not validated: dev
 * features (off in a production Console) and items whose `showConditions` do not hold.
 */
const isShown = ({ isDevFeature, showConditions }: ConnectorConfigFormItem, values: FormValues) =>
  !isDevFeature &&
  (showConditions ?? []).every(({ targetKey, expectValue }) => values[targetKey] === expectValue);

/**
 * The keys that block "Send" and "Save", and why. A Switch is never required (its "off" would
 * count as empty); a Json item, required or not, must be a string that `JSON.parse` accepts.
 * packages/console/src/components/ConnectorForm/ConfigForm/ConfigFormFields/index.tsx `rules`
 * (1.37.1, 1.42.0); packages/console/src/components/ConnectorTester/index.tsx runs them all
 * (`trigger()`) before each "Send".
 */
export const validateForm = (
  formItems: ConnectorConfigFormItem[],
  values: FormValues
): FormProblem[] =>
  formItems
    .filter((item) => isShown(item, values))
    .flatMap(({ key, type, required }): FormProblem[] => {
      const value = values[key];
      const isRequired = type === ConnectorConfigFormItemType.Switch ? false : Boolean(required);

      if (isRequired && isEmptyForRequired(value)) {
        return [{ key, reason: 'required' }];
      }

      if (
        type === ConnectorConfigFormItemType.Json &&
        !(typeof value === 'string' && jsonValidator(value))
      ) {
        return [{ key, reason: 'invalid_json' }];
      }

      return [];
    });

/**
 * The Console's `safeParseJson`, where any JSON passes `jsonGuard`: packages/console/src/utils/json.ts
 * (1.37.1, 1.42.0).
 */
const safeParseJson = (text: string): { success: true; data: unknown } | { success: false } => {
  try {
    return { success: true, data: JSON.parse(text) };
  } catch {
    return { success: false };
  }
};

const parseFormValue = (
  item: ConnectorConfigFormItem | undefined,
  value: unknown
): [] | [unknown] => {
  if (value === '' || !item) {
    return [];
  }

  if (item.type === ConnectorConfigFormItemType.Number) {
    return Number.isNaN(value) ? [] : [Number(value)];
  }

  if (item.type === ConnectorConfigFormItemType.Json) {
    const result = safeParseJson(typeof value === 'string' ? value : '');
    return [result.success ? result.data : {}];
  }

  return [value];
};

/**
 * The configuration the Console's "Send" posts to core's `POST /api/connectors/:factoryId/test`
 * and core hands to `sendMessage` as its second argument: `''` dropped, Json parsed (`{}` when it
 * does not parse), keys without a form item dropped; then the JSON of the request body, which
 * drops every `undefined` (a Switch or Select never touched).
 * packages/console/src/utils/connector-form.ts `parseFormConfig` with `skipFalsyValuesRemoval`
 * false, as packages/console/src/hooks/use-connector-form-config-parser.tsx calls it for
 * packages/console/src/components/ConnectorTester/index.tsx (ky's `json` option) (1.37.1, 1.42.0).
 */
export const parseForm = (
  formItems: ConnectorConfigFormItem[],
  values: FormValues
): Record<string, unknown> => {
  const config = Object.fromEntries(
    Object.entries(values).flatMap(([key, value]) =>
      parseFormValue(
        formItems.find((item) => item.key === key),
        value
      ).map((parsed) => [key, parsed] as const)
    )
  );
  return JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
};

// Core's answer to a ConnectorError.

/** What a connector throws, as core sees it. */
export type ConnectorErrorLike = { code: string; data?: unknown };

/** The response body of a failed request, as a browser reads it, with its status. */
export type ResponseBody = {
  status: number;
  code: string;
  message: string;
  details?: string;
  data?: unknown;
};

/**
 * English phrases of the `connector.*` errors a connector's code can lead to.
 * packages/phrases/src/locales/en/errors/connector.ts; `usage_limit_exceeded` is not in 1.37.1.
 */
const connectorPhrases = {
  general: 'Error occurred in connector: {{errorDescription}}',
  invalid_metadata: "The connector's metadata is invalid.",
  invalid_config_guard: "The connector's config guard is invalid.",
  unexpected_type: "The connector's type is unexpected.",
  invalid_request_parameters: 'The request is with wrong input parameter(s).',
  insufficient_request_parameters: 'The request might miss some input parameters.',
  invalid_config: "The connector's config is invalid.",
  invalid_certificate:
    "The connector's certificate is invalid, please make sure the certificate is in PEM encoding.",
  invalid_response: "The connector's response is invalid.",
  template_not_found: 'Unable to find correct template in connector config.',
  template_not_supported: 'The connector does not support this template type.',
  rate_limit_exceeded: 'Trigger rate limit. Please try again later.',
  usage_limit_exceeded: 'The email service usage limit has been reached.',
  not_implemented: '{{method}}: has not been implemented yet.',
  social_invalid_access_token: "The connector's access token is invalid.",
  social_invalid_id_token: "The connector's id token is invalid.",
  authorization_failed: "The user's authorization process is unsuccessful.",
  social_auth_code_invalid: 'Unable to get access token, please check authorization code.',
} satisfies Record<`${ConnectorErrorCodes}`, string>;

const phraseOf = (code: string, release: Release) =>
  code === ConnectorErrorCodes.UsageLimitExceeded && release === '1.37.1'
    ? undefined
    : Object.entries(connectorPhrases).find(([key]) => key === code)?.[1];

/**
 * Core's i18next (packages/core/src/i18n/init.ts): a missing key answers with the key itself
 * (namespace removed); `{{name}}` is replaced verbatim (no escaping) when a value is given and
 * left as it is otherwise.
 */
const translate = (code: string, release: Release, errorDescription?: string) => {
  const phrase = phraseOf(code, release) ?? `connector.${code}`;
  return errorDescription === undefined
    ? phrase
    : phrase.replaceAll('{{errorDescription}}', () => errorDescription);
};

const fixedStatus = (code: string, release: Release): number | undefined => {
  switch (code) {
    case ConnectorErrorCodes.InvalidMetadata:
    case ConnectorErrorCodes.InvalidConfigGuard:
    case ConnectorErrorCodes.InvalidRequestParameters:
    case ConnectorErrorCodes.InsufficientRequestParameters:
    case ConnectorErrorCodes.InvalidConfig:
    case ConnectorErrorCodes.InvalidCertificate:
    case ConnectorErrorCodes.InvalidResponse:
    case ConnectorErrorCodes.TemplateNotFound: {
      return 400;
    }

    case ConnectorErrorCodes.SocialAuthCodeInvalid:
    case ConnectorErrorCodes.SocialAccessTokenInvalid:
    case ConnectorErrorCodes.SocialIdTokenInvalid:
    case ConnectorErrorCodes.AuthorizationFailed: {
      return 401;
    }

    case ConnectorErrorCodes.NotImplemented: {
      return 501;
    }

    case ConnectorErrorCodes.RateLimitExceeded: {
      return 429;
    }

    case ConnectorErrorCodes.UsageLimitExceeded: {
      return release === '1.37.1' ? undefined : 429;
    }

    default: {
      return undefined;
    }
  }
};

/** `errorDescription` when `data` is an object with a string one, the JSON of `data` otherwise. */
const descriptionOf = (data: unknown) =>
  typeof data === 'object' &&
  data !== null &&
  !Array.isArray(data) &&
  'errorDescription' in data &&
  typeof data.errorDescription === 'string'
    ? data.errorDescription
    : // `JSON.stringify(undefined)` is `undefined`: the placeholder then stays.
      (JSON.stringify(data) as string | undefined);

const formatZodIssue = (issue: ZodIssue) => {
  const base = `Error in key path "${issue.path.map(String).join('.')}": (${issue.code}) `;
  return issue.code === 'invalid_type'
    ? `${base}Expected ${issue.expected} but received ${issue.received}.`
    : base + issue.message;
};

/**
 * `RequestError.details`: Zod issues one per line, a SyntaxError's message, else nothing.
 * packages/core/src/errors/RequestError/index.ts `details`, `formatZodError` (1.37.1, 1.42.0).
 * Core's `instanceof ZodError` sees a connector's ZodError because the connector's `zod` is
 * resolved from core's own node_modules.
 */
const detailsOf = (data: unknown) => {
  if (data instanceof SyntaxError) {
    return data.message || undefined;
  }

  return data instanceof ZodError
    ? data.issues.map((issue) => formatZodIssue(issue)).join('\n')
    : undefined;
};

/**
 * What core answers when a connector throws: the status and `RequestError.toBody()`, as the
 * browser receives it (JSON: an Error in `data` keeps only its own enumerable fields).
 * packages/core/src/middleware/koa-connector-error-handler.ts (1.37.1 has no
 * `usage_limit_exceeded` case: it falls to the default, 400 and the phrase's key);
 * packages/core/src/errors/RequestError/index.ts `toBody`; packages/core/src/middleware/koa-error-handler.ts.
 */
export const responseBody = (
  { code, data }: ConnectorErrorLike,
  release: Release = '1.42.0'
): ResponseBody => {
  const status = fixedStatus(code, release);
  const body = {
    code: `connector.${code}`,
    data,
    details: detailsOf(data),
    message:
      status === undefined
        ? translate(code, release, descriptionOf(data))
        : translate(code, release),
  };

  return {
    status: status ?? 400,
    ...(JSON.parse(JSON.stringify(body)) as Omit<ResponseBody, 'status'>),
  };
};

// Who reads what.

/**
 * The Console's toast for a failed request, such as the "Send" test: `message` and `details`, one
 * line each (an absent `details` leaves an empty second line).
 * packages/console/src/hooks/use-api.ts `handleError` (1.37.1, 1.42.0); the fallback is
 * packages/phrases/src/locales/en/translation/admin-console/errors.ts `unknown_server_error`.
 */
export const consoleToast = ({ message, details }: Pick<ResponseBody, 'message' | 'details'>) =>
  [message, details].join('\n') || 'Unknown server error occurred';

/**
 * The sign-in page's toast for a failed request: `message`, as the browser received it.
 * packages/experience/src/hooks/use-error-handler.ts (1.37.1, 1.42.0). From 1.42.0 the first
 * send of a code (packages/experience/src/hooks/use-send-verification-code.ts) shows the sign-in
 * page's own "Failed to send the verification code. Please try again later." for
 * `connector.usage_limit_exceeded` instead; resends and the MFA pages still show `message`, so
 * `message` is what a user may read for every code.
 */
export const signInToast = ({ message }: Pick<ResponseBody, 'message'>) => message;

export type AuditLogEntry = { result: 'Error'; error: { message: string } };

/**
 * What the audit log keeps of a sign-in interaction whose email failed. The audit log middleware
 * of the sign-in experience's API sits inside core's connector error handler, so it meets the
 * `ConnectorError` itself, not core's `RequestError`: it stores `{ message: String(error) }`,
 * never `code` or `data` as fields. connector-kit's `ConnectorError` message is
 * `ConnectorError: ` and the JSON of `data` (its code when there is no data), so `data` survives
 * only as that text and the code is lost unless `data` repeats it.
 * packages/core/src/middleware/koa-audit-log.ts (`error instanceof RequestError ? pick(…) :
 * { message: String(error) }`, 1.37.1 and 1.42.0); packages/core/src/tenants/Tenant.ts and
 * packages/core/src/routes/init.ts (the order of the middleware); from 1.42.0 the payload also
 * passes packages/core/src/utils/sensitive-data.ts, which masks values by key name (`*token`,
 * `*secret*`, `*password*`, …) and strips NUL characters: a string such as this message keeps
 * everything but its NULs.
 */
export const auditLogEntry = (thrown: unknown, release: Release = '1.42.0'): AuditLogEntry => {
  const message = String(thrown);
  return {
    result: 'Error',
    error: { message: release === '1.37.1' ? message : message.replaceAll('\u0000', '') },
  };
};
