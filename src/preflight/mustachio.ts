/**
 * Reads which variables a Postmark template (Mustachio) uses, without rendering it.
 *
 * One pass from left to right; every search starts where the last tag ended, so the time is
 * linear in the text. Text that is not a well-formed tag is left as text, as Postmark would print
 * it, and what cannot be read in bounded work (deep nesting, a flood of names) is reported.
 */

export const mustachioLimits = {
  text: 2 * 1024 * 1024, // Characters of one field; a look-up answer is already capped about there
  depth: 16, // Sections inside sections; real templates nest two or three
  name: 128, // Characters of one name inside a tag
  variables: 1000, // Different variables in one template
} as const;

/** Paths from the model's root, in order: every one the template uses, and those it prints. */
type TemplateReading = { used: string[]; shown: string[]; problem?: string };

type Scope = { path: string; depth: number; parent?: Scope };

const isName = (name: string) =>
  name.split('.').every((segment) => /^[\p{L}\p{N}_$-]+$/u.test(segment));

/** Resolves a tag's name against the sections around it; `undefined` for what is no variable. */
const resolve = (name: string, scope: Scope) => {
  // An empty name, or one of Mustachio's own (`@index`, `@content`), is no name: isName refuses it.
  if (name.length > mustachioLimits.name) {
    return;
  }

  const steps = /^(?:\.\.\/)*/.exec(name)?.[0].length ?? 0;
  const rest = name.slice(steps);
  const base = Array.from({ length: steps / 3 }).reduce<Scope | undefined>(
    (current) => current?.parent,
    scope
  );

  if (base && (rest === '.' || rest === 'this')) {
    return base.path || undefined;
  }

  if (base && isName(rest)) {
    return base.path ? `${base.path}.${rest}` : rest;
  }
};

/** The next complete tag, `{{…}}` or `{{{…}}}` (which only prints), and where reading goes on. */
const nextTag = (text: string, from: number) => {
  const start = text.indexOf('{{', from);
  const closer = text.startsWith('{{{', start) ? '}}}' : '}}';
  const end = start === -1 ? -1 : text.indexOf(closer, start + closer.length);

  if (end === -1) {
    return;
  }

  const content = text.slice(start + closer.length, end).trim();
  const sigil = closer === '}}' && /^[!#&/>^]/.test(content) ? content.charAt(0) : '';
  const name = content.slice(sigil.length).trim();
  const next = end + closer.length;
  return sigil === '#' && name.startsWith('each ')
    ? { sigil: 'each', name: name.slice(5).trim(), next }
    : { sigil, name, next };
};

const opens = (sigil: string) => sigil === '#' || sigil === 'each' || sigil === '^';
const prints = (sigil: string) => sigil === '' || sigil === '&';

/** The scope after a tag, or why reading stops there. */
const scopeAfter = (scope: Scope, sigil: string, path: string | undefined): Scope | string => {
  if (!opens(sigil)) {
    return sigil === '/' ? (scope.parent ?? scope) : scope;
  }

  return scope.depth >= mustachioLimits.depth
    ? `nests sections deeper than ${mustachioLimits.depth}`
    : {
        // An inverted section renders only when its value is missing: names inside keep the scope.
        path: sigil === '^' ? scope.path : (path ?? scope.path),
        depth: scope.depth + 1,
        parent: scope,
      };
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
  let scope: Scope | string = { path: '', depth: 0 };

  for (
    // eslint-disable-next-line @silverhand/fp/no-let
    let tag = nextTag(text, 0);
    tag;
    // eslint-disable-next-line @silverhand/fp/no-mutation
    tag = nextTag(text, tag.next)
  ) {
    const path = resolve(tag.name, scope);

    if (path !== undefined && (prints(tag.sigil) || opens(tag.sigil))) {
      used.add(path);
      (prints(tag.sigil) ? shown : used).add(path);
    }

    if (used.size > mustachioLimits.variables) {
      return result(`uses more than ${mustachioLimits.variables} variables`);
    }

    // eslint-disable-next-line @silverhand/fp/no-mutation
    scope = scopeAfter(scope, tag.sigil, path);

    if (typeof scope === 'string') {
      return result(scope);
    }
  }

  return result();
};
