import { domainToASCII, domainToUnicode } from 'node:url';

import { limits } from './constant.js';

export type Mailbox = { name?: string; address: string };

// What Postmark accepts (https://postmarkapp.com/support/article/1180-what-does-errorcode-300-mean):
// these characters in either case (capitals are delivered), dots only between runs, and a punycode
// domain. No run takes a dot, so each match takes linear time.
const localPart = /^[\w!#$%&'*+/=^`{|}~-]+(?:\.[\w!#$%&'*+/=^`{|}~-]+)*$/;
const domainPattern = /^[\da-z-]+(?:\.[\da-z-]+)+$/;
const controlCharacter = /\p{Cc}/u;
// RFC 5322 "specials" and the dot: a display name holding any of them must be quoted.
const needsQuotes = /["(),.:;<>@[\\\]]/;

// The domain in ASCII, unless it only maps onto one (full-width letters, `0x7f.1`): a wrong inbox.
const asciiDomain = (domain: string) => {
  const ascii = domainToASCII(domain);
  const typed = domain.normalize('NFC').toLowerCase();
  const same = ascii === typed || domainToUnicode(ascii) === typed;
  return same && ascii.length <= limits.domain && domainPattern.test(ascii) ? ascii : undefined;
};

/** The address as Postmark should receive it, or `undefined`; callers cap the length first. */
const parseAddress = (value: string) => {
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const domain = at > 0 ? asciiDomain(value.slice(at + 1)) : undefined;
  const address = `${local}@${domain ?? ''}`;
  const fits = local.length <= limits.localPart && address.length <= limits.address;
  return domain && fits && localPart.test(local) ? address : undefined;
};

/** Why a value cannot be the one recipient of an email: the first of these that it shows. */
const recipientFaults: Array<[(value: string) => boolean, string]> = [
  [(value) => value.length > limits.address, `is longer than ${limits.address} characters`],
  [(value) => controlCharacter.test(value), 'has a line break or another control character'],
  [(value) => /[,;]/.test(value), 'is a list (a comma or a semicolon)'],
  [
    (value) => /[\s"():<>]/.test(value),
    'is not a bare address (a name, angle brackets, quotes, a comment or a group)',
  ],
  [
    (value) => /\P{ASCII}/u.test(value.slice(0, value.lastIndexOf('@'))),
    'has letters outside ASCII before the @, which Postmark cannot send to',
  ],
];

/** Exactly one bare address: Logto's `\S+@\S+\.\S+` lets lists, groups and names through. */
export const parseRecipient = (value: string): { address: string } | { problem: string } => {
  const address = value.length <= limits.address ? parseAddress(value.trim()) : undefined;
  const fault = recipientFaults.find(([shows]) => shows(value))?.[1];
  return address && !controlCharacter.test(value)
    ? { address }
    : { problem: fault ?? 'is not an address Postmark can send to' };
};

// One quoted string and nothing else; an escape and a plain character never start alike.
const quotedString = /^"(?<content>(?:[^"\\]|\\.)*)"$/su;

/** A display name as typed, or the content of one quoted string: `"Acme, Inc."` is `Acme, Inc.`. */
const readDisplayName = (name: string) => {
  const content = quotedString.exec(name)?.groups?.content;
  return content === undefined ? name : content.replaceAll(/\\(.)/gsu, '$1').trim();
};

// `Name <address>` with no other angle bracket; an address alone has none (`parseAddress` says).
const nameAndAddress = /^([^<>]*)<([^<>]*)>$/;

/** `address`, `<address>`, `Name <address>` or `"Name" <address>`; else `undefined`. */
export const parseMailbox = (value: string): Mailbox | undefined => {
  if (value.length > limits.mailbox || controlCharacter.test(value)) {
    return;
  }

  const [, typedName = '', typedAddress = value] = nameAndAddress.exec(value.trim()) ?? [];
  const address = parseAddress(typedAddress.trim());
  const name = readDisplayName(typedName.trim());

  if (address && name.length <= limits.displayName) {
    return name ? { name, address } : { address };
  }
};

// The pieces of a list: a quoted string (to its closing quote, or the end), a comma, or a run of
// anything else. No two alternatives start alike, and none gives anything back: linear.
const listToken = /"(?:[^"\\]|\\.)*"?|,|[^",]+/gsu;

