import type { z } from 'zod';

/** `text` read as JSON and checked by `guard`; `undefined` when it is not JSON or not that shape. */
export const parseJson = <T>(
  guard: z.ZodType<T, z.ZodTypeDef, unknown>,
  text: string
): T | undefined => {
  try {
    const result = guard.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
};
