// Random edits as an editor makes them, for the tests that compare incremental work with fresh work.
import fc from "fast-check";

/** What an editor types or pastes: characters that open and close things, keywords, whole declarations. */
const PIECES = [
  "x", "1", "0", " ", "\n", "\n\n", "{", "}", "(", ")", "[", "]", ",", ":", '"', "/*", "*/", "//", "/// doc\n", "->", "model ", "train ",
  "block ", "use ", "train: ", "\nmodel M { input x: [2]\n x -> dense(3) }\n", "-> dense(10, activation: relu)", "@",
];

export interface Edit {
  /** Where, as a fraction of the text's length. */
  readonly at: number;
  /** How many characters it replaces. */
  readonly length: number;
  readonly text: string;
}

export const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  length: fc.nat({ max: 40 }),
  text: fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 }), fc.constant("")),
});

export function applyEdit(text: string, e: Edit): string {
  const start = Math.min(text.length, Math.floor(e.at * text.length));
  return text.slice(0, start) + e.text + text.slice(Math.min(text.length, start + e.length));
}
