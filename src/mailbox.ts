import { domainToASCII, domainToUnicode } from 'node:url';

import { limits } from './constant.js';

/** One RFC 5322 mailbox: an address, and the name shown before it. */
export type Mailbox = { name?: string; address: string };

/*
 * What Postmark accepts in an address, from its support article 1180
 * (https://postmarkapp.com/support/article/1180-what-does-errorcode-300-mean): a local part of
 * `a-z 0-9 . ! # $ % & ' ` * + - / = ^ _ { } | ~` without leading, trailing or consecutive dots,
 * read regardless of case as Postmark delivers to capitals too, and a domain of ASCII letters,
 * digits, hyphens and dots (punycode). No label takes a dot, so the match takes linear time.
 */
const localPartPattern = /^[\w!#$%&'*+./=^`{|}~-]+$/;
const domainPattern = /^[\da-z-]+(?:\.[\da-z-]+)+$/;
const controlCharacter = /\p{Cc}/u;
const controlCharacters = /\p{Cc}+/gu;
const angleBrackets = /[<>]+/g;
// RFC 5322 "specials" and the dot: a display name holding any of them must be quoted.
const needsQuotes = /["(),.:;<>@[\\\]]/;

const isLocalPart = (local: string) =>
  local.length > 0 &&
  local.length <= limits.localPart &&
  localPartPattern.test(local) &&
  !local.startsWith('.') &&
  !local.endsWith('.') &&
  !local.includes('..');

/**
 * The domain in ASCII, unless it only maps onto one (full-width letters, `0x7f.1`): that would
 * send the code to an address other than the one the user typed.
 */
const asciiDomain = (domain: string) => {
  const ascii = domainToASCII(domain);
  const typed = domain.normalize('NFC').toLowerCase();

  return ascii.length <= limits.domain &&
    domainPattern.test(ascii) &&
    (ascii === typed || domainToUnicode(ascii) === typed)
    ? ascii
    : undefined;
};

/** The address as Postmark should receive it (its domain in ASCII), or `undefined`. */
export const parseAddress = (value: string): string | undefined => {
  if (value.length > limits.mailbox) {
    return;
  }

  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const domain = at > 0 ? asciiDomain(value.slice(at + 1)) : undefined;
  const address = `${local}@${domain ?? ''}`;

  return domain && isLocalPart(local) && address.length <= limits.address ? address : undefined;
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

/**
 * Exactly one bare address, so that no `to` can name a second recipient: Logto hands over what
 * passes `\S+@\S+\.\S+`, which lets lists, groups and display names through.
 */
export const parseRecipient = (value: string): { address: string } | { problem: string } => {
  const address = value.length <= limits.address ? parseAddress(value.trim()) : undefined;
  return address && !controlCharacter.test(value)
    ? { address }
    : {
        problem:
          recipientFaults.find(([shows]) => shows(value))?.[1] ??
          'is not an address Postmark can send to',
      };
};

// One quoted string and nothing else; an escape and a plain character never start alike.
const quotedString = /^"(?<content>(?:[^"\\]|\\.)*)"$/su;

/** A display name as typed, or the content of one quoted string: `"Acme, Inc."` is `Acme, Inc.`. */
const readDisplayName = (name: string) => {
  const content = quotedString.exec(name)?.groups?.content;
  return content === undefined ? name : content.replaceAll(/\\(.)/gsu, '$1').trim();
};

// `Name <address>`, with no other angle bracket; a bare address (`parseAddress`) has none at all.
const nameAndAddress = /^([^<>]*)<([^<>]*)>$/;

/**
 * Reads `address`, `<address>`, `Name <address>` or `"Name" <address>`; `undefined` for anything
 * else, such as a list, a group, or a name with control characters or angle brackets.
 */
