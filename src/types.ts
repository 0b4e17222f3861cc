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

/** What each Open tracking choice sends as `TrackOpens`; the server's setting sends nothing. */
const trackOpensByChoice = { [serverSetting]: undefined, On: true, Off: false } as const;
// Zod's enum wants a tuple that is not empty; each list of choices is a literal that is not.
const valuesOf = <T extends string>(choices: ReadonlyArray<{ value: T }>) =>
  // eslint-disable-next-line no-restricted-syntax
  choices.map(({ value }) => value) as [T, ...T[]];
const trackOpensValues = valuesOf(trackOpensChoices);
const trackLinksValues = valuesOf(trackLinksChoices);

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The Console sends an emptied field as `''` (or `null`): that means "not set". */
const unset = (value: unknown) =>
  value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value;

const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(unset, schema.optional());

/** Parsed once, here, and kept as Postmark should receive it: `"Acme, Inc" <no-reply@acme.com>`. */
const mailbox = z
  .string()
  .trim()
  .transform((value, context) => {
    const parsed = parseMailbox(value);

    if (!parsed) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `must be one address of at most ${limits.address} characters, with only ASCII letters before the @, such as no-reply@your.domain or Your App <no-reply@your.domain>`,
      });
      return z.NEVER;
    }

    return formatMailbox(parsed);
  });

/** How a Reply-To is written, in every message that refuses one. */
export const replyToShape = `one address or a list of at most ${limits.replyToAddresses} separated by commas, each of at most ${limits.address} characters with only ASCII letters before the @, such as help@your.domain or Support <help@your.domain>, "Acme, Sales" <sales@your.domain>`;

