import { domainToASCII, domainToUnicode } from 'node:url';

import { limits } from './constant.js';

/** One RFC 5322 mailbox: an address, and the name shown before it. */
export type Mailbox = { name?: string; address: string };

/*
 * What Postmark accepts in an address, from its support article 1180 ("What does Error Code 300
 * mean?", https://postmarkapp.com/support/article/1180-what-does-errorcode-300-mean): a local part
 * of `a-z 0-9 . ! # $ % & ' ` * + - / = ^ _ { } | ~` without leading, trailing or consecutive
 * dots, and a domain of ASCII letters, digits, hyphens and dots, so an international domain goes
 * in punycode. Postmark delivers to capital letters too, so the local part is read regardless of
 * case. Each label excludes the dot that separates labels: the match takes linear time.
 */
const localPartPattern = /^[\w!#$%&'*+./=^`{|}~-]+$/;
const domainPattern = /^[\da-z-]+(?:\.[\da-z-]+)+$/;
const controlCharacter = /\p{Cc}/u;
const controlCharacters = /\p{Cc}+/gu;
const angleBrackets = /[<>]+/g;
// RFC 5322 "specials" and the dot: a display name holding any of them must be quoted.
const needsQuotes = /["(),.:;<>@[\\\]]/;
const nonAscii = /\P{ASCII}/u;

const isLocalPart = (local: string) =>
  local.length > 0 &&
  local.length <= limits.localPart &&
  localPartPattern.test(local) &&
  !local.startsWith('.') &&
  !local.endsWith('.') &&
  !local.includes('..');

/**
 * The domain in ASCII, as Postmark wants it; `undefined` unless it is a name written in its own
 * letters: a form that only maps onto another one (full-width letters, `0x7f.1`) would send the
 * code to an address other than the one the user typed.
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

/** Why `value` cannot be the one recipient of an email, from the first fault found. */
const recipientProblem = (value: string) => {
  if (value.length > limits.address) {
    return `is longer than ${limits.address} characters`;
  }

  if (controlCharacter.test(value)) {
    return 'has a line break or another control character';
  }

  if (value.includes(',') || value.includes(';')) {
    return 'is a list (a comma or a semicolon)';
  }

  if (/[\s"():<>]/.test(value)) {
    return 'is not a bare address (a name, angle brackets, quotes, a comment or a group)';
  }

  if (nonAscii.test(value.slice(0, value.lastIndexOf('@')))) {
    return 'has letters outside ASCII before the @, which Postmark cannot send to';
  }

  return 'is not an address Postmark can send to';
};

/**
 * The recipient's address as Postmark should receive it: exactly one bare address, so that no
 * `to` can name a second recipient. Logto hands over what passes `\S+@\S+\.\S+`, which lets
 * lists, groups and display names through; those are refused, never read for an address.
 */
export const parseRecipient = (value: string): { address: string } | { problem: string } => {
  const address = value.length <= limits.address ? parseAddress(value.trim()) : undefined;
  return address && !controlCharacter.test(value)
    ? { address }
    : { problem: recipientProblem(value) };
};

// One quoted string and nothing else; an escape and a plain character never start alike.
const quotedString = /^"(?<content>(?:[^"\\]|\\.)*)"$/su;
const quotedPair = /\\(.)/gsu;

/** A display name as typed, or the content of one quoted string: `"Acme, Inc."` is `Acme, Inc.`. */
const readDisplayName = (name: string) => {
  const content = quotedString.exec(name)?.groups?.content;
  return content === undefined ? name : content.replaceAll(quotedPair, '$1').trim();
};

/**
 * Reads `address`, `<address>`, `Name <address>` or `"Name" <address>`; `undefined` for anything
 * else, such as a list, a group, or a name with control characters or angle brackets.
 */
export const parseMailbox = (value: string): Mailbox | undefined => {
  if (value.length > limits.mailbox || controlCharacter.test(value)) {
    return;
  }

  const trimmed = value.trim();

  if (!trimmed.endsWith('>')) {
    const address = parseAddress(trimmed);
    return address ? { address } : undefined;
  }

  const open = trimmed.indexOf('<');

  if (
    open === -1 ||
    open !== trimmed.lastIndexOf('<') ||
    trimmed.indexOf('>') !== trimmed.length - 1
  ) {
    return;
  }

  const address = parseAddress(trimmed.slice(open + 1, -1).trim());
  const name = readDisplayName(trimmed.slice(0, open).trim());

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

/** Where the piece of a list before a comma ends an entry: it has an address, or nothing. */
const endsEntry = (piece: string) => piece.includes('@') || piece.trim() === '';

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
  const ends = commas.filter((comma, index) =>
    endsEntry(value.slice((commas[index - 1] ?? -1) + 1, comma))
  );
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
  const mailboxes = read.filter((mailbox): mailbox is Mailbox => mailbox !== undefined);
  const wrong = read.findIndex((mailbox) => !mailbox);

  if (wrong === -1) {
    return { mailboxes };
  }

  if (entries.length === 1) {
    return { problem: 'is not an address' };
  }

  const entry = `entry ${wrong + 1} of ${entries.length}`;
  return {
    problem: entries[wrong]?.trim()
      ? `has an ${entry} that is not an address`
      : `has an ${entry} that is empty (a comma too many)`,
  };
};

/** Writes a mailbox per RFC 5322: a name with specials is quoted; any other stays as typed. */
export const formatMailbox = ({ name, address }: Mailbox) => {
  if (!name) {
    return address;
  }

  const displayName = needsQuotes.test(name)
    ? `"${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
    : name;
  return `${displayName} <${address}>`;
};

/** Writes mailboxes as one address list, each as `formatMailbox` writes it. */
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
 * An email template's `sendFrom` read as connector-kit 5.1's `parseSendFrom` reads it, for the
 * kits before 5.1 that lack it: `Name <address>` gives both, a bare address (an `@`, no space)
 * the address alone, and anything else a name. Control characters are dropped, and so are
 * angle brackets inside a name. The address is returned as written, for the caller to check;
 * `undefined` for a value longer than any mailbox.
 */
export const parseSendFrom = (
  sendFrom: string
): { name?: string; address?: string } | undefined => {
  if (sendFrom.length > limits.mailbox) {
    return;
  }

  const value = sendFrom.replaceAll(controlCharacters, '').trim();

  if (value.endsWith('>')) {
    const close = value.length - 1;
    const open = value.indexOf('<', value.lastIndexOf('>', close - 1) + 1);
    const address = open === -1 ? '' : value.slice(open + 1, close).replaceAll(angleBrackets, '');

    if (address.trim()) {
      const name = cleanName(value.slice(0, open));
      return name ? { name, address: address.trim() } : { address: address.trim() };
    }
  }

  if (value.includes('@') && !value.includes(' ')) {
    return { address: value.replaceAll(angleBrackets, '') };
  }

  const name = cleanName(value);
  return name ? { name } : {};
};

/**
 * The `From` of an email whose template gives `sendFrom`, with `sender` the configured Sender as
 * `formatMailbox` wrote it; `undefined` when the address it names is not one Postmark accepts.
 */
export const fromWithSendFrom = (sendFrom: string, sender: string) => {
  const parsed = parseSendFrom(sendFrom);

  if (!parsed || (parsed.name && parsed.name.length > limits.displayName)) {
    return;
  }

  const { name, address } = parsed;

  if (address === undefined) {
    return name ? formatMailbox({ name, address: addressOf(sender) }) : sender;
  }

  const checked = parseAddress(address);
  return checked ? formatMailbox({ name, address: checked }) : undefined;
};
