import { type ZodError, type ZodIssue } from 'zod';

import { ConnectorErrorCodes } from '@logto/connector-kit';

import { defaultMetadata } from '../constant.js';
import { connectorError } from '../errors/connector-error.js';

const formatPath = (path: ReadonlyArray<string | number>) =>
  path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : index ? `.${key}` : key))
    .join('');

const labelOf = (key: string | number | undefined) =>
  defaultMetadata.formItems?.find((item) => item.key === key)?.label;

/** Names a field as the Console's form does, with its key for JSON editors: `Sender (fromEmail)`. */
const describeIssue = ({ path, message }: ZodIssue) => {
  if (path.length === 0) {
    return message;
  }

  const label = labelOf(path[0]);
  return `${label ? `${label} (${formatPath(path)})` : formatPath(path)}: ${message}`;
};

/** Enough issues to act on; a form with hundreds of wrong entries needs the first few fixed. */
const shownIssues = 10;

const describeZodError = ({ issues }: ZodError) => {
  const shown = issues.slice(0, shownIssues).map((issue) => describeIssue(issue));
  const more = issues.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
};

export const invalidConfig = (error: ZodError) =>
  connectorError(
    ConnectorErrorCodes.InvalidConfig,
    `The Postmark connector's configuration is invalid. ${describeZodError(error)}.`
  );
