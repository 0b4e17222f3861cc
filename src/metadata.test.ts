import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import {
  type CreateConnector,
  type EmailConnector,
  ConnectorConfigFormItemType,
  i18nPhrasesGuard,
} from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';

import { defaultMetadata, limits } from './constant.js';

/** The languages of Logto's Console (`@logto/phrases`). */
const consoleLanguages =
  'ar de en es fa-IR fr it ja ko pl-PL pt-BR pt-PT ru th tr-TR zh-CN zh-HK zh-TW'.split(' ');

const wide = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFF00-\uFF60]/u;
const mark = /\p{M}/u;

/** Roughly how many Latin letters' room a text takes on screen. */
const width = (text: string) =>
  [...text].reduce(
    (sum, character) => sum + (mark.test(character) ? 0 : wide.test(character) ? 2 : 1),
    0
  );

describe("the Console's connector picker", () => {
  it('names and describes the connector in every language of the Console', () => {
    const { name, description } = defaultMetadata;

    expect(Object.keys(name).sort()).toEqual([...consoleLanguages].sort());
    expect(Object.keys(description).sort()).toEqual([...consoleLanguages].sort());
    expect(i18nPhrasesGuard.safeParse(name).success).toBe(true);
    expect(i18nPhrasesGuard.safeParse(description).success).toBe(true);
  });

  it('calls it Postmark in every language, as the brand is written', () => {
    expect(new Set(Object.values(defaultMetadata.name))).toEqual(new Set(['Postmark']));
  });

  it.each(consoleLanguages)('fits the %s description in four lines of the card', (language) => {
    const text = Object.entries(defaultMetadata.description).find(([key]) => key === language)?.[1];

    expect(typeof text).toBe('string');
    expect(width(String(text))).toBeGreaterThan(40);
    expect(width(String(text))).toBeLessThanOrEqual(95);
    expect(text).toContain('Postmark');
  });
});

describe('what Logto finds the connector by', () => {
  it("has the official connector's id and target, so a saved configuration carries over", async () => {
    // The official package ships no types; a specifier in a variable keeps the compiler from asking.
    const officialPackage = '@logto/connector-postmark';
    const { default: createOfficial } = (await import(officialPackage)) as {
      default: CreateConnector<EmailConnector>;
    };
    const official = await createOfficial({ getConfig: async () => ({}) });

    expect(defaultMetadata.id).toBe('postmark-mail');
    expect(defaultMetadata.id).toBe(official.metadata.id);
    expect(defaultMetadata.target).toBe(official.metadata.target);
  });

  it('names the logo and the guide by their files until the build puts them in', () => {
    const inRepository = (file: string) => fileURLToPath(new URL(`../${file}`, import.meta.url));

    expect(defaultMetadata.logo).toBe('./logo.svg');
    expect(defaultMetadata.readme).toBe('./docs/guide.en.md');
    expect(existsSync(inRepository(defaultMetadata.logo))).toBe(true);
    expect(existsSync(inRepository(defaultMetadata.readme))).toBe(true);
  });
});

describe("the Console's form", () => {
  const items = defaultMetadata.formItems ?? [];
  const tooltipOf = (key: string) => items.find((item) => item.key === key)?.tooltip ?? '';

  it('explains every field, and shows an example in every text field', () => {
    for (const item of items) {
      expect(item.tooltip, item.key).toMatch(/\w{3}/);

      if (item.type === ConnectorConfigFormItemType.Text) {
        expect(item.placeholder, item.key).toMatch(/\w{3}/);
      }
    }
  });

  it('states the limits the configuration enforces', () => {
    expect(tooltipOf('replyTo')).toContain(`up to ${limits.replyToAddresses} separated by commas`);
    expect(tooltipOf('metadata')).toContain(
      `At most ${limits.metadataEntries} entries; names up to ${limits.metadataName} characters, values up to ${limits.metadataValue}.`
    );
  });
});
