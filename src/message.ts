/** What Logto hands `sendMessage`, checked; the payload itself goes to Postmark as it came. */
import { isIP } from 'node:net';

import {
  ConnectorErrorCodes,
  type SendMessagePayload,
  type TemplateType,
  templateTypeGuard,
} from '@logto/connector-kit';

import { limits } from './constant.js';
import { type Advice, connectorError } from './errors/connector-error.js';
import { localeHintsProblem } from './language.js';
import { parseRecipient } from './mailbox.js';
import { isPlainObject } from './types.js';

export type Message = { to: string; type: TemplateType; payload: SendMessagePayload; ip?: string };

export const invalidRequest = (description: string, advice: Advice = 'site') =>
  connectorError(ConnectorErrorCodes.InvalidRequestParameters, description, {}, advice);

const usageTypeProblem = (type: unknown) =>
  type === undefined
    ? 'The message has no usage type.'
    : typeof type === 'string'
      ? `The usage type ${JSON.stringify(type.slice(0, 100)).slice(0, 100)} is not one Logto sends.`
      : 'The usage type is not text.';

export const parseMessage = (data: unknown): Message => {
  if (!isPlainObject(data)) {
    throw invalidRequest('The message to send is missing.');
  }

  const { to, type, payload = {}, ip } = data;
  const recipient =
    typeof to === 'string' ? parseRecipient(to) : { problem: 'is missing or not text' };

  if ('problem' in recipient) {
    throw invalidRequest(
      `The recipient ${recipient.problem}: it must be one bare email address, such as user@example.com.`,
      'address'
    );
  }

  const usageType = templateTypeGuard.safeParse(type);

  if (!usageType.success) {
    throw invalidRequest(usageTypeProblem(type));
  }

  if (!isPlainObject(payload)) {
    throw invalidRequest('The message payload must be an object.');
  }

  const localeProblem = localeHintsProblem(payload);

  if (localeProblem) {
    throw invalidRequest(localeProblem);
  }

  // The address Logto saw the request come from, when it is one.
  const hasIp = typeof ip === 'string' && ip.length <= limits.ipAddress && isIP(ip) !== 0;
  return { to: recipient.address, type: usageType.data, payload, ip: hasIp ? ip : undefined };
};
