import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';

import { connectorError } from './connector-error.js';

/** Postmark's own names are public and tell the operator where to look. */
const postmarkHosts = new Set(['api.postmarkapp.com', 'status.postmarkapp.com', 'postmarkapp.com']);

/**
 * A URL's authority, the name after ENOTFOUND or EAI_AGAIN (less its sentence's full stop), IP
 * addresses with their port, a dotted name ending in letters; not an email address's parts. Every
 * part is bounded and starts only after a non-name character, so each pass is linear.
 */
const hostPatterns: Array<[string, RegExp]> = [
  ['[host]', /(?<=\/\/)[^\s"#'/<>?]{0,299}[^\s"#',./<>?]/g],
  ['[host]', /(?<=\b(?:ENOTFOUND|EAI_AGAIN) )[^\s"'(),;<>]{0,252}[^\s"'(),.;<>]/g],
  ['[address]', /\[[\d.:a-f]{2,45}(?:%\w{1,16})?](?::\d{1,5})?/gi],
  ['[address]', /(?<![\w.:-])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?/g],
  ['[address]', /(?<![\w:])[\da-f]{0,4}(?::[\da-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}/gi],
  ['[host]', /(?<![\w@-]|[\w-]\.)(?:[\da-z][\da-z-]{0,62}\.){1,126}[a-z]{2,63}(?![\w@-])/gi],
];

/** Error data reaches the browser and the audit log: a proxy's, resolver's or gateway's host goes. */
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

/** `value` with `token` hidden in every string; the same object when it has none. */
const hideToken = (value: unknown, token: string, depth = 0): unknown => {
  if (typeof value === 'string') {
    return value.replaceAll(token, '[server token]');
  }

  if (typeof value !== 'object' || value === null) {
    return value;
  }

  if (depth >= maxDataDepth) {
    return undefined;
  }

  const hide = (item: unknown) => hideToken(item, token, depth + 1);
  const items = Object.values(value);
  const hidden = Array.isArray(value)
    ? value.map((item) => hide(item))
    : Object.fromEntries(Object.entries(value).map(([key, item]) => [key, hide(item)]));
  return Object.values(hidden).every((item, index) => item === items[index]) ? value : hidden;
};

/**
 * No error's data keeps the server token (letters, digits, `-`, `_`: the search is exact), whoever
 * put it there. Hosts are hidden only in what came from outside (a proxy's page, a network cause,
 * a foreign error's words), not in the connector's words or Postmark's message.
 */
export const toSafeConnectorError = (error: unknown, token?: string): ConnectorError => {
  const safe =
    error instanceof ConnectorError
      ? error
      : connectorError(
          ConnectorErrorCodes.General,
          `Unexpected error in the Postmark connector: ${redactHosts(error instanceof Error ? error.message : String(error))}`
        );
  const data = token ? hideToken(safe.data, token) : safe.data;

  return data === safe.data ? safe : new ConnectorError(safe.code, data);
};
