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

const inDefaultMetadata = (path) =>
  Boolean(
    path.findParent(
      (parent) => parent.isVariableDeclarator() && parent.node.id.name === 'defaultMetadata'
    )
  );

const isConsoleText = (path) => {
  if (!path.isStringLiteral() || !inDefaultMetadata(path)) {
    return false;
  }
  const property = path.parentPath;
  if (textKeys.has(keyName(property))) {
    return true;
  }
  // A language's entry of `name` or `description`: its key may be quoted, such as 'pt-BR'.
  return (
    property?.isObjectProperty() && translatedKeys.has(keyName(property.parentPath.parentPath))
  );
};

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'console-text', {
    shouldIgnore: (path) =>
      isConsoleText(path) ? 'Text the Console shows people, not read by code' : undefined,
  }),
];
