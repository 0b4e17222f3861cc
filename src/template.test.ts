import { TemplateType } from '@logto/connector-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { requestedLanguages } from './language.js';
import { chooseTemplate, describeTemplate, templateKey } from './template.js';
import { type TemplateConfig, requiredUsageTypes, templateGuard, templatesGuard } from './types.js';

const entry = (usageType: string, templateAlias: string, locale?: string): TemplateConfig =>
  templateGuard.parse({ usageType, templateAlias, locale });

const templates = [
  entry('SignIn', 'sign-in'),
  entry('SignIn', 'sign-in-de', 'de'),
  entry('SignIn', 'sign-in-pt-br', 'pt-BR'),
  entry('SignIn', 'sign-in-zh-hant', 'zh-Hant'),
  entry('Register', 'register'),
  entry('ForgotPassword', 'forgot-password'),
  entry('ForgotPassword', 'forgot-password-fr', 'fr'),
  entry('Generic', 'generic'),
  entry('Generic', 'generic-de', 'de'),
  entry('Generic', 'generic-ja', 'ja'),
  entry('OrganizationInvitation', 'invitation-es', 'es'),
];

describe('chooseTemplate', () => {
  it.each([
    // The usage type's own default.
    ['SignIn', {}, 'sign-in'],
    ['Register', { locale: 'de' }, 'register'],
    // Exact locale, in any case.
    ['SignIn', { locale: 'de' }, 'sign-in-de'],
    ['SignIn', { locale: 'DE' }, 'sign-in-de'],
    ['SignIn', { locale: 'pt-BR' }, 'sign-in-pt-br'],
    ['SignIn', { locale: 'pt-br' }, 'sign-in-pt-br'],
    ['SignIn', { locale: 'zh-Hant' }, 'sign-in-zh-hant'],
    // The language of a regional tag.
    ['SignIn', { locale: 'de-CH' }, 'sign-in-de'],
    ['SignIn', { locale: 'de-AT' }, 'sign-in-de'],
    ['ForgotPassword', { locale: 'fr-CA' }, 'forgot-password-fr'],
    // The same language and script, with likely subtags: pt is pt-Latn-BR, zh-TW is zh-Hant-TW.
    ['SignIn', { locale: 'pt' }, 'sign-in-pt-br'],
    ['SignIn', { locale: 'pt-PT' }, 'sign-in-pt-br'],
    ['SignIn', { locale: 'zh-TW' }, 'sign-in-zh-hant'],
    ['SignIn', { locale: 'zh-HK' }, 'sign-in-zh-hant'],
    ['SignIn', { locale: 'zh-Hant-TW' }, 'sign-in-zh-hant'],
    ['SignIn', { uiLocales: 'ZH-tw' }, 'sign-in-zh-hant'],
    // Never another script: Simplified Chinese gets the default.
    ['SignIn', { locale: 'zh-CN' }, 'sign-in'],
    ['SignIn', { locale: 'zh' }, 'sign-in'],
    // Ui_locales, in the user's order, after locale.
    ['SignIn', { uiLocales: 'fr de' }, 'sign-in-de'],
    ['SignIn', { uiLocales: 'pt-BR de' }, 'sign-in-pt-br'],
    ['SignIn', { uiLocales: 'de pt-BR' }, 'sign-in-de'],
    ['SignIn', { locale: 'it', uiLocales: 'it  pt-BR' }, 'sign-in-pt-br'],
    ['SignIn', { locale: 'de', uiLocales: 'pt-BR' }, 'sign-in-de'],
    // An exact match of an earlier tag wins over a later one; a language match of an earlier tag too.
    ['SignIn', { uiLocales: 'de-CH pt-BR' }, 'sign-in-de'],
    // No candidate matches: the usage type's default.
    ['SignIn', { locale: 'ko', uiLocales: 'ko en' }, 'sign-in'],
    // The usage type wins over the language: no localized Generic for a configured type.
    ['Register', { locale: 'ja' }, 'register'],
    // A type with no entry falls back to Generic, localized.
    ['MfaVerification', { locale: 'ja' }, 'generic-ja'],
    ['BindMfa', { locale: 'de-CH' }, 'generic-de'],
    ['BindMfa', { locale: 'zh-CN', uiLocales: 'zh-CN ja-JP' }, 'generic-ja'],
    ['UserPermissionValidation', {}, 'generic'],
    ['BindNewIdentifier', { uiLocales: 'ko' }, 'generic'],
    // Only localized entries for the type: its match, else Generic.
    ['OrganizationInvitation', { locale: 'es-MX' }, 'invitation-es'],
    ['OrganizationInvitation', { locale: 'de' }, 'generic-de'],
    ['OrganizationInvitation', {}, 'generic'],
    // Hints that are not strings are ignored.
    ['SignIn', { locale: 42, uiLocales: ['de'] }, 'sign-in'],
    ['SignIn', { locale: '', uiLocales: '' }, 'sign-in'],
  ])('%s with %j → %s', (type, hints, alias) => {
    expect(chooseTemplate(templates, type, requestedLanguages(hints))?.templateAlias).toBe(alias);
  });

  it('finds nothing when neither the type nor Generic has an entry', () => {
    expect(chooseTemplate([entry('SignIn', 'sign-in')], 'Register', [])).toBeUndefined();
  });

  it('finds nothing when Generic has only entries for other languages', () => {
    expect(
      chooseTemplate([entry('Generic', 'generic-de', 'de')], 'Register', ['en'])
    ).toBeUndefined();
  });
});

