/** Postmark's JSON answers: the shapes the connector reads, and a reader that never throws. */
import { z } from 'zod';

/** `text` read as JSON and checked by `guard`; `undefined` when it is not JSON or not that shape. */
export const parseJson = <T>(guard: z.ZodType<T, z.ZodTypeDef, unknown>, text: string) => {
  try {
    return guard.safeParse(JSON.parse(text)).data;
  } catch {}
};

/** What Postmark answers to a send it accepted. */
export const postmarkSendResultGuard = z
  .object({
    To: z.string(),
    SubmittedAt: z.string(),
    MessageID: z.string(),
    ErrorCode: z.number(),
    Message: z.string(),
  })
  .partial()
  .passthrough();

/** The body of a Postmark error answer. */
export const postmarkErrorGuard = z.object({
  ErrorCode: z.number(),
  Message: z.string(),
});

export type PostmarkError = z.infer<typeof postmarkErrorGuard>;
