/**
 * Loads a connector package the way Logto core does, with the loader from `@logto/cli`, and makes
 * its sends the way Logto core makes them.
 */
import {
  buildRawConnector,
  loadConnectorFactories,
  notImplemented,
} from '@logto/cli/lib/connector/index.js';
import {
  type EmailConnector,
  type GetI18nEmailTemplate,
  type SendMessagePayload,
  TemplateType,
} from '@logto/connector-kit';

export type Factory = Awaited<ReturnType<typeof loadFactory>>;

/** Logto's loader keeps the first list it loaded for the life of the process: one package a process. */
export const loadFactory = async (packagePath: string) => {
  const [factory] = await loadConnectorFactories(
    [{ path: packagePath, name: 'connector-postmark-mail' }],
    false
  );

  if (!factory) {
    throw new Error(`Logto's loader skipped ${packagePath}; its log above says why.`);
  }

  return factory;
};

/**
 * The connector as core builds it for a real send: core builds it anew for every email, and its
 * `getConfig` reads the saved configuration from the database each time, a new object.
 */
export const buildConnector = async (
  factory: Factory,
  config: unknown,
  getI18nEmailTemplate?: GetI18nEmailTemplate
) => {
  const { rawConnector } = await buildRawConnector(
    factory,
    async () => structuredClone(config),
    undefined,
    getI18nEmailTemplate
  );
  // The factory's type was checked by the loader: this package is an email connector.
  return rawConnector as EmailConnector;
};

/**
 * What core's `POST /connectors/:factoryId/test` does with the unsaved form: a connector whose
 * `getConfig` is `notImplemented`, Logto's own email templates, the Console user's address.
 */
export const consoleTest = async (
  factory: Factory,
  to: string,
  formConfig: unknown,
  {
    locale = 'en',
    getI18nEmailTemplate,
  }: { locale?: string; getI18nEmailTemplate?: GetI18nEmailTemplate } = {}
) => {
  const { rawConnector } = await buildRawConnector(
    factory,
    notImplemented,
    undefined,
    getI18nEmailTemplate
  );
  return (rawConnector as EmailConnector).sendMessage(
    { to, type: TemplateType.Generic, payload: { code: '000000', locale }, ip: '::ffff:127.0.0.1' },
    formConfig
  );
};

/** One real send the way core makes it: the connector built anew, the configuration read anew. */
export const sendAsLogto = async (
  factory: Factory,
  config: unknown,
  data: Parameters<EmailConnector['sendMessage']>[0],
  getI18nEmailTemplate?: GetI18nEmailTemplate
) => {
  const connector = await buildConnector(factory, config, getI18nEmailTemplate);
  return connector.sendMessage(data);
};

/** A payload like the one Logto sends for each usage type. */
export const samplePayload = (type: TemplateType): SendMessagePayload => {
  const common = { locale: 'en', uiLocales: 'en' };

  if (type === TemplateType.OrganizationInvitation) {
    return {
      ...common,
      link: 'https://auth.example.com/invitation?token=demo',
      organization: { id: 'org-1', name: 'Acme' },
      inviter: { name: 'Ann', primaryEmail: 'ann@example.com' },
      application: { id: 'app-1', name: 'Acme Portal' },
    };
  }

  return { ...common, code: '123456', application: { id: 'app-1', name: 'Acme Portal' } };
};
