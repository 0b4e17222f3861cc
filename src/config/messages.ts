import { type ZodError, type ZodIssue } from 'zod';

import { ConnectorErrorCodes } from '@logto/connector-kit';

import { defaultMetadata } from '../constant.js';
import { connectorError, maxFirstSentence, sentence } from '../errors/connector-error.js';

/** Enough issues to act on; a form with hundreds of wrong entries needs the first few fixed. */
const shownIssues = 10;

const formatPath = (path: ReadonlyArray<string | number>) =>
  path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : index ? `.${key}` : key))
    .join('');

const labelOf = (key: string | number | undefined) =>
  defaultMetadata.formItems?.find((item) => item.key === key)?.label;

/** Names a field as the Console's form does, with its key for JSON editors: `Sender (fromEmail)`. */
const describeIssue = ({ path, message }: ZodIssue) => {
  const label = labelOf(path[0]);
  const field = label ? `${label} (${formatPath(path)})` : formatPath(path);
  return path.length > 0 ? `${field}: ${message}` : message;
};

/** A field as the first sentence names it: `"Sender" (fromEmail)`. */
const nameField = (key: string | number) => {
  const label = labelOf(key);
  return label ? `"${label}" (${key})` : formatPath([key]);
};

const listed = (names: string[]) =>
  names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}` : names.join('');

/** The fields to correct, as many as fit the first sentence, then how many more. */
const whatToFix = (issues: ZodIssue[]) => {
  const keys = [...new Set(issues.flatMap(({ path: [key] }) => (key === undefined ? [] : [key])))];
  const sentenceFor = (shown: number) => {
    const more = keys.length - shown;
    const names = keys.slice(0, shown).map((key) => nameField(key));
    const fields = more > 0 ? [...names, `${more} more field${more > 1 ? 's' : ''}`] : names;
    return `Correct ${listed(fields)} in the connector's settings.`;
  };
  // No more names than the issues that follow name, and no more than fit.
  const fits = keys
    .slice(0, shownIssues)
    .map((_, index, named) => sentenceFor(named.length - index))
    .find((text) => text.length <= maxFirstSentence);
  return keys.length > 0 ? (fits ?? sentenceFor(1)) : undefined;
};

export const invalidConfig = ({ issues }: ZodError) => {
  const more = issues.length - shownIssues;
  const shown = issues.slice(0, shownIssues).map((issue) => describeIssue(issue));
  const detail = sentence(`${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`);
  const fix = whatToFix(issues);
  return connectorError(ConnectorErrorCodes.InvalidConfig, fix ? `${fix} ${detail}` : detail);
};
