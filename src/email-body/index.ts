import {
  ConnectorErrorCodes,
  type EmailTemplateDetails,
  replaceSendMessageHandlebars,
} from '@logto/connector-kit';

import { limits, maxRequestBytes } from '../constant.js';
import { connectorError } from '../errors/connector-error.js';
import { formatMailbox, fromWithSendFrom, parseMailbox } from '../mailbox.js';
import { type Message, invalidRequest } from '../message.js';
import type { PostmarkConfig, TemplateConfig } from '../types.js';

import { htmlToText } from './html-to-text.js';

const metadataFor = (config: PostmarkConfig, { type, payload, ip }: Message) => ({
  usage_type: type,
  ...(typeof payload.locale === 'string' && payload.locale && { locale: payload.locale }),
  ...(config.recordClientIp && ip && { client_ip: ip }),
  ...config.metadata,
});

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

const templateReference = (entry: TemplateConfig) =>
  entry.templateId === undefined
    ? { TemplateAlias: entry.templateAlias }
    : { TemplateId: entry.templateId };

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

const fromOf = (sendFrom: string, { fromEmail }: PostmarkConfig) => {
  const from = fromWithSendFrom(sendFrom, fromEmail);

  if (from === undefined) {
    throw templateError(
      `The sender (sendFrom) of Logto's email template is not one Postmark can send from: give a name, an address, or Name <address>, with at most ${limits.displayName} characters of name and ${limits.address} of address.`
    );
  }

  return from;
};

const replyToOf = (replyTo: string) => {
  const mailbox = parseMailbox(replyTo);

  if (!mailbox) {
    throw templateError(
      `The Reply-To (replyTo) of Logto's email template must be one address, such as help@your.domain or Support <help@your.domain>.`
    );
  }

  return formatMailbox(mailbox);
};

/** The body of `POST /email` for one of Logto's own email templates. */
export const customEmailBody = (
  config: PostmarkConfig,
  template: EmailTemplateDetails,
  message: Message
) => {
  const fill = (text: string) => replaceSendMessageHandlebars(text, message.payload);
  const content = fill(template.content);

  return {
    From: template.sendFrom ? fromOf(fill(template.sendFrom), config) : config.fromEmail,
    To: message.to,
    Subject: fill(template.subject),
    ...(template.contentType === 'text/plain'
      ? { TextBody: content }
      : { HtmlBody: content, ...textPart(content) }),
    ...sendingOptions(
      config,
      message,
      template.replyTo ? replyToOf(fill(template.replyTo)) : undefined
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
      `The email is ${(bytes / 1024 / 1024).toFixed(1)} MB; Postmark accepts at most 10 MB per request.`
    );
  }

  return json;
};
