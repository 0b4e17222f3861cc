import { z } from 'zod';

import { TemplateType, templateTypeGuard } from '@logto/connector-kit';

import { limits, serverSetting, trackLinksChoices, trackOpensChoices } from './constant.js';
import { isLanguageTag } from './language.js';
import { formatMailbox, formatMailboxList, parseMailbox, parseMailboxList } from './mailbox.js';

/** Logto cannot sign users up, in or reset passwords, nor run the Console test, without these. */
export const requiredUsageTypes = [
  TemplateType.Register,
  TemplateType.SignIn,
  TemplateType.ForgotPassword,
  TemplateType.Generic,
] as const;

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The Console sends an emptied field as `''` (or `null`): that means "not set". */
const unset = (value: unknown) =>
  value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value;
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(unset, schema.optional());
const trimmed = z.string().trim();

const issueAt = (context: z.RefinementCtx, path?: string[]) => (message: string) => {
  context.addIssue({ code: z.ZodIssueCode.custom, message, path });
};

/** Parsed once, here, and kept as Postmark should receive it: `"Acme, Inc" <no-reply@acme.com>`. */
const mailbox = trimmed
  .transform((value) => parseMailbox(value))
  .refine(
    (parsed) => parsed !== undefined,
    `must be one address of at most ${limits.address} characters, with only ASCII letters before the @, such as no-reply@your.domain or Your App <no-reply@your.domain>`
  )
  .transform(formatMailbox);

/** How a Reply-To is written, in every message that refuses one. */
export const replyToShape = `one address or a list of at most ${limits.replyToAddresses} separated by commas, each of at most ${limits.address} characters with only ASCII letters before the @, such as help@your.domain or Support <help@your.domain>, "Acme, Sales" <sales@your.domain>`;

const mailboxList = trimmed.transform((value, context) => {
  const parsed = parseMailboxList(value);

  if ('mailboxes' in parsed) {
    return formatMailboxList(parsed.mailboxes);
  }
  issueAt(context)(`${parsed.problem}: give ${replyToShape}`);
  return z.NEVER;
});

/** An entry names its Postmark template by alias or by ID, never both. */
export type TemplateConfig = { usageType: TemplateType; locale?: string } & (
  | { templateAlias: string; templateId?: undefined }
  | { templateId: number; templateAlias?: undefined }
);

export const templateGuard = z
  .object({
    usageType: templateTypeGuard,
    templateAlias: optional(
      trimmed
        .max(limits.templateAlias)
        .regex(
          /^[A-Za-z][\w.-]*$/,
          'must be a Postmark alias: letters, digits, ".", "-" and "_", starting with a letter'
        )
    ),
    templateId: optional(z.number().int().positive()),
    locale: optional(
      trimmed.refine(isLanguageTag, 'must be a language tag such as de, pt-BR or zh-Hant')
    ),
  })
  .refine(
    (entry): entry is TemplateConfig =>
      (entry.templateAlias === undefined) !== (entry.templateId === undefined),
    'give either templateAlias (the template alias in Postmark) or templateId, not both'
  );

const checkTemplateMap = (templates: TemplateConfig[], context: z.RefinementCtx) => {
  const issue = issueAt(context);
  const missing = requiredUsageTypes.filter(
    (type) => !templates.some(({ usageType, locale }) => usageType === type && !locale)
  );

  if (missing.length > 0) {
    issue(
      `add an entry without locale for ${missing.join(', ')}: Logto needs them for sign-up, sign-in, password reset and the Console test`
    );
  }

  // One pass with a set, so that even the longest list is checked in linear time.
  const seen = new Set<string>();
  const repeated = templates
    .filter(({ usageType, locale }) => {
      const slot = `${usageType} ${locale?.toLowerCase() ?? ''}`;
      const isRepeat = seen.has(slot);
      seen.add(slot);
      return isRepeat;
    })
    .map(({ usageType, locale }) => (locale ? `${usageType} (locale ${locale})` : usageType));

  if (repeated.length > 0) {
    issue(`each usage type may appear once per locale; remove the repeated ${repeated.join(', ')}`);
  }
};

/** The length is checked first: a pasted list of thousands of entries is refused before it is read. */
export const templatesGuard = z
  .array(z.unknown())
  .max(limits.templates, `may have at most ${limits.templates} entries`)
  .pipe(z.array(templateGuard).superRefine(checkTemplateMap));

const jsonObject = (example: string) =>
  z.custom<Record<string, unknown>>(isPlainObject, `must be a JSON object, such as ${example}`);

