/**
 * A Stryker ignorer: the text the Console shows people (the connector's name and description in
 * each language, and each form item's label, tooltip, placeholder, description and choice titles)
 * is written for readers, not read by code; a test that pinned each sentence would only restate
 * it. Keys, values, types and defaults of the form stay mutated. docs/mutation.md states the rule.
 */
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

const textKeys = new Set(['label', 'tooltip', 'placeholder', 'title', 'description']);
const translatedKeys = new Set(['name', 'description']);

const keyName = (path) =>
  path?.isObjectProperty() && path.node.key.type === 'Identifier' ? path.node.key.name : undefined;

/** Inside the metadata, or the description it takes in each language. */
const inDefaultMetadata = (path) =>
  Boolean(
    path.findParent(
      (parent) =>
        parent.isVariableDeclarator() &&
        ['defaultMetadata', 'description'].includes(parent.node.id.name)
    )
  );

/** A form item's label: the second argument of `formItem(key, label, type, details)`. */
const isFormItemLabel = (path) =>
  path.parentPath?.isCallExpression() &&
  path.parentPath.node.callee.type === 'Identifier' &&
  path.parentPath.node.callee.name === 'formItem' &&
  path.parentPath.node.arguments[1] === path.node;

const isConsoleText = (path) => {
  if (!path.isStringLiteral() || !inDefaultMetadata(path)) {
    return false;
  }
  const property = path.parentPath;
  if (isFormItemLabel(path) || textKeys.has(keyName(property))) {
    return true;
  }
  // A language's entry of `name` or `description`: its key may be quoted, such as 'pt-BR'.
  const object = property?.parentPath;
  return (
    property?.isObjectProperty() &&
    (translatedKeys.has(keyName(object?.parentPath)) ||
      (object?.parentPath?.isVariableDeclarator() &&
        object.parentPath.node.id.name === 'description'))
  );
};

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'console-text', {
    shouldIgnore: (path) =>
      isConsoleText(path) ? 'Text the Console shows people, not read by code' : undefined,
  }),
];
