import {
  type CreateConnector,
  type EmailConnector,
  type GetI18nEmailTemplate,
  ConnectorType,
} from '@logto/connector-kit';

import { parseConfig, parseSavedConfig } from './config/parse.js';
import { consoleTestDeadlineMs, defaultMetadata } from './constant.js';
import { customEmailBody, serialize, templateEmailBody } from './email-body/index.js';
import { toLogtoError } from './errors/readers.js';
import { requestedLanguages } from './language.js';
import { type Message, parseMessage } from './message.js';
import { postmarkFailureError } from './postmark/answers.js';
import { callPostmark } from './postmark/client.js';
import { parseJson, postmarkSendResultGuard } from './postmark/json.js';
import { checkTemplates } from './preflight/index.js';
import { chooseTemplate, describeTemplate, findCustomTemplate } from './template.js';
import { type PostmarkConfig, postmarkConfigGuard } from './types.js';

/** The operator's custom template in Logto if there is one, else the configured Postmark one. */
const prepareSend = async (
  config: PostmarkConfig,
  message: Message,
  getI18nEmailTemplate?: GetI18nEmailTemplate
) => {
  const context = { from: config.fromEmail, to: message.to, usageType: message.type };
  const languages = requestedLanguages(message.payload);
  const custom = await findCustomTemplate(getI18nEmailTemplate, message.type, languages[0]);

  if (custom) {
    return { path: 'email', body: customEmailBody(config, custom, message), context };
  }

  const template = chooseTemplate(config.templates, message.type, languages);

  if (!template) {
    throw new Error(
      `No template for usage type ${message.type}, though the configuration has a Generic entry without locale: a bug in choosing templates.`
    );
  }

  return {
    path: 'email/withTemplate',
    body: templateEmailBody(config, template, message),
    context: { ...context, template: describeTemplate(template) },
  };
};

const createPostmarkConnector: CreateConnector<EmailConnector> = async ({
  getConfig,
  getI18nEmailTemplate,
}) => ({
  metadata: defaultMetadata,
  type: ConnectorType.Email,
  configGuard: postmarkConfigGuard,
  async sendMessage(data, inputConfig) {
    // Only the Console's "Send" test passes a configuration: the unsaved form.
    const isConsoleTest = inputConfig !== undefined;
    const rawConfig = inputConfig ?? (await getConfig(defaultMetadata.id));

    try {
      // The Console's form changes with every keystroke; only the saved configuration is worth keeping.
      const config = isConsoleTest ? parseConfig(rawConfig) : parseSavedConfig(rawConfig);
      const message = parseMessage(data);
      // Real sends keep callPostmark's own deadline; the Console test shares one across its requests.
      const deadlineAt = isConsoleTest ? Date.now() + consoleTestDeadlineMs : undefined;

      if (isConsoleTest) {
        await checkTemplates(config, { deadlineAt, getI18nEmailTemplate });
      }

      const { path, body, context } = await prepareSend(config, message, getI18nEmailTemplate);
      const answer = await callPostmark({
        method: 'POST',
        path,
        token: config.serverToken,
        body: serialize(body),
        deadlineAt,
      });

      if (!answer.ok) {
        throw postmarkFailureError(answer, context);
      }

      // Postmark only answers 2xx once it has accepted the email; a garbled body does not undo that.
      return parseJson(postmarkSendResultGuard, answer.body) ?? {};
    } catch (error: unknown) {
      throw toLogtoError(error, { rawConfig, data, isConsoleTest });
    }
  },
});

export default createPostmarkConnector;
