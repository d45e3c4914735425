/**
 * Escaping for text that goes into the report's HTML and SVG, both as element content and inside
 * quoted attribute values. Layer names, settings and paths come from user files, so every one of
 * them passes through here.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes `& < > " '`, and replaces control characters XML forbids (a chart may be saved as a standalone .svg). */
export function escapeHtml(text: string): string {
  return text
    .replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "\uFFFD");
}
