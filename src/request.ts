import {
  ConnectorErrorCodes,
  type EmailTemplateDetails,
  type SendMessagePayload,
  type TemplateType,
  replaceSendMessageHandlebars,
  templateTypeGuard,
} from '@logto/connector-kit';

import { maxRequestBytes } from './constant.js';
import { connectorError } from './errors.js';
import {
  type Mailbox,
  type PostmarkConfig,
  type TemplateConfig,
  isPlainObject,
  parseMailbox,
} from './types.js';

/** A send as Logto asks for it, checked. */
export type Message = { to: string; type: TemplateType; payload: SendMessagePayload };

const invalidRequest = (description: string) =>
  connectorError(ConnectorErrorCodes.InvalidRequestParameters, description);

/** Checks what Logto hands `sendMessage`; the payload itself goes to Postmark as it came. */
export const parseMessage = (data: unknown): Message => {
  if (!isPlainObject(data)) {
    throw invalidRequest('The message to send is missing.');
  }

  const { to, type, payload = {} } = data;

  if (typeof to !== 'string' || !parseMailbox(to)) {
    throw invalidRequest('The recipient must be one email address (no lists, no line breaks).');
  }

  const usageType = templateTypeGuard.safeParse(type);

  if (!usageType.success) {
    throw invalidRequest(`The usage type ${JSON.stringify(type)} is not one Logto sends.`);
  }

  if (!isPlainObject(payload)) {
    throw invalidRequest('The message payload must be an object.');
  }

  return { to: to.trim(), type: usageType.data, payload };
};

/** Postmark's sending options, shared by template and custom emails. */
const sendingOptions = (config: PostmarkConfig, type: string, replyTo = config.replyTo) => ({
  ReplyTo: replyTo,
  Tag: config.tag ?? type,
  MessageStream: config.messageStream,
  TrackOpens: config.trackOpens,
  TrackLinks: config.trackLinks,
});

const templateReference = ({ templateAlias, templateId }: TemplateConfig) =>
  templateId === undefined ? { TemplateAlias: templateAlias } : { TemplateId: templateId };

/** The body of `POST /email/withTemplate`. Logto's payload wins over fixed template values. */
export const templateEmailBody = (
  config: PostmarkConfig,
  template: TemplateConfig,
  { to, type, payload }: Message
) => ({
  From: config.fromEmail,
  To: to,
  ...templateReference(template),
  TemplateModel: config.templateModel ? { ...config.templateModel, ...payload } : payload,
  ...sendingOptions(config, type),
});

// RFC 5322 "specials": a display name holding any of them must be quoted.
const needsQuotes = /["(),.:;<>@[\\\]]/;

export const formatMailbox = ({ name, address }: Mailbox) => {
  if (!name) {
    return address;
  }

  const displayName = needsQuotes.test(name)
    ? `"${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
    : name;
  return `${displayName} <${address}>`;
};

/** The body of `POST /email` for one of Logto's own email templates. */
export const customEmailBody = (
  config: PostmarkConfig,
  template: EmailTemplateDetails,
  { to, type, payload }: Message
) => {
  const fill = (text: string) => replaceSendMessageHandlebars(text, payload);
  const sender = parseMailbox(config.fromEmail);
  const from =
    template.sendFrom && sender
      ? formatMailbox({
          name: fill(template.sendFrom),
          address: sender.address,
        })
      : config.fromEmail;
  const content = fill(template.content);

  return {
    From: from,
    To: to,
    Subject: fill(template.subject),
    ...(template.contentType === 'text/plain' ? { TextBody: content } : { HtmlBody: content }),
    ...sendingOptions(config, type, template.replyTo ? fill(template.replyTo) : undefined),
  };
};

/** JSON for Postmark, or a clear error for what cannot be sent: a cycle, a BigInt, over 10 MB. */
const stringify = (body: unknown) => {
  try {
    return JSON.stringify(body);
  } catch (error: unknown) {
    throw invalidRequest(
      `The message payload cannot be sent as JSON: ${error instanceof Error ? error.message : String(error)}.`
    );
  }
};

export const serialize = (body: unknown) => {
  const json = stringify(body);
  const bytes = Buffer.byteLength(json);

  if (bytes > maxRequestBytes) {
    throw invalidRequest(
      `The email is ${(bytes / 1024 / 1024).toFixed(1)} MB; Postmark accepts at most 10 MB per request.`
    );
  }

  return json;
};
