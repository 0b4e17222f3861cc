/** What a stored template shows and uses, against what Logto sends for its usage type. */
import { clip, sentence } from '../errors/connector-error.js';
import { describeEntry } from '../template.js';
import type { TemplateConfig } from '../types.js';

import { essentialOf, isFilled } from './logto-payload.js';
import type { StoredTemplate } from './lookups.js';
import { readTemplate } from './mustachio.js';

/** A template's parts as an operator finds them in Postmark's editor. */
const parts = [
  ['subject', 'Subject'],
  ['HTML body', 'HtmlBody'],
  ['text body', 'TextBody'],
] as const;

type TemplateUse = { used: string[]; shown: string[]; problems: string[] };

/** What the template's parts use and show, and why a part cannot be read, naming it: `its subject …`. */
const readStored = (template: StoredTemplate, owner: string): TemplateUse => {
  const readings = parts.flatMap(([label, field]) => {
    const text = template[field];
    return typeof text === 'string' ? [{ label, ...readTemplate(text) }] : [];
  });
  return {
    used: readings.flatMap(({ used }) => used),
    shown: readings.flatMap(({ shown }) => shown),
    problems: readings.flatMap(({ label, problem }) =>
      problem ? [`${owner} ${label} ${problem}`] : []
    ),
  };
};

export const entryProblems = (
  entry: TemplateConfig,
  template: StoredTemplate,
  layout: StoredTemplate | undefined,
  fixed: Record<string, unknown>
): string[] => {
  const name = describeEntry(entry);

  if (template.TemplateType === 'Layout') {
    return [
      `${name} is a Layout, which Postmark cannot send: give a Standard template that uses it.`,
    ];
  }

  const readings = [
    readStored(template, 'its'),
    ...(layout ? [readStored(layout, "its layout's")] : []),
  ];
  const unreadable = readings.flatMap(({ problems }) => problems);

  if (unreadable.length > 0) {
    return [
      `${name} cannot be checked: simplify it in Postmark. ${sentence(unreadable.join(', and ').replace('its', 'Its'))}`,
    ];
  }

  const essential = essentialOf(entry.usageType);
  const shown = readings.some((reading) => reading.shown.includes(essential));
  const unfilled = [
    ...new Set(
      readings.flatMap(({ used }) => used.filter((path) => !isFilled(path, entry.usageType, fixed)))
    ),
  ];

  const [only] = unfilled;
  const named = `${unfilled
    .slice(0, 10)
    .map((path) => `{{${path}}}`)
    .join(', ')}${unfilled.length > 10 ? ` and ${unfilled.length - 10} more` : ''}`;

  return [
    ...(shown
      ? []
      : [
          `Put {{${essential}}} in the subject or body of ${name}, or users get no ${essential}. Logto fills "${essential}", under no other name.`,
        ]),
    ...(unfilled.length > 0
      ? [
          `${
            only !== undefined && unfilled.length === 1
              ? `Add {{${clip(only, 24)}}} to "Fixed template values", or remove it from ${name}.`
              : `Add ${unfilled.length} variables to "Fixed template values", or remove them from ${name}.`
          } It uses ${named}, which Logto does not send for ${entry.usageType}.`,
        ]
      : []),
  ];
};
