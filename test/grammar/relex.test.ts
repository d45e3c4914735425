import type { IToken } from "chevrotain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lex, type Lexed } from "../../grammar/lex.js";
import { relex } from "../../grammar/relex.js";
import { textChange } from "../../grammar/text-change.js";
import { generate } from "../../bench/generated-program.mjs";
import { applyEdit, edit } from "../support/edits.js";
import { acceptancePrograms } from "../support/samples.js";

const samples = [
  ...acceptancePrograms().map((p) => p.text),
  generate(120),
  'model A { input x: [2]  /* a\n comment */ x -> dense(3) }\n"str" @@ 1.5e3 /// doc\n',
];

const token = (t: IToken) => [t.tokenType.name, t.image, t.startOffset, t.endOffset, t.startLine, t.startColumn, t.endLine, t.endColumn];
const plain = (l: Lexed) => ({
  tokens: l.tokens.map(token),
  comments: l.comments.map(token),
  errors: l.errors.map((e) => [e.offset, e.length, e.line, e.column]),
});

describe("relex", () => {
  it("gives what lexing the whole text gives, after any sequence of edits", () => {
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.array(edit, { minLength: 1, maxLength: 5 }), (sample, edits) => {
        let text = sample;
        let lexed = lex(text);
        for (const e of edits) {
          const next = applyEdit(text, e);
          lexed = relex(lexed, text, next, textChange(text, next));
          text = next;
          expect(plain(lexed)).toEqual(plain(lex(text)));
        }
      }),
      { numRuns: 500 },
    );
  }, 60_000);

  it("lexes again only around the change", () => {
    const text = generate(200);
    const first = lex(text);
    const at = text.indexOf("dense(10,") + 6;
    const next = `${text.slice(0, at)}1${text.slice(at)}`;
    const second = relex(first, text, next, textChange(text, next));
    const kept = second.tokens.filter((t, i) => t === first.tokens[i]).length;
    expect(kept).toBeGreaterThan(first.tokens.length * 0.9);
  });
});
