/** Every place a Markdown or HTML link can name its target. */
export const linkTargets = (markdown: string) => [
  ...[...markdown.matchAll(/]\(\s*<?([^\s)>]*)/g)].map((match) => match[1] ?? ''),
  ...[...markdown.matchAll(/^ {0,3}\[[^\n\]]+]:\s*<?([^\s>]*)/gm)].map((match) => match[1] ?? ''),
  ...[...markdown.matchAll(/<([a-z][\d+.a-z-]*:[^\s<>]*)>/gi)].map((match) => match[1] ?? ''),
  ...[...markdown.matchAll(/\b(?:href|src)\s*=\s*["']?([^\s"'>]*)/gi)].map(
    (match) => match[1] ?? ''
  ),
];
