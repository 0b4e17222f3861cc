import { z } from 'zod';

import { TemplateType, templateTypeGuard } from '@logto/connector-kit';

/** Logto cannot sign users up, in or reset passwords, nor run the Console test, without these. */
export const requiredUsageTypes = [
  TemplateType.Register,
  TemplateType.SignIn,
  TemplateType.ForgotPassword,
  TemplateType.Generic,
] as const;

export const trackLinksValues = ['None', 'HtmlAndText', 'HtmlOnly', 'TextOnly'] as const;

export type Mailbox = { name?: string; address: string };

// One address: no white space, brackets, quotes or list separators, and a dot in the domain.
const addressPattern = /^[^\s"(),:;<>@[\\\]]+@[^\s"(),:;<>@[\\\]]+\.[^\s"(),:;<>@[\\\]]+$/u;
const namedAddressPattern = /^(?<name>[^<>]*)<(?<address>[^<>]*)>$/u;
const controlCharacter = /\p{Cc}/u;

/** Reads `address` or `Display Name <address>`; `undefined` for anything else. */
export const parseMailbox = (value: string): Mailbox | undefined => {
  if (controlCharacter.test(value)) {
    return;
  }

  const trimmed = value.trim();
  const groups = namedAddressPattern.exec(trimmed)?.groups;
  const address = groups?.address?.trim() ?? trimmed;

  if (!addressPattern.test(address)) {
    return;
  }

  const name = groups?.name?.trim();
  return name ? { name, address } : { address };
};

export const isMailbox = (value: string) => parseMailbox(value) !== undefined;

export const isLanguageTag = (value: string) => {
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
};

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The Console sends an emptied field as `''` (or `null`): that means "not set". */
const unset = (value: unknown) =>
  value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value;

const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(unset, schema.optional());

const mailbox = z
  .string()
  .trim()
  .refine(
    isMailbox,
    'must be one address, such as no-reply@your.domain or Your App <no-reply@your.domain>'
  );

export const templateGuard = z
  .object({
    usageType: templateTypeGuard,
    templateAlias: optional(z.string().trim().min(1)),
    templateId: optional(z.number().int().positive()),
    locale: optional(
      z.string().trim().refine(isLanguageTag, 'must be a language tag such as de, pt-BR or zh-Hant')
    ),
  })
  .superRefine(({ templateAlias, templateId }, context) => {
    if ((templateAlias === undefined) === (templateId === undefined)) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message:
          'give either templateAlias (the template alias in Postmark) or templateId, not both',
      });
    }
  });

export type TemplateConfig = z.infer<typeof templateGuard>;

const sameLocale = (left?: string, right?: string) => left?.toLowerCase() === right?.toLowerCase();

const describeEntry = ({ usageType, locale }: TemplateConfig) =>
  locale ? `${usageType} (locale ${locale})` : usageType;

export const templatesGuard = z.array(templateGuard).superRefine((templates, context) => {
  const missing = requiredUsageTypes.filter(
    (type) => !templates.some(({ usageType, locale }) => usageType === type && !locale)
  );

  if (missing.length > 0) {
    context.addIssue({
      code: z.ZodIssueCode.custom,
      message: `add an entry without locale for ${missing.join(', ')}: Logto needs them for sign-up, sign-in, password reset and the Console test`,
    });
  }

  const duplicates = templates.filter((entry, index) =>
    templates
      .slice(0, index)
      .some(
        (earlier) =>
          earlier.usageType === entry.usageType && sameLocale(earlier.locale, entry.locale)
      )
  );

  if (duplicates.length > 0) {
    context.addIssue({
      code: z.ZodIssueCode.custom,
      message: `each usage type may appear once per locale; remove the repeated ${duplicates
        .map((entry) => describeEntry(entry))
        .join(', ')}`,
    });
  }
});

const configShape = 'must be an object with serverToken, fromEmail and templates';

export const postmarkConfigGuard = z.object(
  {
    serverToken: z
      .string()
      .trim()
      .min(1, 'is empty: paste the Server API token from Postmark')
      .regex(
        /^[\u0021-\u007E]+$/,
        'has spaces or characters no Postmark token has: paste it again'
      ),
    fromEmail: mailbox,
    templates: templatesGuard,
    messageStream: optional(z.string().trim()),
    replyTo: optional(mailbox),
    trackOpens: optional(z.boolean()),
    trackLinks: optional(z.enum(trackLinksValues)),
    tag: optional(z.string().trim().max(1000)),
    templateModel: optional(
      z.custom<Record<string, unknown>>(
        isPlainObject,
        'must be a JSON object, such as { "product_name": "Acme" }'
      )
    ),
  },
  {
    required_error: `The configuration is missing: it ${configShape}`,
    invalid_type_error: `The configuration ${configShape}`,
  }
);

export type PostmarkConfig = z.infer<typeof postmarkConfigGuard>;

/** What Postmark answers to a send it accepted. */
export const postmarkSendResultGuard = z
  .object({
    To: z.string(),
    SubmittedAt: z.string(),
    MessageID: z.string(),
    ErrorCode: z.number(),
    Message: z.string(),
  })
  .partial()
  .passthrough();

export type PostmarkSendResult = z.infer<typeof postmarkSendResultGuard>;

/** The body of a Postmark error answer. */
export const postmarkErrorGuard = z.object({
  ErrorCode: z.number(),
  Message: z.string(),
});

export type PostmarkError = z.infer<typeof postmarkErrorGuard>;