describe('a template for every send', () => {
  const usageTypes = Object.values(TemplateType);
  const locales = ['de', 'de-CH', 'fr', 'ja', 'pt-BR', 'zh-Hant', 'zh-CN'];
  const required = requiredUsageTypes.map((usageType) => ({
    usageType,
    templateAlias: `logto-${usageType.toLowerCase()}`,
  }));
  const localized = fc.record({
    usageType: fc.constantFrom(...usageTypes),
    templateAlias: fc.constantFrom('a', 'b'),
    locale: fc.constantFrom(...locales),
  });

  // Why sending has no "no template" error: the guard never lets such a configuration through.
  it('is found for every usage type and language in any configuration the guard takes', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(localized, {
          selector: ({ usageType, locale }) => `${usageType} ${locale}`,
        }),
        fc.constantFrom(...usageTypes),
        fc.option(fc.constantFrom(...locales, 'ko', 'en')),
        (extra, usageType, locale) => {
          const templates = templatesGuard.parse([...required, ...extra]);

          expect(
            chooseTemplate(templates, usageType, requestedLanguages({ locale }))
          ).toBeDefined();
        }
      )
    );
  });

  it('is not promised when Generic has entries only for some languages, so the guard refuses that', () => {
    const onlyLocalizedGeneric = [
      ...required.filter(({ usageType }) => usageType !== TemplateType.Generic),
      { usageType: 'Generic', templateAlias: 'generic-de', locale: 'de' },
    ];

    expect(templatesGuard.safeParse(onlyLocalizedGeneric).success).toBe(false);
    expect(
      chooseTemplate(templateGuard.array().parse(onlyLocalizedGeneric), 'BindMfa', ['ja'])
    ).toBeUndefined();
  });
});

describe('a template entry', () => {
  it.each([
    [
      { usageType: 'SignIn', templateAlias: 'logto-sign-in' },
      'logto-sign-in',
      'alias "logto-sign-in"',
    ],
    [{ usageType: 'SignIn', templateId: 12_345, templateAlias: '' }, '12345', 'ID 12345'],
  ])('%j is keyed %j and described as %j', (input, key, description) => {
    const entry = templateGuard.parse(input);

    expect(templateKey(entry)).toBe(key);
    expect(describeTemplate(entry)).toBe(description);
  });

  it.each([
    [{ usageType: 'SignIn' }],
    [{ usageType: 'SignIn', templateAlias: 'logto-sign-in', templateId: 1 }],
  ])('needs exactly one of alias and ID: %j', (input) => {
    expect(templateGuard.safeParse(input).error?.issues[0]?.message).toBe(
      'give either templateAlias (the template alias in Postmark) or templateId, not both'
    );
  });
});
