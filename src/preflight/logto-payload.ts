import { TemplateType, sendMessagePayloadGuard } from '@logto/connector-kit';

const userFields = ['id', 'avatar', 'name', 'primaryEmail', 'primaryPhone', 'username', 'profile'];
const organizationFields = ['id', 'name', 'branding'];

/**
 * The plain values Logto puts in every payload, as connector-kit's own guard lists them (`code`,
 * `link`, `locale`, `uiLocales` in kit 4.7 to 5.1), so that a field a newer kit adds is known here
 * too. Each email has one of `code` and `link`: the other is left out below.
 */
const kitFields = Object.keys(sendMessagePayloadGuard.shape);
const plainFields = (without: string): Record<string, undefined> =>
  Object.fromEntries(kitFields.filter((name) => name !== without).map((name) => [name, undefined]));

/**
 * What Logto puts in the payload, by usage type: a name mapped to the fields it has, or to
 * `undefined` for a plain value. The context objects are core's (its passcode and organization
 * invitation libraries); the kit has no guard for them.
 */
const codePayload: Record<string, string[] | undefined> = {
  ...plainFields('link'),
  user: userFields,
  organization: organizationFields,
  application: ['id', 'name', 'branding', 'displayName'],
};

const invitationPayload: Record<string, string[] | undefined> = {
  ...plainFields('code'),
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