/** A JSON object whose keys are counted before `check` reads each entry, given the names before. */
const checkedObject = (
  maxKeys: number,
  example: string,
  check: (name: string, value: unknown, issue: (message: string) => void, before: string[]) => void
) =>
  jsonObject(example).superRefine((object, context) => {
    const names = Object.keys(object);

    if (names.length > maxKeys) {
      issueAt(context)(`may have at most ${maxKeys} entries`);
      return;
    }

    for (const [index, [name, value]] of Object.entries(object).entries()) {
      check(name, value, issueAt(context, [name]), names.slice(0, index));
    }
  });

/** Postmark sets these from the connector's other fields, or refuses them from a sender. */
const reservedHeader =
  /^(?:from|to|cc|bcc|subject|reply-to|sender|date|message-id|return-path|mime-version|content-.*|x-pm-.*)$/i;
// RFC 9110's token: the characters a header field name may have.
const headerName = /^[\w!#$%&'*+.^`|~-]+$/;

const headers = checkedObject(
  limits.headers,
  '{ "List-Unsubscribe": "<mailto:unsubscribe@acme.com>" }',
  (name, value, issue) => {
    if (name.length > limits.headerName || !headerName.test(name)) {
      issue(
        `is not a header name: use letters, digits and - only, at most ${limits.headerName} characters`
      );
    } else if (reservedHeader.test(name)) {
      issue('is set by the connector or by Postmark; remove it from "headers"');
    } else if (typeof value !== 'string') {
      issue('must have a text value');
    } else if (value.length > limits.headerValue || /[\n\r]/.test(value)) {
      issue(`must be one line of at most ${limits.headerValue} characters`);
    }
  }
);

/** The Metadata keys every send carries. */
const connectorMetadataKeys = new Set(['usage_type', 'locale', 'client_ip']);

const metadata = checkedObject(
  limits.metadataEntries,
  '{ "tenant": "acme" }',
  (name, value, issue, before) => {
    const folded = name.toLowerCase();

    if (name.length === 0 || name.length > limits.metadataName) {
      issue(`needs a name of 1 to ${limits.metadataName} characters (Postmark's limit)`);
    } else if (connectorMetadataKeys.has(folded)) {
      issue('is set by the connector on every email; choose another name');
    } else if (before.some((earlier) => earlier.toLowerCase() === folded)) {
      issue('repeats a name that differs only in case, which Postmark refuses');
    } else if (typeof value !== 'string' || value.length > limits.metadataValue) {
      issue(`must be text of at most ${limits.metadataValue} characters (Postmark's limit)`);
    }
  }
);

// Zod's enum wants a tuple that is not empty; each list of choices is a literal that is not.
const choice = <T extends string>(choices: ReadonlyArray<{ value: T }>) =>
  // eslint-disable-next-line no-restricted-syntax
  z.enum(choices.map(({ value }) => value) as [T, ...T[]]);
const trackOpensChoice = choice(trackOpensChoices);

// The server's setting sends nothing, so that Postmark applies its own.
const trackOpens = z
  .union([z.boolean(), trackOpensChoice], {
    errorMap: () => ({ message: `must be ${trackOpensChoice.options.join(', ')}, true or false` }),
  })
  .transform((value) => (value === serverSetting ? undefined : value === true || value === 'On'));
const trackLinks = choice(trackLinksChoices).transform((value) =>
  value === serverSetting ? undefined : value
);

const configShape = 'must be an object with serverToken, fromEmail and templates';

export const postmarkConfigGuard = z.object(
  {
    serverToken: trimmed
      .min(1, 'is empty: paste the Server API token from Postmark')
      .max(limits.serverToken, 'is longer than any Postmark token: paste it again')
      // Nothing to escape: a token reads the same in every error and log, so redacting it is exact.
      .regex(
        /^[\w-]+$/,
        'may hold only letters, digits, - and _, as Postmark tokens (a UUID, or POSTMARK_API_TEST) do: paste it again'
      ),
    fromEmail: mailbox,
    templates: templatesGuard,
    messageStream: optional(trimmed.max(limits.messageStream)),
    replyTo: optional(mailboxList),
    trackOpens: optional(trackOpens),
    trackLinks: optional(trackLinks),
    tag: optional(trimmed.max(limits.tag)),
    templateModel: optional(jsonObject('{ "product_name": "Acme" }')),
    metadata: optional(metadata),
    headers: optional(
      headers.transform((headers) =>
        Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]))
      )
    ),
    recordClientIp: optional(z.boolean()),
  },
  {
    required_error: `The configuration is missing: it ${configShape}`,
    invalid_type_error: `The configuration ${configShape}`,
  }
);

export type PostmarkConfig = z.infer<typeof postmarkConfigGuard>;