export const parseMailbox = (value: string): Mailbox | undefined => {
  if (value.length > limits.mailbox || controlCharacter.test(value)) {
    return;
  }

  const [, typedName = '', typedAddress = value] = nameAndAddress.exec(value.trim()) ?? [];
  const address = parseAddress(typedAddress.trim());
  const name = readDisplayName(typedName.trim());

  if (!address || name.length > limits.displayName) {
    return;
  }

  return name ? { name, address } : { address };
};

/**
 * The pieces of an address list: a quoted string (to its closing quote, or to the end when it
 * has none), a comma, or a run of anything else. Each alternative starts with a character no
 * other one starts with, and none gives anything back, so the search is linear.
 */
const listToken = /"(?:[^"\\]|\\.)*"?|,|[^",]+/gsu;

/**
 * The entries of an address list, split at the commas outside quotes. A piece without an `@`
 * cannot be an address, so it is read as the start of the next one: `Acme, Inc <a@acme.com>` is
 * one mailbox, as it is when it stands alone. An empty piece is an entry of its own, and so is
 * what is left at the end.
 */
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

/**
 * Reads one mailbox or a list of them separated by commas, as Postmark reads `ReplyTo`: at most
 * `limits.replyToAddresses`, each one `parseMailbox` accepts. The length is checked first, so a
 * list is read in time linear in a bounded length.
 */
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

  if (wrong === -1) {
    return { mailboxes: read.filter((mailbox) => mailbox !== undefined) };
  }

  const fault = entries[wrong]?.trim() ? 'is not an address' : 'is empty (a comma too many)';
  return {
    problem:
      entries.length === 1
        ? 'is not an address'
        : `has an entry ${wrong + 1} of ${entries.length} that ${fault}`,
  };
};

/** Writes a mailbox per RFC 5322: a name with specials is quoted; any other stays as typed. */
export const formatMailbox = ({ name, address }: Mailbox) => {
  const quoted = name && needsQuotes.test(name) ? `"${name.replaceAll(/["\\]/g, '\\$&')}"` : name;
  return quoted ? `${quoted} <${address}>` : address;
};

export const formatMailboxList = (mailboxes: Mailbox[]) =>
  mailboxes.map((mailbox) => formatMailbox(mailbox)).join(', ');

/**
 * The address of a mailbox `formatMailbox` wrote. Names never hold angle brackets (parsing
 * refuses them, `sendFrom` drops them), so the last `<` opens the address.
 */
export const addressOf = (formatted: string) =>
  formatted.endsWith('>') ? formatted.slice(formatted.lastIndexOf('<') + 1, -1) : formatted;

const cleanName = (name: string) =>
  readDisplayName(name.replaceAll(angleBrackets, '').trim()).trim();

/**
 * A template's `sendFrom` read as connector-kit 5.1's `parseSendFrom` reads it, for the kits
 * before 5.1 that lack it: `Name <address>` gives both, a bare address (an `@`, no space) the
 * address alone, anything else a name. Control characters are dropped, and so are angle brackets
 * inside a name. The address is left for the caller to check; `undefined` when longer than any
 * mailbox.
 */
export const parseSendFrom = (sendFrom: string): Partial<Mailbox> | undefined => {
  if (sendFrom.length > limits.mailbox) {
    return;
  }

  const value = sendFrom.replaceAll(controlCharacters, '').trim();

  if (value.endsWith('>')) {
    const close = value.length - 1;
    const open = value.indexOf('<', value.lastIndexOf('>', close - 1) + 1);
    const address =
      open === -1
        ? ''
        : value
            .slice(open + 1, close)
            .replaceAll(angleBrackets, '')
            .trim();

    if (address) {
      const name = cleanName(value.slice(0, open));
      return name ? { name, address } : { address };
    }
  }

  if (value.includes('@') && !value.includes(' ')) {
    return { address: value.replaceAll(angleBrackets, '') };
  }

  const name = cleanName(value);
  return name ? { name } : {};
};

/**
 * The `From` of an email whose template gives `sendFrom`, `sender` being the configured Sender as
 * `formatMailbox` wrote it; `undefined` when it names an address Postmark does not accept.
 */
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