// Split at commas outside quotes, but not after a non-blank piece without an `@` (no address), so
// `Acme, Inc <a@acme.com>` is one mailbox, as it is alone.
const listEntries = (value: string) => {
  const commas = [...value.matchAll(listToken)]
    .filter(([token]) => token === ',')
    .map(({ index }) => index);
  const ends = commas.filter((comma, index) => {
    const piece = value.slice((commas[index - 1] ?? -1) + 1, comma);
    return piece.includes('@') || piece.trim() === '';
  });
  return [...ends, value.length].map((end, index) => value.slice((ends[index - 1] ?? -1) + 1, end));
};

/** One mailbox or a list, as Postmark reads `ReplyTo`; the length is capped before it is read. */
export const parseMailboxList = (value: string): { mailboxes: Mailbox[] } | { problem: string } => {
  if (value.length > limits.mailboxList) {
    return { problem: `is longer than ${limits.mailboxList} characters` };
  }

  const entries = listEntries(value);

  if (entries.length > limits.replyToAddresses) {
    return { problem: `has more than ${limits.replyToAddresses} addresses` };
  }

  const read = entries.map((entry) => parseMailbox(entry));
  const wrong = read.findIndex((mailbox) => !mailbox);
  const fault = entries[wrong]?.trim() ? 'is not an address' : 'is empty (a comma too many)';

  if (wrong === -1) {
    return { mailboxes: read.filter((mailbox) => mailbox !== undefined) };
  }

  return entries.length === 1
    ? { problem: 'is not an address' }
    : { problem: `has an entry ${wrong + 1} of ${entries.length} that ${fault}` };
};

/** Writes a mailbox per RFC 5322: a name with specials is quoted; any other stays as typed. */
export const formatMailbox = ({ name, address }: Mailbox) => {
  const quoted = name && needsQuotes.test(name) ? `"${name.replaceAll(/["\\]/g, '\\$&')}"` : name;
  return quoted ? `${quoted} <${address}>` : address;
};

export const formatMailboxList = (mailboxes: Mailbox[]) =>
  mailboxes.map((mailbox) => formatMailbox(mailbox)).join(', ');

/** The address of a mailbox `formatMailbox` wrote; no name holds a `<`, so the last one opens it. */
export const addressOf = (formatted: string) =>
  formatted.endsWith('>') ? formatted.slice(formatted.lastIndexOf('<') + 1, -1) : formatted;

const withoutAngleBrackets = (text: string) => text.replaceAll(/[<>]+/g, '');
const cleanName = (name: string) => readDisplayName(withoutAngleBrackets(name).trim());

/** `sendFrom` read as connector-kit 5.1's `parseSendFrom` reads it, for the kits before 5.1. */
export const parseSendFrom = (sendFrom: string): Partial<Mailbox> | undefined => {
  if (sendFrom.length > limits.mailbox) {
    return;
  }

  const value = sendFrom.replaceAll(/\p{Cc}+/gu, '').trim();

  if (value.endsWith('>')) {
    const open = value.indexOf('<', value.lastIndexOf('>', value.length - 2) + 1);
    const address = withoutAngleBrackets(value.slice(open + 1, -1)).trim();

    if (open !== -1 && address) {
      const name = cleanName(value.slice(0, open));
      return name ? { name, address } : { address };
    }
  }

  if (value.includes('@') && !value.includes(' ')) {
    return { address: withoutAngleBrackets(value) };
  }

  const name = cleanName(value);
  return name ? { name } : {};
};

/** The `From` for a template's `sendFrom`, `sender` being the Sender as `formatMailbox` wrote it. */
export const fromWithSendFrom = (sendFrom: string, sender: string) => {
  const parsed = parseSendFrom(sendFrom);

  if (!parsed || (parsed.name && parsed.name.length > limits.displayName)) {
    return;
  }

  if (parsed.address === undefined) {
    return parsed.name ? formatMailbox({ name: parsed.name, address: addressOf(sender) }) : sender;
  }

  const address = parseAddress(parsed.address);
  return address && formatMailbox({ name: parsed.name, address });
};
