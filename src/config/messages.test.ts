import { z } from 'zod';

import { describe, expect, it } from 'vitest';

import { invalidConfig } from './messages.js';

describe('configuration messages at their edge', () => {
  const issues = (count: number) =>
    z
      .object(Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${i}`, z.string()])))
      .safeParse({}).error ?? new z.ZodError([]);

  it('names ten issues without "; and 0 more", and counts the eleventh', () => {
    const ten = invalidConfig(issues(10)).data as { errorDescription: string };
    const eleven = invalidConfig(issues(11)).data as { errorDescription: string };

    expect(ten.errorDescription).not.toContain('more');
    expect(ten.errorDescription.split('; ')).toHaveLength(10);
    expect(eleven.errorDescription).toMatch(/f9: Required; and 1 more\.$/);
  });

  const descriptionOf = (error: z.ZodError) =>
    (invalidConfig(error).data as { errorDescription: string }).errorDescription;

  it('gives a message alone when it belongs to no field', () => {
    const error = new z.ZodError([
      { code: 'custom', path: [], message: 'Expected an object, received a string' },
    ]);

    expect(descriptionOf(error)).toBe('Expected an object, received a string.');
  });

  it('names a field the form does not show by its path alone', () => {
    const error = new z.ZodError([
      { code: 'custom', path: ['legacy', 2, 'name'], message: 'is unknown' },
    ]);

    expect(descriptionOf(error)).toBe(
      "Correct legacy in the connector's settings. legacy[2].name: is unknown."
    );
  });

  it('writes a path that starts with a position without a leading dot', () => {
    const error = new z.ZodError([{ code: 'custom', path: [0, 'to'], message: 'is wrong' }]);

    expect(descriptionOf(error)).toBe("Correct [0] in the connector's settings. [0].to: is wrong.");
  });

  it('names a field by its label and its path, and joins issues with semicolons', () => {
    const error = new z.ZodError([
      { code: 'custom', path: ['templates', 4, 'locale'], message: 'must be a language tag' },
      { code: 'custom', path: ['fromEmail'], message: 'must be one address' },
    ]);

    expect(descriptionOf(error)).toBe(
      'Correct "Templates" (templates) and "Sender" (fromEmail) in the connector\'s settings. Templates (templates[4].locale): must be a language tag; Sender (fromEmail): must be one address.'
    );
  });

  it('names each field to correct once, first, and no more of them than fit 160 characters', () => {
    const field = (key: string) => ({ code: 'custom' as const, path: [key], message: 'is wrong' });
    const three = new z.ZodError(
      ['fromEmail', 'replyTo', 'fromEmail', 'tag'].map((key) => field(key))
    );
    const all = new z.ZodError(
      [
        'serverToken',
        'fromEmail',
        'templates',
        'messageStream',
        'replyTo',
        'tag',
        'trackOpens',
        'trackLinks',
        'templateModel',
        'metadata',
        'headers',
        'recordClientIp',
      ].map((key) => field(key))
    );

    expect(descriptionOf(three)).toMatch(
      /^Correct "Sender" \(fromEmail\), "Reply-To" \(replyTo\) and "Tag" \(tag\) in the connector's settings\. Sender \(fromEmail\): is wrong; /
    );
    const [first = ''] = descriptionOf(all).split('. ');
    expect(first).toMatch(
      /^Correct "Server API token" \(serverToken\), "Sender" \(fromEmail\), .+ and \d+ more fields in the connector's settings$/
    );
    expect(first.length).toBeLessThanOrEqual(160);
  });

  const wrongFields = (keys: string[]) =>
    new z.ZodError(
      keys.map((key) => ({ code: 'custom' as const, path: [key], message: 'is wrong' }))
    );

  /** The first sentence, with its full stop: what the Console's toast shows. */
  const firstSentence = (error: z.ZodError) => {
    const description = descriptionOf(error);
    return description.slice(0, description.indexOf('. ') + 1);
  };

  it.each([
    [
      ['serverToken', 'templates', 'messageStream', 'trackOpens'],
      'Correct "Server API token" (serverToken), "Templates" (templates), "Message stream" (messageStream) and 1 more field in the connector\'s settings.',
    ],
    [
      ['serverToken', 'templates', 'messageStream', 'trackOpens', 'trackLinks'],
      'Correct "Server API token" (serverToken), "Templates" (templates), "Message stream" (messageStream) and 2 more fields in the connector\'s settings.',
    ],
  ])('counts the fields it does not name in %j', (keys, expected) => {
    expect(firstSentence(wrongFields(keys))).toBe(expected);
  });

  it('names as many fields as fit in exactly 160 characters', () => {
    const first = firstSentence(
      wrongFields(['serverToken', 'fromEmail', 'replyTo', 'trackOpens', 'trackLinks'])
    );

    expect(first).toBe(
      'Correct "Server API token" (serverToken), "Sender" (fromEmail), "Reply-To" (replyTo), "Open tracking" (trackOpens) and 1 more field in the connector\'s settings.'
    );
    expect(first).toHaveLength(160);
  });

  it('counts every issue past the tenth', () => {
    expect(descriptionOf(issues(13))).toMatch(/f9: Required; and 3 more\.$/);
    expect(descriptionOf(issues(13))).not.toContain('f10');
    expect(descriptionOf(issues(13)).split('; ')).toHaveLength(11);
  });
});
