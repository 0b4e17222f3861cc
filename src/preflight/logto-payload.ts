import { TemplateType, sendMessagePayloadGuard } from '@logto/connector-kit';

const userFields = ['id', 'avatar', 'name', 'primaryEmail', 'primaryPhone', 'username', 'profile'];
const organizationFields = ['id', 'name', 'branding'];

/**
 * The names and `name.field` paths Logto fills: the kit guard's plain values (so a newer kit's count
 * too) but `without`, of `code` and `link`, the one the email lacks; and core's objects, unguarded.
 */
const filled = (without: string, objects: Record<string, string[]>) =>
  new Set([
    ...Object.keys(sendMessagePayloadGuard.shape).filter((name) => name !== without),
    ...Object.entries(objects).flatMap(([name, fields]) => [
      name,
      ...fields.map((field) => `${name}.${field}`),
    ]),
  ]);

/** The variable without which the email is useless. */
export const essentialOf = (usageType: string) =>
  usageType === TemplateType.OrganizationInvitation ? 'link' : 'code';

const payloads = {
  code: filled('link', {
    user: userFields,
    organization: organizationFields,
    application: ['id', 'name', 'branding', 'displayName'],
  }),
  link: filled('code', { organization: organizationFields, inviter: userFields }),
};

/** Whether Logto or "Fixed template values" fill a path; a fixed value counts whole. */
export const isFilled = (path: string, usageType: string, fixed: Record<string, unknown>) => {
  const [name = '', field] = path.split('.', 2);
  const sent = payloads[essentialOf(usageType)];
  return Object.hasOwn(fixed, name) || sent.has(field === undefined ? name : `${name}.${field}`);
};
