import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { clip, connectorError, sentence } from './connector-error.js';

describe('connectorError', () => {
  it('carries the sentence and the details, and tells the user to contact the site unless told otherwise', () => {
    const error = connectorError(ConnectorErrorCodes.InvalidConfig, 'Fix the sender.', {
      field: 'fromEmail',
    });

    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.code).toBe(ConnectorErrorCodes.InvalidConfig);
    expect(error.data).toEqual({
      errorDescription: 'Fix the sender.',
      advice: 'site',
      field: 'fromEmail',
    });
  });

  it('keeps the advice it is given', () => {
    const error = connectorError(ConnectorErrorCodes.General, 'Try later.', {}, 'retry');

    expect(error.data).toMatchObject({ advice: 'retry' });
  });
});

describe('usageLimitExceeded', () => {
  afterEach(() => {
    vi.doUnmock('@logto/connector-kit');
    vi.resetModules();
  });

  it("is the kit's usage_limit_exceeded code where the kit has it (5.1.1 and later)", async () => {
    vi.resetModules();
    const { usageLimitExceeded } = await import('./connector-error.js');

    expect(usageLimitExceeded).toBe('usage_limit_exceeded');
  });

  it('is general with a kit that lacks that code, as Logto before 1.43 ships', async () => {
    vi.resetModules();
    vi.doMock('@logto/connector-kit', async (importOriginal) => {
      const kit = await importOriginal<{ ConnectorErrorCodes: Record<string, string> }>();
      const { UsageLimitExceeded: _, ...olderCodes } = kit.ConnectorErrorCodes;
      return { ...kit, ConnectorErrorCodes: olderCodes };
    });
    const { usageLimitExceeded } = await import('./connector-error.js');

    expect(usageLimitExceeded).toBe('general');
  });
});

describe('clip and sentence', () => {
  it('clips a name only past its length, with … at the cut', () => {
    expect(clip('abc', 3)).toBe('abc');
    expect(clip('abcd', 3)).toBe('ab…');
  });

  it.each([
    ['Done', 'Done.'],
    ['Done.', 'Done.'],
    ['It said "OK."', 'It said "OK."'],
    ['(see the page.))', '(see the page.))'],
    ['It said "No." then stopped', 'It said "No." then stopped.'],
  ])('ends %j as %j', (text, ended) => {
    expect(sentence(text)).toBe(ended);
  });
});
