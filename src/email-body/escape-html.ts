/** HTML escaping, shared by Logto's custom templates and the starter templates command. */
const htmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML shows it, in an element or in a quoted attribute: no value can add markup. */
export const escapeHtml = (value: string) =>
  value.replaceAll(/["&'<>]/g, (character) => htmlEntities[character] ?? character);
