import { TemplateType, sendMessagePayloadGuard } from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';

import { essentialOf, isFilled } from './logto-payload.js';

describe('essentialOf', () => {
  it('is the link for an invitation and the code for every other email', () => {
    expect(essentialOf(TemplateType.OrganizationInvitation)).toBe('link');
    for (const usageType of [
      'SignIn',
      'Register',
      'ForgotPassword',
      'Generic',
      'UserPermissionValidation',
    ]) {
      expect(essentialOf(usageType)).toBe('code');
    }
  });
});

const userFields = ['id', 'avatar', 'name', 'primaryEmail', 'primaryPhone', 'username', 'profile'];
const organizationFields = ['id', 'name', 'branding'];
const applicationFields = ['id', 'name', 'branding', 'displayName'];

describe('isFilled', () => {
  it.each([
    ['SignIn', 'user', userFields],
    ['Register', 'organization', organizationFields],
    ['ForgotPassword', 'application', applicationFields],
    ['OrganizationInvitation', 'inviter', userFields],
    ['OrganizationInvitation', 'organization', organizationFields],
  ])('%s fills every field Logto gives its %s', (usageType, name, fields) => {
    for (const field of fields) {
      expect(isFilled(`${name}.${field}`, usageType, {}), field).toBe(true);
    }
    expect(isFilled(`${name}.password`, usageType, {})).toBe(false);
  });

  it.each([
    ['code', 'SignIn'],
    ['locale', 'Register'],
    ['uiLocales', 'Generic'],
    ['user.primaryEmail', 'SignIn'],
    ['user.profile', 'ForgotPassword'],
    ['organization.branding', 'SignIn'],
    ['application.displayName', 'SignIn'],
    ['link', 'OrganizationInvitation'],
    ['inviter.username', 'OrganizationInvitation'],
    ['organization.name', 'OrganizationInvitation'],
    ['user', 'SignIn'],
  ])('%s is in what Logto sends for %s', (path, usageType) => {
    expect(isFilled(path, usageType, {})).toBe(true);
  });

  it.each([
    ['link', 'SignIn'],
    ['code', 'OrganizationInvitation'],
    ['user.name', 'OrganizationInvitation'],
    ['application.name', 'OrganizationInvitation'],
    ['inviter.name', 'SignIn'],
    ['user.password', 'SignIn'],
    ['application.displayName.first', 'OrganizationInvitation'],
    ['code.length', 'SignIn'],
    ['product_name', 'SignIn'],
    ['toString', 'SignIn'],
    ['', 'SignIn'],
  ])('%s is not in what Logto sends for %s', (path, usageType) => {
    expect(isFilled(path, usageType, {})).toBe(false);
  });

  it('reads a field of a deeper path by its first two names', () => {
    expect(isFilled('user.profile.givenName', 'SignIn', {})).toBe(true);
    expect(isFilled('user.secret.givenName', 'SignIn', {})).toBe(false);
  });

  it('counts the fixed variables whole, whatever field a template reads of them', () => {
    const fixed = { company: { name: 'Acme' }, link: 'https://example.com' };
    expect(isFilled('company', 'SignIn', fixed)).toBe(true);
    expect(isFilled('company.address.city', 'SignIn', fixed)).toBe(true);
    expect(isFilled('link', 'SignIn', fixed)).toBe(true);
    expect(isFilled('toString', 'SignIn', fixed)).toBe(false);
  });
});

describe('the payload as connector-kit knows it', () => {
  it('fills every plain field of the installed kit for one usage type or the other', () => {
    for (const field of Object.keys(sendMessagePayloadGuard.shape)) {
      expect(
        isFilled(field, TemplateType.SignIn, {}) ||
          isFilled(field, TemplateType.OrganizationInvitation, {}),
        field
      ).toBe(true);
    }
  });

  it('knows the four fields of kits 4.7 to 5.1, code and link each for its own emails', () => {
    expect(Object.keys(sendMessagePayloadGuard.shape).sort()).toEqual(
      ['code', 'link', 'locale', 'uiLocales'].sort()
    );
    expect(isFilled('link', TemplateType.SignIn, {})).toBe(false);
    expect(isFilled('code', TemplateType.OrganizationInvitation, {})).toBe(false);
  });
});
