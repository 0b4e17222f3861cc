/**
 * Reads which variables a Postmark template (Mustachio) uses, without rendering it.
 *
 * One pass from left to right; every search starts where the last tag ended, so the time is
 * linear in the text. Text that is not a well-formed tag is left as text, as Postmark would print
 * it, and what cannot be read in bounded work (deep nesting, a flood of names) is reported.
 */

export const mustachioLimits = {
  /** Characters of one field; a look-up answer is already capped at about this size. */
  text: 2 * 1024 * 1024,
  /** Sections inside sections; real templates nest two or three. */
  depth: 16,
  /** Characters of one name inside a tag. */
  name: 128,
  /** Different variables in one template. */
  variables: 1000,
} as const;

export type TemplateReading = {
  /** Every variable the template refers to, as a path from the model's root, in order. */
  used: string[];
  /** The paths whose value the template prints (not only tests). */
  shown: string[];
  /** Why the reading stopped early, when it did. */
  problem?: string;
};

type Scope = { path: string; depth: number; parent?: Scope };

const segmentPattern = /^[\p{L}\p{N}_$-]+$/u;

const parentSteps = /^(?:\.\.\/)*/;

const isName = (name: string) => name.split('.').every((segment) => segmentPattern.test(segment));

/** Resolves a tag's name against the sections around it; `undefined` for what is no variable. */
const resolve = (name: string, scope: Scope): string | undefined => {
  // An empty name, or one of Mustachio's own (`@index`, `@content`), is no name: isName refuses it.
  if (name.length > mustachioLimits.name) {
    return;
  }

  const steps = parentSteps.exec(name)?.[0].length ?? 0;
  const rest = name.slice(steps);
  const base = Array.from({ length: steps / 3 }).reduce<Scope | undefined>(
    (current) => current?.parent,
    scope
  );

  if (!base) {
    return;
  }

  if (rest === '.' || rest === 'this') {
    return base.path || undefined;
  }

  if (!isName(rest)) {
    return;
  }

  return base.path ? `${base.path}.${rest}` : rest;
};

type Tag = { sigil: string; name: string; raw: boolean };

const readTag = (content: string, raw: boolean): Tag => {
  const trimmed = content.trim();
  const sigil = raw ? '' : trimmed.slice(0, 1);

  if ('#^/!&>'.includes(sigil) && sigil !== '') {
    const name = trimmed.slice(1).trim();
    return sigil === '#' && name.startsWith('each ')
      ? { sigil: 'each', name: name.slice(5).trim(), raw }
      : { sigil, name, raw };
  }

  return { sigil: '', name: trimmed, raw };
};

/** Where the next tag starts and ends: `{{…}}` or `{{{…}}}`; `undefined` when none is complete. */
const nextTag = (text: string, from: number) => {
  const start = text.indexOf('{{', from);

  if (start === -1) {
    return;
  }

  const raw = text.startsWith('{{{', start);
  const closer = raw ? '}}}' : '}}';
  const contentStart = start + closer.length;
  const end = text.indexOf(closer, contentStart);

  if (end === -1) {
    return;
  }

  return { tag: readTag(text.slice(contentStart, end), raw), next: end + closer.length };
};

const enter = (scope: Scope, tag: Tag, path: string | undefined): Scope => ({
  // An inverted section renders only when its value is missing: names inside keep the scope.
  path: tag.sigil === '^' ? scope.path : (path ?? scope.path),
  depth: scope.depth + 1,
  parent: scope,
});

const opensSection = (tag: Tag) => tag.sigil === '#' || tag.sigil === 'each' || tag.sigil === '^';
const printsValue = (tag: Tag) => tag.sigil === '' || tag.sigil === '&';

/** The scope after a tag, or why reading stops there. */
const scopeAfter = (scope: Scope, tag: Tag, path: string | undefined): Scope | string => {
  if (opensSection(tag)) {
    return scope.depth >= mustachioLimits.depth
      ? `nests sections deeper than ${mustachioLimits.depth}`
      : enter(scope, tag, path);
  }

  return tag.sigil === '/' ? (scope.parent ?? scope) : scope;
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
    let found = nextTag(text, 0);
    found;
    // eslint-disable-next-line @silverhand/fp/no-mutation
    found = nextTag(text, found.next)
  ) {
    const { tag } = found;
    const path = resolve(tag.name, scope);

    if (path !== undefined && (printsValue(tag) || opensSection(tag))) {
      used.add(path);
      (printsValue(tag) ? shown : used).add(path);
    }

    if (used.size > mustachioLimits.variables) {
      return result(`uses more than ${mustachioLimits.variables} variables`);
    }

    // eslint-disable-next-line @silverhand/fp/no-mutation
    scope = scopeAfter(scope, tag, path);

    if (typeof scope === 'string') {
      return result(scope);
    }
  }

  return result();
};
