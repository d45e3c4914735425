/**
 * The values of number and string literals, as the lexer leaves them: pure functions of the text.
 */

/** A number as the language writes it: digits grouped by single underscores between digits. */
const WELL_FORMED_NUMBER = /^\d+(?:_\d+)*(?:\.\d+(?:_\d+)*)?(?:[eE][+-]?\d+(?:_\d+)*)?$/;

/**
 * What is wrong with a number literal the lexer took (`1__0`, `1_`, `1_.5`), with the number it
 * was probably meant to be; undefined for a well-formed one.
 */
export function numberFormProblem(text: string): { message: string; fixed: string } | undefined {
  if (WELL_FORMED_NUMBER.test(text)) return undefined;
  const fixed = text.replace(/_+/g, "_").replace(/_(?!\d)/g, "").replace(/(^|\D)_/g, "$1");
  return { message: `malformed number \`${text}\`: \`_\` goes between two digits, one at a time, as in \`60_000\``, fixed };
}

/** A number literal as it is meant: `.5` (a slip, `parse.ts` reports it) is `0.5`; any other as written. */
export function withLeadingDigit(text: string): string {
  return text.startsWith(".") ? `0${text}` : text;
}

/** The value of a number literal (`60_000` → 60000) and whether it may stand where an `int` goes. */
export function numberValue(text: string): { value: number; isInteger: boolean } {
  return { value: Number(text.replace(/_/g, "")), isInteger: !/[.eE]/.test(text) };
}

/** An escape the language does not know, at `offset` characters into the literal as written. */
export interface BadEscape {
  readonly offset: number;
  readonly text: string;
}

/**
 * The value of a string literal as written, quotes included (the closing one may be missing): the
 * escapes `\"`, `\\`, `\n` and `\t` are resolved; any other escaped character stands for itself and
 * is returned among `badEscapes`.
 */
export function stringValue(image: string, closed: boolean): { value: string; badEscapes: BadEscape[] } {
  const body = closed ? image.slice(1, -1) : image.slice(1).replace(/\\$/, "");
  const badEscapes: BadEscape[] = [];
  const value = body.replace(/\\([\s\S])/g, (escape: string, c: string, at: number) => {
    switch (c) {
      case "n":
        return "\n";
      case "t":
        return "\t";
      case '"':
      case "\\":
        return c;
      case "'":
        // `\'` in a single-quoted string (itself a slip, reported once) is the quote.
        if (image.startsWith("'")) return c;
    }
    badEscapes.push({ offset: 1 + at, text: escape });
    return c;
  });
  return { value, badEscapes };
}
