/** What a stored template shows and uses, against what Logto sends for its usage type. */
import { clip, sentence } from '../errors/connector-error.js';
import { describeEntry } from '../template.js';
import type { TemplateConfig } from '../types.js';

import { essentialOf, isFilled } from './logto-payload.js';
import type { StoredTemplate } from './lookups.js';
import { readTemplate } from './mustachio.js';

/** A template's parts as an operator finds them in Postmark's editor. */
const parts = { subject: 'Subject', 'HTML body': 'HtmlBody', 'text body': 'TextBody' } as const;

/** What each part uses and shows, named for a message: `its subject`, `its layout's text body`. */
const read = (template: StoredTemplate, owner: string) =>
  Object.entries(parts).flatMap(([label, field]) => {
    const text = template[field];
    return typeof text === 'string' ? [{ part: `${owner} ${label}`, ...readTemplate(text) }] : [];
  });

export const entryProblems = (
  entry: TemplateConfig,
  template: StoredTemplate,
  layouts: Map<string, StoredTemplate | undefined>,
  fixed: Record<string, unknown>
) => {
  const name = describeEntry(entry);
  const layoutKey = template.LayoutTemplate;
  const layout = layoutKey ? layouts.get(layoutKey) : undefined;

  if (template.TemplateType === 'Layout') {
    return [
      `${name} is a Layout, which Postmark cannot send: give a Standard template that uses it.`,
    ];
  }

  if (layoutKey && !layout) {
    return [
      `${name} uses the layout "${clip(layoutKey, 24)}", which Postmark lacks: create it, or choose another.`,
    ];
  }

  const readings = [...read(template, 'its'), ...(layout ? read(layout, "its layout's") : [])];
  const unreadable = readings.flatMap(({ part, problem }) =>
    problem ? [`${part} ${problem}`] : []
  );

  if (unreadable.length > 0) {
    return [
      `${name} cannot be checked: simplify it in Postmark. ${sentence(unreadable.join(', and ').replace('its', 'Its'))}`,
    ];
  }

  const essential = essentialOf(entry.usageType);
  const unfilled = [...new Set(readings.flatMap(({ used }) => used))].filter(
    (path) => !isFilled(path, entry.usageType, fixed)
  );
  const [only = ''] = unfilled;
  const fix =
    unfilled.length === 1
      ? `Add {{${clip(only, 24)}}} to "Fixed template values", or remove it from ${name}.`
      : `Add ${unfilled.length} variables to "Fixed template values", or remove them from ${name}.`;
  const named = unfilled.slice(0, 10).map((path) => `{{${path}}}`);
  const more = unfilled.length > 10 ? ` and ${unfilled.length - 10} more` : '';

  return [
    !readings.some(({ shown }) => shown.includes(essential)) &&
      `Put {{${essential}}} in the subject or body of ${name}, or users get no ${essential}. Logto fills "${essential}", under no other name.`,
    unfilled.length > 0 &&
      `${fix} It uses ${named.join(', ')}${more}, which Logto does not send for ${entry.usageType}.`,
  ].filter((problem) => typeof problem === 'string');
};
