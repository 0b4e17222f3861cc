import { z } from 'zod';

import { describe, expect, it } from 'vitest';

import { invalidConfig } from './config-messages.js';

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
});
