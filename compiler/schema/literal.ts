/**
 * Every value from a `.nn` source reaches the generated TypeScript through here, as JSON text:
 * JSON string literals are valid TypeScript string literals, with quotes, backslashes and control
 * characters escaped, and they are never template literals, so `${…}` in a name stays text.
 */
export function literal(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new Error(`cannot emit ${String(value)} as a literal`);
  // U+2028/U+2029 are legal in JS strings but confuse some tools; escape them too.
  return text.replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** A line comment's text, on one line whatever the input holds. */
export function commentText(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, " ");
}
