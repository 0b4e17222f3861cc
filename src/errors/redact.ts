import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';

import { connectorError } from './connector-error.js';

/** Postmark's own names are public and tell the operator where to look. */
const postmarkHosts = new Set(['api.postmarkapp.com', 'status.postmarkapp.com', 'postmarkapp.com']);

/**
 * What names a host or an address in an error, each as `[replacement, pattern]`: a URL's
 * authority, the name after ENOTFOUND or EAI_AGAIN (without a dot that ends the sentence it
 * stands in), IPv6 and IPv4 addresses with their port, and
 * a dotted name that ends in a label of letters, as top-level domains do. An email address's
 * parts are the sender's or the recipient's, not hosts on the way, and stay. Every part is bounded, and a name starts only where no
 * name character precedes it, so each pass is linear.
 */
const hostPatterns: Array<[string, RegExp]> = [
  ['[host]', /(?<=\/\/)[^\s"#'/<>?]{0,299}[^\s"#',./<>?]/g],
  ['[host]', /(?<=\b(?:ENOTFOUND|EAI_AGAIN) )[^\s"'(),;<>]{0,252}[^\s"'(),.;<>]/g],
  ['[address]', /\[[\d.:a-f]{2,45}(?:%\w{1,16})?](?::\d{1,5})?/gi],
  ['[address]', /(?<![\w.:-])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?/g],
  ['[address]', /(?<![\w:])[\da-f]{0,4}(?::[\da-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}/gi],
  ['[host]', /(?<![\w@-]|[\w-]\.)(?:[\da-z][\da-z-]{0,62}\.){1,126}[a-z]{2,63}(?![\w@-])/gi],
];

/**
 * Error data reaches the sign-in page's browser and the audit log: any host or address other
 * than Postmark's (a proxy, a resolver, an internal gateway) becomes `[host]` or `[address]`.
 */
export const redactHosts = (text: string) =>
  hostPatterns.reduce(
    (result, [replacement, pattern]) =>
      result.replaceAll(pattern, (match) =>
        postmarkHosts.has(match.toLowerCase().replace(/:\d{1,5}$/, '')) ? match : replacement
      ),
    text
  );

/** Error data is the connector's own and shallow; anything deeper is dropped rather than walked. */
const maxDataDepth = 8;

/** `value` with `clean` applied to every string in it; the same object when nothing changed. */
const cleanStrings = (value: unknown, clean: (text: string) => string, depth = 0): unknown => {
  if (typeof value === 'string') {
    return clean(value);
  }

  if (typeof value !== 'object' || value === null) {
    return value;
  }

  if (depth >= maxDataDepth) {
    return undefined;
  }

  if (Array.isArray(value)) {
    const items = value.map((item: unknown) => cleanStrings(item, clean, depth + 1));
    return items.every((item, index) => item === value[index]) ? value : items;
  }

  const entries = Object.entries(value);
  const cleaned = entries.map(
    ([key, item]) => [key, cleanStrings(item, clean, depth + 1)] as const
  );
  return cleaned.every(([, item], index) => item === entries[index]?.[1])
    ? value
    : Object.fromEntries(cleaned);
};

/**
 * Makes sure no error leaving the connector carries the server token, in any string of its data,
 * whatever a server or a library put into it. The token has only letters, digits, `-` and `_`, so
 * it reads the same in every string and in JSON, and the search for it is exact. Hosts are hidden
 * only in what came from outside: a proxy's page and a network cause, where the connector quotes
 * them, and the words of an error that is not a `ConnectorError`, which becomes a `general` one.
 * The connector's own words, the operator's names and Postmark's message stay as written.
 */
export const toSafeConnectorError = (error: unknown, secret?: string): ConnectorError => {
  const safe =
    error instanceof ConnectorError
      ? error
      : connectorError(
          ConnectorErrorCodes.General,
          `Unexpected error in the Postmark connector: ${redactHosts(error instanceof Error ? error.message : String(error))}`
        );
  const data = secret
    ? cleanStrings(safe.data, (text) => text.replaceAll(secret, '[server token]'))
    : safe.data;

  return data === safe.data ? safe : new ConnectorError(safe.code, data);
};
