// No HTML library: the connector ships no runtime dependency of its own, and a text part needs
// only blocks, lists, links and entities.

// The names of U+00A0 to U+00FF, in that order.
const latin1 =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml';

// prettier-ignore
const otherCharacters = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", OElig: 'Œ', oelig: 'œ', ndash: '–', mdash: '—',
  lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”', bdquo: '„', lsaquo: '‹', rsaquo: '›',
  bull: '•', hellip: '…', euro: '€', trade: '™', larr: '←', rarr: '→',
  ensp: '\u2002', emsp: '\u2003', thinsp: '\u2009', zwnj: '\u200C', zwj: '\u200D',
};

const namedCharacters = new Map<string, string>([
  ...latin1.split(' ').map((name, index) => [name, String.fromCodePoint(0xa0 + index)] as const),
  ...Object.entries(otherCharacters),
]);

const characterReference = /&(?:#(\d+);?|#x([\da-f]+);?|([a-z][\da-z]{0,31});)/gi;

const character = (code: number) =>
  code > 0 && code <= 0x10_ff_ff && (code < 0xd8_00 || code > 0xdf_ff)
    ? String.fromCodePoint(code)
    : '\uFFFD';

const decodeEntities = (text: string) =>
  text.replaceAll(characterReference, (reference, decimal?: string, hex?: string, name?: string) =>
    name === undefined
      ? character(decimal ? Number.parseInt(decimal, 10) : Number.parseInt(hex ?? '', 16))
      : (namedCharacters.get(name) ?? reference)
  );

const attributePattern = /([^\s/>][^\s/=>]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?/g;

const attributeValue = (attributes: string, wanted: string) => {
  for (const [, name, ...values] of attributes.matchAll(attributePattern)) {
    if (name?.toLowerCase() === wanted) {
      // One form of value matched at most; the others are undefined, which join as ''.
      return decodeEntities(values.join(''));
    }
  }
};

/** What a reader needs of a link: nothing for in-page and script links, the address for mailto. */
const linkTarget = (href = '') => {
  // Browsers drop tabs and line breaks from a URL; in the text they would break the line.
  const url = href.replaceAll(/[\t\n\r]/g, '').trim();

  return /^(?:#|javascript:)/i.test(url) ? '' : url.replace(/^mailto:([^?]*)[\S\s]*/i, '$1');
};

const withoutScheme = (url: string) =>
  url.replace(/^[a-z][\w+.-]*:(?:\/\/)?/i, '').replace(/\/$/, '');

/** How many line breaks an element puts before and after itself: 2 leave a blank line. */
const breaksAround = new Map(
  Object.entries({
    1: 'address article aside caption center dd details div dt fieldset figcaption figure footer form header li main nav section summary table tr',
    2: 'p h1 h2 h3 h4 h5 h6 blockquote pre dl hr',
  }).flatMap(([breaks, names]) => names.split(' ').map((name) => [name, Number(breaks)] as const))
);

type List = { next?: number; parent?: List };

/**
 * The text as a browser lays it out: runs of white space become one space, blocks start new lines,
 * and breaks and spaces wait for content, so no line starts or ends with a space and no blank line
 * leads or trails. Each change returns the builder, so a tag's handler is one expression.
 */
class PlainText {
  #text = '';
  #breaks = 0;
  #space = false;
  #prefix = '';
  #preformatted = 0;
  #list?: List;
  #link?: { url: string; label: string };

  toString() {
    return this.closeLink().#text;
  }

  text(raw: string) {
    const text = decodeEntities(raw);

    if (this.#preformatted === 0) {
      return this.flow(text);
    }

    for (const [index, line] of text.split(/\r\n?|\n/).entries()) {
      if (index > 0) {
        this.lineBreak();
      }

      const content = line.trimEnd();
      this.#write(content);
      this.#space ||= content.length < line.length;
    }

    return this;
  }

  flow(text: string, standsApart = false) {
    // A no-break space is only a space in plain text; email layouts use it to fill empty cells.
    const collapsed = text.replaceAll(/[\t\n\f\r \u00A0]+/g, ' ');
    this.#space ||= standsApart || collapsed.startsWith(' ');
    this.#write(collapsed.replaceAll(/^ | $/g, ''));
    this.#space ||= standsApart || collapsed.endsWith(' ');
    return this;
  }

  lineBreak() {
    this.#breaks = Math.min(this.#breaks + 1, 2);
    return this;
  }

  blockBreak(breaks: number) {
    this.#breaks = Math.max(this.#breaks, breaks);
    return this;
  }

  preformatted(change: 1 | -1) {
    this.#preformatted = Math.max(this.#preformatted + change, 0);
    return this;
  }

  openList(ordered: boolean) {
    this.blockBreak(this.#list ? 1 : 2);
    this.#list = { next: ordered ? 1 : undefined, parent: this.#list };
    return this;
  }

  closeList() {
    this.#list = this.#list?.parent;
    return this.blockBreak(this.#list ? 1 : 2);
  }

  openItem() {
    const next = this.#list?.next;
    this.#prefix = next === undefined ? '- ' : `${next}. `;
    this.#list &&= { ...this.#list, next: next && next + 1 };
    return this;
  }

  closeItem() {
    this.#prefix = '';
    return this;
  }

  openLink(href?: string) {
    this.closeLink();
    this.#link = { url: linkTarget(href), label: '' };
    return this;
  }

  closeLink() {
    const link = this.#link;
    this.#link = undefined;

    if (link?.url && link.label === '') {
      return this.flow(link.url, true);
    }

    if (link?.url && withoutScheme(link.label) !== withoutScheme(link.url)) {
      // Right after the label, even when a block ended inside the link.
      this.#text += ` (${link.url})`;
    }

    return this;
  }

  #write(content: string) {
    if (content === '') {
      return;
    }

    const lead = this.#text === '' || this.#breaks > 0 ? this.#prefix : this.#space ? ' ' : '';
    this.#text += (this.#text && '\n'.repeat(this.#breaks)) + lead + content;
    this.#link &&= { ...this.#link, label: this.#link.label + content };
    this.#breaks = 0;
    this.#space = false;
    this.#prefix = '';
  }
}

/** What a start tag does, and an end tag (`/a`), beyond the breaks around its element. */
const onTag: Partial<Record<string, (text: PlainText, attributes: string) => PlainText>> = {
  a: (text, attributes) => text.openLink(attributeValue(attributes, 'href')),
  '/a': (text) => text.closeLink(),
  br: (text) => text.lineBreak(),
  // Browsers read `</br>` as `<br>`.
  '/br': (text) => text.lineBreak(),
  hr: (text) => text.flow('-'.repeat(24)).blockBreak(2),
  // An image stands apart from the text around it, as it does on screen.
  img: (text, attributes) => text.flow(attributeValue(attributes, 'alt') ?? '', true),
  li: (text) => text.openItem(),
  '/li': (text) => text.closeItem(),
  ol: (text) => text.openList(true),
  '/ol': (text) => text.closeList(),
  pre: (text) => text.preformatted(1),
  '/pre': (text) => text.preformatted(-1),
  // A table cell stands apart from the one before it, as an image does.
  td: (text) => text.flow('', true),
  th: (text) => text.flow('', true),
  ul: (text) => text.openList(false),
  '/ul': (text) => text.closeList(),
};

// Names and values as a browser and `attributePattern` read them: a quote only opens a value after
// `=`, and a name may start with `=` or a quote. A quoted value left open runs to the end.
const attributes = String.raw`(?:[^\s/>][^\s/=>]*(?:\s*=\s*(?:"[^"]*(?:"|$)|'[^']*(?:'|$)|[^\s>]*))?|[\s/])*`;

/**
 * One match per token, as a browser reads it: a comment; an element whose content never shows,
 * with it; a start or end tag; a declaration; text, with any `<` that starts no tag. A token left
 * open runs to the end of the input, so the scan never backtracks (docs/security.md).
 */
const token = new RegExp(
  // The rule cannot see that; megabyte inputs in html-to-text.test.ts hold it to linear time.
  // eslint-disable-next-line regexp/no-super-linear-backtracking
  [
    String.raw`<!--[\S\s]*?(?:-->|$)`,
    String.raw`<(script|style|title|template|noscript)(?=[\s/>])${attributes}>?[\S\s]*?(?:<\/\1(?=[\s/>])[^>]*>?|$)`,
    String.raw`<(\/?)([a-z][^\s/>]*)([\s/]${attributes})?(>?)`,
    String.raw`<[!/?][^>]*>?`,
    String.raw`((?:[^<]|<(?![!/?a-z]))+)`,
  ].join('|'),
  'gi'
);

/** The text of an HTML document as a plain-text email part. */
export const htmlToText = (html: string): string => {
  const text = new PlainText();

  for (const [_, , slash = '', tagName, tagAttributes = '', end, plain] of html.matchAll(token)) {
    // A tag cut short by the end of the input, even in a quoted value, is no tag, as in a browser.
    if (tagName && end) {
      const name = tagName.toLowerCase();
      text.blockBreak(breaksAround.get(name) ?? 0);
      onTag[slash + name]?.(text, tagAttributes);
    } else if (plain) {
      text.text(plain);
    }
  }

  return text.toString();
};
