import { TemplateType } from '@logto/connector-kit';

const userFields = ['id', 'avatar', 'name', 'primaryEmail', 'primaryPhone', 'username', 'profile'];
const organizationFields = ['id', 'name', 'branding'];

/**
 * What Logto puts in the payload, by usage type (core's passcode and organization invitation
 * libraries): a name mapped to the fields it has, or to `undefined` for a plain value.
 */
const codePayload: Record<string, string[] | undefined> = {
  code: undefined,
  locale: undefined,
  uiLocales: undefined,
  user: userFields,
  organization: organizationFields,
  application: ['id', 'name', 'branding', 'displayName'],
};

const invitationPayload: Record<string, string[] | undefined> = {
  link: undefined,
  locale: undefined,
  uiLocales: undefined,
  organization: organizationFields,
  inviter: userFields,
};

const payloadOf = (usageType: string) =>
  usageType === TemplateType.OrganizationInvitation ? invitationPayload : codePayload;

/** The variable without which the email is useless. */
export const essentialOf = (usageType: string) =>
  usageType === TemplateType.OrganizationInvitation ? 'link' : 'code';

export const isFilled = (path: string, usageType: string, fixed: Record<string, unknown>) => {
  const [name = '', field] = path.split('.', 2);

  if (Object.hasOwn(fixed, name)) {
    return true;
  }

  const payload = payloadOf(usageType);

  if (!Object.hasOwn(payload, name)) {
    return false;
  }

  const fields = payload[name];
  return field === undefined || (fields?.includes(field) ?? false);
};
