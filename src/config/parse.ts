import { type PostmarkConfig, postmarkConfigGuard } from '../types.js';

import { invalidConfig } from './messages.js';

/** The configuration, checked; an `invalid_config` error that names each wrong field otherwise. */
export const parseConfig = (input: unknown): PostmarkConfig => {
  const result = postmarkConfigGuard.safeParse(input);

  if (!result.success) {
    throw invalidConfig(result.error);
  }

  return result.data;
};

/** Saved configurations kept parsed; a process sees one or a few, so a few slots are plenty. */
export const savedConfigSlots = 8;

const parsedByText = new Map<string, PostmarkConfig>();

const remember = (text: string, config: PostmarkConfig) => {
  if (parsedByText.size >= savedConfigSlots) {
    const [oldest] = parsedByText.keys();
    parsedByText.delete(oldest ?? '');
  }

  parsedByText.set(text, config);
  return config;
};

const jsonOf = (input: unknown) => {
  try {
    return JSON.stringify(input);
  } catch {
    // A cycle or a BigInt: no saved configuration holds one, and parseConfig will say what is wrong.
  }
};

/**
 * `parseConfig` for the saved configuration, parsed once for the whole process. Logto builds a
 * new connector and reads the configuration anew for every email, so the cache lives in the
 * module, keyed by the configuration's JSON text: any change makes a new key, and so can never
 * meet a stale result. What is parsed is that text, so a hit and a miss give the same result.
 */
export const parseSavedConfig = (input: unknown): PostmarkConfig => {
  const text = jsonOf(input);

  if (text === undefined) {
    return parseConfig(input);
  }

  const known = parsedByText.get(text);

  if (known) {
    // Most recently used last, so that the oldest is the one to go.
    parsedByText.delete(text);
    parsedByText.set(text, known);
    return known;
  }

  return remember(text, parseConfig(JSON.parse(text)));
};