/** One mailbox or a list, as Postmark reads `ReplyTo`, kept as Postmark should receive it. */
const mailboxList = z
  .string()
  .trim()
  .transform((value, context) => {
    const parsed = parseMailboxList(value);

    if ('problem' in parsed) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${parsed.problem}: give ${replyToShape}`,
      });
      return z.NEVER;
    }

    return formatMailboxList(parsed.mailboxes);
  });

const boundedString = (max: number) => z.string().trim().max(max);

export const templateGuard = z
  .object({
    usageType: templateTypeGuard,
    templateAlias: optional(
      boundedString(limits.templateAlias).regex(
        /^[A-Za-z][\w.-]*$/,
        'must be a Postmark alias: letters, digits, ".", "-" and "_", starting with a letter'
      )
    ),
    templateId: optional(z.number().int().positive()),
    locale: optional(
      z.string().trim().refine(isLanguageTag, 'must be a language tag such as de, pt-BR or zh-Hant')
    ),
  })
  .superRefine((entry, context): entry is TemplateConfig => {
    const hasOneReference =
      (entry.templateAlias === undefined) !== (entry.templateId === undefined);

    if (!hasOneReference) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message:
          'give either templateAlias (the template alias in Postmark) or templateId, not both',
      });
    }

    return hasOneReference;
  });

type TemplateEntry = { usageType: TemplateType; locale?: string };

/** An entry names its Postmark template by alias or by ID, never both. */
export type TemplateConfig =
  | (TemplateEntry & { templateAlias: string; templateId?: undefined })
  | (TemplateEntry & { templateId: number; templateAlias?: undefined });

/** The slot an entry fills, of which each configuration has one: `SignIn (locale de)`. */
const describeSlot = ({ usageType, locale }: TemplateConfig) =>
  locale ? `${usageType} (locale ${locale})` : usageType;

const entryKey = ({ usageType, locale }: TemplateConfig) =>
  `${usageType} ${locale?.toLowerCase() ?? ''}`;

const checkTemplateMap = (templates: TemplateConfig[], context: z.RefinementCtx) => {
  const missing = requiredUsageTypes.filter(
    (type) => !templates.some(({ usageType, locale }) => usageType === type && !locale)
  );

  if (missing.length > 0) {
    context.addIssue({
      code: z.ZodIssueCode.custom,
      message: `add an entry without locale for ${missing.join(', ')}: Logto needs them for sign-up, sign-in, password reset and the Console test`,
    });
  }

  const seen = new Set<string>();
  const duplicates = templates.filter((entry) => {
    const key = entryKey(entry);
    const repeated = seen.has(key);
    seen.add(key);
    return repeated;
  });

  if (duplicates.length > 0) {
    context.addIssue({
      code: z.ZodIssueCode.custom,
      message: `each usage type may appear once per locale; remove the repeated ${duplicates
        .map((entry) => describeSlot(entry))
        .join(', ')}`,
    });
  }
};

/** The length is checked first: a pasted list of thousands of entries is refused before it is read. */
export const templatesGuard = z
  .array(z.unknown())
  .max(limits.templates, `may have at most ${limits.templates} entries`)
  .pipe(z.array(templateGuard).superRefine(checkTemplateMap));

/** Counts a JSON object's keys before anything reads its entries; too many ends the check there. */
const boundedObject = (maxKeys: number, example: string) =>
  z
    .custom<Record<string, unknown>>(isPlainObject, `must be a JSON object, such as ${example}`)
    .superRefine((value, context) => {
      if (Object.keys(value).length > maxKeys) {
        context.addIssue({
          code: z.ZodIssueCode.custom,
          message: `may have at most ${maxKeys} entries`,
          fatal: true,
        });
      }
    });

/** Postmark sets these from the connector's other fields, or refuses them from a sender. */
const reservedHeader =
  /^(?:from|to|cc|bcc|subject|reply-to|sender|date|message-id|return-path|mime-version|content-.*|x-pm-.*)$/i;
// RFC 9110's token: the characters a header field name may have.
const headerName = /^[\w!#$%&'*+.^`|~-]+$/;
const lineBreak = /[\n\r]/;

const checkHeaders = (headers: Record<string, unknown>, context: z.RefinementCtx) => {
  for (const [name, value] of Object.entries(headers)) {
    const issue = (message: string) => {
      context.addIssue({ code: z.ZodIssueCode.custom, path: [name], message });
    };

    if (name.length > limits.headerName || !headerName.test(name)) {
      issue(
        `is not a header name: use letters, digits and - only, at most ${limits.headerName} characters`
      );
    } else if (reservedHeader.test(name)) {
      issue('is set by the connector or by Postmark; remove it from "headers"');
    } else if (typeof value !== 'string') {
      issue('must have a text value');
    } else if (value.length > limits.headerValue || lineBreak.test(value)) {
      issue(`must be one line of at most ${limits.headerValue} characters`);
    }
  }
};

/** The Metadata keys every send carries. */
export const connectorMetadataKeys = ['usage_type', 'locale', 'client_ip'] as const;

const ownKeys = new Set<string>(connectorMetadataKeys);

const checkMetadata = (metadata: Record<string, unknown>, context: z.RefinementCtx) => {
  const names = new Set(ownKeys);

  for (const [name, value] of Object.entries(metadata)) {
    const issue = (message: string) => {
      context.addIssue({ code: z.ZodIssueCode.custom, path: [name], message });
    };
    const folded = name.toLowerCase();

    if (name.length === 0 || name.length > limits.metadataName) {
      issue(`needs a name of 1 to ${limits.metadataName} characters (Postmark's limit)`);
    } else if (names.has(folded)) {
      issue(
        ownKeys.has(folded)
          ? 'is set by the connector on every email; choose another name'
          : 'repeats a name that differs only in case, which Postmark refuses'
      );
    } else if (typeof value !== 'string' || value.length > limits.metadataValue) {
      issue(`must be text of at most ${limits.metadataValue} characters (Postmark's limit)`);
    }

    names.add(folded);
  }
};

const trackOpens = z
  .union([z.boolean(), z.enum(trackOpensValues)], {
    errorMap: () => ({ message: `must be ${trackOpensValues.join(', ')}, true or false` }),
  })
  .transform((value) => (typeof value === 'boolean' ? value : trackOpensByChoice[value]));

const trackLinks = z
  .enum(trackLinksValues)
  .transform((value) => (value === serverSetting ? undefined : value));

const configShape = 'must be an object with serverToken, fromEmail and templates';

export const postmarkConfigGuard = z.object(
  {
    serverToken: z
      .string()
      .trim()
      .min(1, 'is empty: paste the Server API token from Postmark')
      .max(limits.serverToken, 'is longer than any Postmark token: paste it again')
      // Postmark's tokens are UUIDs (or POSTMARK_API_TEST): with nothing to escape, the token
      // reads the same in every error and log, so removing it from them is exact.
      .regex(
        /^[\w-]+$/,
        'may hold only letters, digits, - and _, as Postmark tokens (a UUID, or POSTMARK_API_TEST) do: paste it again'
      ),
    fromEmail: mailbox,
    templates: templatesGuard,
    messageStream: optional(boundedString(limits.messageStream)),
    replyTo: optional(mailboxList),
    trackOpens: optional(trackOpens),
    trackLinks: optional(trackLinks),
    tag: optional(boundedString(limits.tag)),
    templateModel: optional(
      z.custom<Record<string, unknown>>(
        isPlainObject,
        'must be a JSON object, such as { "product_name": "Acme" }'
      )
    ),
    metadata: optional(
      boundedObject(limits.metadataEntries, '{ "tenant": "acme" }').superRefine(checkMetadata)
    ),
    headers: optional(
      boundedObject(limits.headers, '{ "List-Unsubscribe": "<mailto:unsubscribe@acme.com>" }')
        .superRefine(checkHeaders)
        .transform((headers) =>
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
