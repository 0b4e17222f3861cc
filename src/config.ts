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

/**
 * `parseConfig`, remembering the last configuration it parsed. Logto hands the same saved
 * configuration to every send, so most sends skip the parsing; comparing the JSON text, not the
 * object, keeps a changed configuration from ever meeting a stale result.
 */
export const createConfigCache = () => {
  // eslint-disable-next-line @silverhand/fp/no-let
  let last: { text: string; config: PostmarkConfig } | undefined;

  return (input: unknown): PostmarkConfig => {
    const text = JSON.stringify(input);

    if (last?.text === text) {
      return last.config;
    }

    const config = parseConfig(input);
    // eslint-disable-next-line @silverhand/fp/no-mutation
    last = { text, config };
    return config;
  };
};
