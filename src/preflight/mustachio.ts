/**
 * Which variables a Postmark (Mustachio) template uses, read without rendering in one linear pass.
 * Malformed tags stay text, as Postmark prints them; past the limits below, reading stops with why.
 */

export const mustachioLimits = {
  text: 2 * 1024 * 1024, // Characters of one field; a look-up answer is already capped about there
  depth: 16, // Sections inside sections; real templates nest two or three
  name: 128, // Characters of one name inside a tag
  variables: 1000, // Different variables in one template
} as const;

/** Paths from the model's root, in order: every one the template uses, and those it prints. */
type TemplateReading = { used: string[]; shown: string[]; problem?: string };

const isName = (name: string) =>
  name.split('.').every((segment) => /^[\p{L}\p{N}_$-]+$/u.test(segment));

/** A tag's name as a path from the root. */
const resolve = (name: string, scopes: string[]) => {
  // An empty name, or one of Mustachio's own (`@index`, `@content`), is no name: isName refuses it.
  if (name.length > mustachioLimits.name) {
    return;
  }

  const steps = /^(?:\.\.\/)*/.exec(name)?.[0].length ?? 0;
  const rest = name.slice(steps);
  const base = scopes.at(-1 - steps / 3);

  if (base !== undefined && (rest === '.' || rest === 'this')) {
    return base || undefined;
  }

  if (base !== undefined && isName(rest)) {
    return base ? `${base}.${rest}` : rest;
  }
};

/** The next whole tag, `{{…}}` or `{{{…}}}` (prints, `&` or not), and where reading goes on. */
const nextTag = (text: string, from: number) => {
  const start = text.indexOf('{{', from);
  const closer = text.startsWith('{{{', start) ? '}}}' : '}}';
  const end = start === -1 ? -1 : text.indexOf(closer, start + closer.length);

  if (end === -1) {
    return;
  }

  const content = text.slice(start + closer.length, end).trim();
  const sigil = (closer === '}}' ? /^[!#&/>^]/ : /^&/).test(content) ? content.charAt(0) : '';
  const name = content.slice(sigil.length).trim();
  // `{{#each items}}` opens a section on `items`, as `{{#items}}` does.
  const each = sigil === '#' && name.startsWith('each ');
  return { sigil, name: each ? name.slice(5).trim() : name, next: end + closer.length };
};

const opens = (sigil: string) => sigil === '#' || sigil === '^';
const prints = (sigil: string) => sigil === '' || sigil === '&';

/** The scopes after a tag: `scopes` holds the root's and each open section's path. */
const scopesAfter = (scopes: string[], sigil: string, path: string | undefined) => {
  if (!opens(sigil)) {
    return sigil === '/' && scopes.length > 1 ? scopes.slice(0, -1) : scopes;
  }

  const scope = scopes.at(-1) ?? '';
  // An inverted section renders only when its value is missing: names inside keep the scope.
  return [...scopes, sigil === '^' ? scope : (path ?? scope)];
};

export const readTemplate = (text: string): TemplateReading => {
  if (text.length > mustachioLimits.text) {
    return { used: [], shown: [], problem: `is longer than ${mustachioLimits.text} characters` };
  }

  const used = new Set<string>();
  const shown = new Set<string>();
  const result = (problem?: string): TemplateReading => ({
    used: [...used],
    shown: [...shown],
    ...(problem && { problem }),
  });
  // eslint-disable-next-line @silverhand/fp/no-let
  let scopes = [''];

  // eslint-disable-next-line @silverhand/fp/no-let, @silverhand/fp/no-mutation
  for (let tag = nextTag(text, 0); tag; tag = nextTag(text, tag.next)) {
    const path = resolve(tag.name, scopes);

    if (path !== undefined && (prints(tag.sigil) || opens(tag.sigil))) {
      used.add(path);
      (prints(tag.sigil) ? shown : used).add(path);
    }

    if (used.size > mustachioLimits.variables) {
      return result(`uses more than ${mustachioLimits.variables} variables`);
    }

    if (opens(tag.sigil) && scopes.length > mustachioLimits.depth) {
      return result(`nests sections deeper than ${mustachioLimits.depth}`);
    }

    // eslint-disable-next-line @silverhand/fp/no-mutation
    scopes = scopesAfter(scopes, tag.sigil, path);
  }

  return result();
};
