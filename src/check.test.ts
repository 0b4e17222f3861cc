import nock from 'nock';

import { ConnectorErrorCodes } from '@logto/connector-kit';
import { afterEach, beforeAll, expect, it } from 'vitest';

import { checkTemplates } from './check.js';
import { parseConfig } from './config.js';
import { limits } from './constant.js';

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

const required = ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({
  usageType,
  templateAlias: `logto-${usageType.toLowerCase()}`,
}));

/** A configuration with `count` templates, all but the required ones localized. */
const withTemplates = (count: number) =>
  parseConfig({
    serverToken: 'token',
    fromEmail: 'no-reply@acme.com',
    templates: [
      ...required,
      ...Array.from({ length: count - required.length }, (_, index) => ({
        usageType: 'SignIn',
        locale: `de-x-t${index}`,
        templateAlias: `localized-${index}`,
      })),
    ],
  });

it(`looks templates up ${limits.templateLookups} at a time, each once`, async () => {
  const config = withTemplates(limits.templates);
  let inFlight = 0;
  let most = 0;
  const seen: string[] = [];
  nock('https://api.postmarkapp.com')
    .get(/^\/templates\//)
    .times(limits.templates)
    .reply(async (path) => {
      seen.push(path);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => {
        setTimeout(resolve, 2);
      });
      inFlight -= 1;
      return [200, {}];
    });

  await checkTemplates(config);

  expect(most).toBe(limits.templateLookups);
  expect(new Set(seen).size).toBe(limits.templates);
});

it('names every missing one, in the order of the form', async () => {
  const config = withTemplates(10);
  nock('https://api.postmarkapp.com')
    .get(/^\/templates\//)
    .times(10)
    .reply((path) =>
      /localized-[13]$/.test(path) ? [422, { ErrorCode: 1101, Message: 'Not found.' }] : [200, {}]
    );

  await expect(checkTemplates(config)).rejects.toMatchObject({
    code: ConnectorErrorCodes.TemplateNotFound,
    data: {
      errorDescription: expect.stringContaining(
        'SignIn (de-x-t1): alias "localized-1"; SignIn (de-x-t3): alias "localized-3"'
      ) as unknown,
    },
  });
});
