import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "../../grammar/parse.js";
import { reparse } from "../../grammar/reparse.js";
import { textChange } from "../../grammar/text-change.js";
import { generate } from "../../bench/generated-program.mjs";
import { applyEdit, edit } from "../support/edits.js";
import { acceptancePrograms } from "../support/samples.js";

const samples = [
  ...acceptancePrograms().map((p) => p.text),
  generate(120),
];

describe("reparse", () => {
  it("finds the changed span between two texts", () => {
    expect(textChange("model A {}", "model AB {}")).toEqual({ start: 7, oldEnd: 7, newEnd: 8 });
    expect(textChange("aaa", "aa")).toEqual({ start: 2, oldEnd: 3, newEnd: 2 });
    expect(textChange("same", "same")).toEqual({ start: 4, oldEnd: 4, newEnd: 4 });
  });

  it("gives what a fresh parse gives, after any sequence of edits", () => {
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.array(edit, { minLength: 1, maxLength: 5 }), (sample, edits) => {
        let text = sample;
        let result = parse(text, "f.nn");
        for (const e of edits) {
          text = applyEdit(text, e);
          result = reparse(result, text, "f.nn");
          const fresh = parse(text, "f.nn");
          expect(result.diagnostics).toEqual(fresh.diagnostics);
          expect(result.file).toEqual(fresh.file);
        }
      }),
      { numRuns: 400 },
    );
  }, 60_000);

  it("keeps the nodes of declarations the edit did not touch, and moves those after it", () => {
    const text = "model A {\n  input x: [2]\n  x -> dense(3)\n}\n\nmodel B {\n  input y: [4]\n  y -> dense(5)\n}\n";
    const first = parse(text, "f.nn");
    const [a, b] = first.file.decls;
    const edited = text.replace("dense(3)", "dense(30)");
    const second = reparse(first, edited, "f.nn");
    expect(second.file.decls[0]).not.toBe(a);
    expect(second.file.decls[1]).toBe(b);
    expect(b.range.start).toEqual({ offset: edited.indexOf("model B"), line: 6, column: 1 });
  });

  it("parses again the declarations a new block comment swallows", () => {
    const text = "model A {\n  input x: [2]\n  x -> dense(3)\n}\nmodel B {\n  input y: [4]\n  y -> dense(5)\n}\n";
    const first = parse(text, "f.nn");
    const edited = `/*${text}`;
    expect(reparse(first, edited, "f.nn")).toEqual(parse(edited, "f.nn"));
  });
});
