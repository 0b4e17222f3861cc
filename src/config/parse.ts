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

// Least recently used first: a Map keeps the order entries were set in.
const parsedByText = new Map<string, PostmarkConfig>();

const jsonOf = (input: unknown) => {
  try {
    return JSON.stringify(input);
  } catch {
    // A cycle or a BigInt: no saved configuration holds one, and parseConfig will say what is wrong.
  }
};

// `parseConfig` once per saved configuration, as Logto rebuilds the connector for every email. The
// key is the JSON text, and that text is what is parsed, so a hit and a miss give the same result.
export const parseSavedConfig = (input: unknown): PostmarkConfig => {
  const text = jsonOf(input);

  if (text === undefined) {
    return parseConfig(input);
  }

  const config = parsedByText.get(text) ?? parseConfig(JSON.parse(text));
  parsedByText.delete(text);
  parsedByText.set(text, config);

  if (parsedByText.size > savedConfigSlots) {
    const [oldest = ''] = parsedByText.keys();
    parsedByText.delete(oldest);
  }

  return config;
};
