import { invalidConfig } from './errors.js';
import { type PostmarkConfig, postmarkConfigGuard } from './types.js';

/** The configuration, checked; an `invalid_config` error that names each wrong field otherwise. */
export const parseConfig = (input: unknown): PostmarkConfig => {
  const result = postmarkConfigGuard.safeParse(input);

  if (!result.success) {
    throw invalidConfig(result.error);
  }

  return result.data;
};
