import {
  ConnectorErrorCodes,
  type EmailTemplateDetails,
  type SendMessagePayload,
  replaceSendMessageHandlebars,
} from '@logto/connector-kit';

import { limits, maxRequestBytes } from '../constant.js';
import { connectorError } from '../errors/connector-error.js';
import { requestedLanguages } from '../language.js';
import { formatMailboxList, fromWithSendFrom, parseMailboxList } from '../mailbox.js';
import { type Message, invalidRequest } from '../message.js';
import { templateReference } from '../template.js';
import { type PostmarkConfig, type TemplateConfig, replyToShape } from '../types.js';

import { escapeHtml } from './escape-html.js';
import { htmlToText } from './html-to-text.js';

const metadataFor = (config: PostmarkConfig, { type, payload, ip }: Message) => {
  const [locale] = requestedLanguages(payload);
  return {
    usage_type: type,
    ...(locale && { locale }),
    ...(config.recordClientIp && ip && { client_ip: ip }),
    ...config.metadata,
  };
};

const customHeaders = ({ headers = {} }: PostmarkConfig) => {
  const entries = Object.entries(headers);
  return entries.length > 0
    ? entries.map(([name, value]) => ({ Name: name, Value: value }))
    : undefined;
};

/** Postmark's sending options, shared by template and custom emails. */
const sendingOptions = (config: PostmarkConfig, message: Message, replyTo = config.replyTo) => ({
  ReplyTo: replyTo,
  Tag: config.tag ?? message.type,
  MessageStream: config.messageStream,
  TrackOpens: config.trackOpens,
  TrackLinks: config.trackLinks,
  Headers: customHeaders(config),
  Metadata: metadataFor(config, message),
});

/** The body of `POST /email/withTemplate`. Logto's payload wins over fixed template values. */
export const templateEmailBody = (
  config: PostmarkConfig,
  template: TemplateConfig,
  message: Message
) => ({
  From: config.fromEmail,
  To: message.to,
  ...templateReference(template),
  TemplateModel: config.templateModel
    ? { ...config.templateModel, ...message.payload }
    : message.payload,
  ...sendingOptions(config, message),
});

/**
 * The plain-text twin of an HTML email. Real emails are a few dozen kilobytes; past this size the
 * conversion would cost more than the part is worth, and Postmark sends the HTML alone.
 */
const maxTextPartSource = 512 * 1024;

const textPart = (html: string) => {
  const text = html.length <= maxTextPartSource ? htmlToText(html) : '';
  return text ? { TextBody: text } : {};
};

const templateError = (description: string) =>
  connectorError(ConnectorErrorCodes.InvalidConfig, description);

const senderFor = (sendFrom: string, { fromEmail }: PostmarkConfig) => {
  const from = fromWithSendFrom(sendFrom, fromEmail);

  if (from === undefined) {
    throw templateError(
      `Correct the sender (sendFrom) of Logto's email template: give a name, an address, or Name <address>. It may have at most ${limits.displayName} characters of name and ${limits.address} of address.`
    );
  }

  return from;
};

const replyToFor = (replyTo: string) => {
  const parsed = parseMailboxList(replyTo);

  if ('problem' in parsed) {
    throw templateError(
      `Correct the Reply-To (replyTo) of Logto's email template: it ${parsed.problem}. Give ${replyToShape}.`
    );
  }

  return formatMailboxList(parsed.mailboxes);
};

// A handlebar as connector-kit's `replaceSendMessageHandlebars` finds one; the two parts around
// the name never match what the name matches, so a search takes linear time.
const handlebar = /{{\s*[\w.]+\s*}}/g;

/**
 * Fills `text` as connector-kit does (each handlebar once, a value never read as one again),
 * passing each value through `encode` on its way in. A handlebar left as it is has nothing that
 * either encoding changes.
 */
const fillEncoded = (
  text: string,
  payload: SendMessagePayload,
  encode: (value: string) => string
) => text.replaceAll(handlebar, (found) => encode(replaceSendMessageHandlebars(found, payload)));

// Every character that ends a line somewhere: CR, LF, VT, FF, NEL and Unicode's two separators.
const lineBreaks = /[\n\v\f\r\u0085\u2028\u2029]+/g;

/** A value on the subject's one line. */
export const oneLine = (value: string) => value.replaceAll(lineBreaks, ' ');

/** The body of `POST /email` for one of Logto's own email templates. */
export const customEmailBody = (
  config: PostmarkConfig,
  template: EmailTemplateDetails,
  message: Message
) => {
  const fill = (text: string) => replaceSendMessageHandlebars(text, message.payload);
  const isText = template.contentType === 'text/plain';
  // In HTML, a user's name or an organization's is text: it may never add a tag or a link.
  const content = isText
    ? fill(template.content)
    : fillEncoded(template.content, message.payload, escapeHtml);

  return {
    From: template.sendFrom ? senderFor(fill(template.sendFrom), config) : config.fromEmail,
    To: message.to,
    Subject: fillEncoded(template.subject, message.payload, oneLine),
    ...(isText ? { TextBody: content } : { HtmlBody: content, ...textPart(content) }),
    ...sendingOptions(
      config,
      message,
      template.replyTo ? replyToFor(fill(template.replyTo)) : undefined
    ),
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
      `Make the email smaller: it is ${(bytes / 1024 / 1024).toFixed(1)} MB, and Postmark accepts at most 10 MB per request.`
    );
  }

  return json;
};
