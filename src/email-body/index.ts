import {
  ConnectorErrorCodes,
  type EmailTemplateDetails,
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

/** Postmark's sending options, shared by template and custom emails. */
const sendingOptions = (config: PostmarkConfig, message: Message, replyTo = config.replyTo) => {
  const [locale] = requestedLanguages(message.payload);
  const headers = Object.entries(config.headers ?? {}).map(([Name, Value]) => ({ Name, Value }));

  return {
    ReplyTo: replyTo,
    Tag: config.tag ?? message.type,
    MessageStream: config.messageStream,
    TrackOpens: config.trackOpens,
    TrackLinks: config.trackLinks,
    Headers: headers.length > 0 ? headers : undefined,
    // What Postmark's Activity can be filtered by: the flow, the language, and the operator's own.
    Metadata: {
      usage_type: message.type,
      ...(locale && { locale }),
      ...(config.recordClientIp && message.ip && { client_ip: message.ip }),
      ...config.metadata,
    },
  };
};

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

const templateError = (field: string, fix: string): never => {
  throw connectorError(
    ConnectorErrorCodes.InvalidConfig,
    `Correct the ${field} of Logto's email template: ${fix}`
  );
};

const senderFor = (sendFrom: string, { fromEmail }: PostmarkConfig) =>
  fromWithSendFrom(sendFrom, fromEmail) ??
  templateError(
    'sender (sendFrom)',
    `give a name, an address, or Name <address>. It may have at most ${limits.displayName} characters of name and ${limits.address} of address.`
  );

const replyToFor = (replyTo: string) => {
  const parsed = parseMailboxList(replyTo);
  return 'problem' in parsed
    ? templateError('Reply-To (replyTo)', `it ${parsed.problem}. Give ${replyToShape}.`)
    : formatMailboxList(parsed.mailboxes);
};

// Real emails are a few dozen kilobytes; past this size the plain-text part would cost more than
// it is worth, and Postmark sends the HTML alone.
const maxTextPartSource = 512 * 1024;

// A handlebar as connector-kit finds one; `\s` and `[\w.]` share no character, so no backtracking.
const handlebar = /{{\s*[\w.]+\s*}}/g;

// Every character that ends a line somewhere: CR, LF, VT, FF, NEL and Unicode's two separators.
const lineBreaks = /[\n\v\f\r\u0085\u2028\u2029]+/g;

/** The body of `POST /email` for one of Logto's own email templates. */
export const customEmailBody = (
  config: PostmarkConfig,
  template: EmailTemplateDetails,
  message: Message
) => {
  const fill = (text: string) => replaceSendMessageHandlebars(text, message.payload);
  const from = template.sendFrom ? senderFor(fill(template.sendFrom), config) : config.fromEmail;
  const replyTo = template.replyTo ? replyToFor(fill(template.replyTo)) : undefined;

  // One handlebar at a time, so no value is read as one; one left unfilled has nothing to encode.
  const fillEncoded = (text: string, encode: (value: string) => string) =>
    text.replaceAll(handlebar, (found) => encode(fill(found)));
  const isText = template.contentType === 'text/plain';
  // In HTML, a user's name or an organization's is text: it may never add a tag or a link.
  const content = isText ? fill(template.content) : fillEncoded(template.content, escapeHtml);
  const text = isText || content.length > maxTextPartSource ? '' : htmlToText(content);

  return {
    From: from,
    To: message.to,
    // A value stays on the subject's one line.
    Subject: fillEncoded(template.subject, (value) => value.replaceAll(lineBreaks, ' ')),
    ...(isText ? { TextBody: content } : { HtmlBody: content, ...(text && { TextBody: text }) }),
    ...sendingOptions(config, message, replyTo),
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
