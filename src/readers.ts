import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';

import { type Advice, usageLimitExceeded } from './errors.js';
import { isPlainObject } from './types.js';

const userSentences: Record<string, Record<Advice, string>> = {
  en: {
    retry: 'We could not send the email just now. Please try again in a minute.',
    address: 'We could not send an email to this address. Please check it, or use another one.',
    site: 'This site cannot send email right now. Please try again later, or contact its support.',
  },
  de: {
    retry:
      'Die E-Mail konnte gerade nicht gesendet werden. Bitte versuchen Sie es in einer Minute erneut.',
    address:
      'An diese Adresse konnte keine E-Mail gesendet werden. Bitte prüfen Sie sie oder verwenden Sie eine andere.',
    site: 'Diese Website kann gerade keine E-Mails senden. Bitte versuchen Sie es später erneut oder wenden Sie sich an ihren Support.',
  },
  fr: {
    retry: "Impossible d'envoyer l'e-mail pour le moment. Veuillez réessayer dans une minute.",
    address:
      "Impossible d'envoyer un e-mail à cette adresse. Vérifiez-la, ou utilisez-en une autre.",
    site: "Ce site ne peut pas envoyer d'e-mails pour le moment. Réessayez plus tard, ou contactez son support.",
  },
  es: {
    retry: 'No pudimos enviar el correo en este momento. Inténtalo de nuevo en un minuto.',
    address: 'No pudimos enviar un correo a esta dirección. Compruébala, o usa otra.',
    site: 'Este sitio no puede enviar correos ahora mismo. Inténtalo más tarde, o contacta con su soporte.',
  },
  ru: {
    retry: 'Не удалось отправить письмо. Попробуйте ещё раз через минуту.',
    address: 'Не удалось отправить письмо на этот адрес. Проверьте его или укажите другой.',
    site: 'Сайт сейчас не может отправлять письма. Попробуйте позже или обратитесь в поддержку.',
  },
};

/** The user's sentence in their language (`de-CH` finds `de`), English when we have none. */
export const userSentence = (advice: Advice, locale?: string) => {
  const language = locale?.slice(0, 8).split('-')[0]?.toLowerCase() ?? '';
  return (userSentences[language] ?? userSentences.en)?.[advice] ?? '';
};

/** Logto answers these with HTTP 429 and its own "try again later" phrase, in the user's language. */
const keptOnSignIn = new Set<ConnectorErrorCodes>([
  ConnectorErrorCodes.RateLimitExceeded,
  usageLimitExceeded,
]);

const isAdvice = (value: unknown): value is Advice =>
  value === 'retry' || value === 'address' || value === 'site';

export type Reader = {
  /** Only the Console's "Send" test passes a configuration; its reader is the operator. */
  isConsoleTest: boolean;
  /** The user's language, for the sentence the sign-in page shows. */
  locale?: string;
  /** The email Logto asked for, so that the audit log says which flow failed. */
  usageType?: string;
};

/**
 * Shapes an error for the people who read it. Logto's Console shows the operator only the
 * `message` it makes from `data.errorDescription` of a `general` error, so the Console test gets
 * the operator's sentence that way. The sign-in page shows the user that same `message`, so a
 * real send gets a short sentence the user can act on, with the operator's account kept in
 * `data` for the audit log. Errors that are not the connector's own pass as they are.
 */
export const present = (error: ConnectorError, { isConsoleTest, locale, usageType }: Reader) => {
  const { code, data } = error;

  if (!isPlainObject(data) || !isAdvice(data.advice) || typeof data.errorDescription !== 'string') {
    return error;
  }

  const { advice, errorDescription, ...facts } = data;

  if (isConsoleTest) {
    return new ConnectorError(ConnectorErrorCodes.General, {
      errorDescription,
      reason: code,
      usageType,
      ...facts,
    });
  }

  return new ConnectorError(keptOnSignIn.has(code) ? code : ConnectorErrorCodes.General, {
    errorDescription: userSentence(advice, locale),
    operatorMessage: errorDescription,
    reason: code,
    usageType,
    ...facts,
  });
};
