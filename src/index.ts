import {
  type CreateConnector,
  type EmailConnector,
  type GetI18nEmailTemplate,
  type SendMessageFunction,
  ConnectorErrorCodes,
  ConnectorType,
  templateTypeGuard,
} from '@logto/connector-kit';

import { checkTemplates } from './check.js';
import { parseConfig, parseSavedConfig } from './config.js';
import {
  consoleTestDeadlineMs,
  defaultMetadata,
  sendEmailPath,
  sendWithTemplatePath,
} from './constant.js';
import { connectorError, postmarkFailureError, toSafeConnectorError } from './errors.js';
import { callPostmark } from './postmark.js';
import { present } from './readers.js';
import {
  type Message,
  customEmailBody,
  parseMessage,
  serialize,
  templateEmailBody,
} from './request.js';
import { chooseTemplate, describeTemplate } from './template.js';
import {
  type PostmarkConfig,
  type PostmarkSendResult,
  isPlainObject,
  postmarkConfigGuard,
} from './types.js';

/** Logto's own email template for this send, if the operator made one. */
const customTemplate = async (
  getI18nEmailTemplate: GetI18nEmailTemplate | undefined,
  { type, payload }: Message
) => {
  try {
    return await getI18nEmailTemplate?.(
      type,
      typeof payload.locale === 'string' ? payload.locale : undefined
    );
  } catch {
    // Like Logto's other email connectors: a failing lookup means the provider's own template.
  }
};

const prepareSend = async (
  config: PostmarkConfig,
  message: Message,
  getI18nEmailTemplate?: GetI18nEmailTemplate
) => {
  const context = {
    from: config.fromEmail,
    to: message.to,
    usageType: message.type,
  };
  const custom = await customTemplate(getI18nEmailTemplate, message);

  if (custom) {
    return {
      path: sendEmailPath,
      body: customEmailBody(config, custom, message),
      context,
    };
  }

  const template = chooseTemplate(config.templates, message.type, message.payload);

  if (!template) {
    throw connectorError(
      ConnectorErrorCodes.TemplateNotFound,
      `No template is configured for usage type ${message.type}, and there is no Generic one to fall back on. Add an entry to "Templates".`
    );
  }

  return {
    path: sendWithTemplatePath,
    body: templateEmailBody(config, template, message),
    context: { ...context, template: describeTemplate(template) },
  };
};

const sendResultFields = {
  To: 'string',
  SubmittedAt: 'string',
  MessageID: 'string',
  ErrorCode: 'number',
  Message: 'string',
} as const;

/** `postmarkSendResultGuard` in plain checks: it runs on every send. */
const isSendResult = (value: unknown): value is PostmarkSendResult =>
  isPlainObject(value) &&
  Object.entries(sendResultFields).every(
    ([key, type]) => value[key] === undefined || typeof value[key] === type
  );

const parseResult = (body: string): PostmarkSendResult => {
  try {
    const result: unknown = JSON.parse(body);
    return isSendResult(result) ? result : {};
  } catch {
    // Postmark only answers 2xx once it has accepted the email; a garbled body does not undo that.
    return {};
  }
};

const send = async (
  config: PostmarkConfig,
  data: unknown,
  {
    isConsoleTest,
    getI18nEmailTemplate,
  }: { isConsoleTest: boolean; getI18nEmailTemplate?: GetI18nEmailTemplate }
) => {
  const message = parseMessage(data);
  // Real sends keep callPostmark's own deadline; the Console test shares one across its requests.
  const deadlineAt = isConsoleTest ? Date.now() + consoleTestDeadlineMs : undefined;

  if (isConsoleTest) {
    await checkTemplates(config, { deadlineAt, getI18nEmailTemplate });
  }

  const { path, body, context } = await prepareSend(config, message, getI18nEmailTemplate);
  const answer = await callPostmark({
    method: 'post',
    path,
    token: config.serverToken,
    body: serialize(body),
    deadlineAt,
  });

  if (!answer.ok) {
    throw postmarkFailureError(answer, context);
  }

  return parseResult(answer.body);
};

/** What the error's readers need from a message that may not have passed its checks. */
const readerHints = (data: unknown) => ({
  locale:
    isPlainObject(data) && isPlainObject(data.payload) && typeof data.payload.locale === 'string'
      ? data.payload.locale
      : undefined,
  usageType:
    isPlainObject(data) && templateTypeGuard.safeParse(data.type).success
      ? String(data.type)
      : undefined,
});

const secretOf = (rawConfig: unknown) =>
  typeof rawConfig === 'object' &&
  rawConfig !== null &&
  'serverToken' in rawConfig &&
  typeof rawConfig.serverToken === 'string'
    ? rawConfig.serverToken.trim()
    : undefined;

const createPostmarkConnector: CreateConnector<EmailConnector> = async ({
  getConfig,
  getI18nEmailTemplate,
}) => {
  const sendMessage: SendMessageFunction = async (data, inputConfig) => {
    // Only the Console's "Send" test passes a configuration: the unsaved form.
    const rawConfig = inputConfig ?? (await getConfig(defaultMetadata.id));

    try {
      // The Console's form changes with every keystroke; only the saved configuration is worth keeping.
      const config =
        inputConfig === undefined ? parseSavedConfig(rawConfig) : parseConfig(rawConfig);
      return await send(config, data, {
        isConsoleTest: inputConfig !== undefined,
        getI18nEmailTemplate,
      });
    } catch (error: unknown) {
      throw present(toSafeConnectorError(error, secretOf(rawConfig)), {
        isConsoleTest: inputConfig !== undefined,
        ...readerHints(data),
      });
    }
  };

  return {
    metadata: defaultMetadata,
    type: ConnectorType.Email,
    configGuard: postmarkConfigGuard,
    sendMessage,
  };
};

export default createPostmarkConnector;
