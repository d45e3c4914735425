import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/check.js";
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic.js";
import { parse } from "../../grammar/parse.js";

const ACCEPTANCE = join(import.meta.dirname, "../../../shared/acceptance");
const samples = ["ok", "errors"].flatMap((sub) =>
  readdirSync(join(ACCEPTANCE, sub))
    .filter((f) => f.endsWith(".nn"))
    .map((f) => readFileSync(join(ACCEPTANCE, sub, f), "utf8")),
);

const WORDS = ["model", "block", "train", "use", "input", "output", "let", "->", "(", ")", "[", "]", "{", "}", ",", ":", ";", "=", "+", "-", "*", "/",
  "x", "dense", "conv2d", "relu", "10", "0.5", '"s"', "///d\n", "//c\n", "/*", "*/", "\n", " ", "true", "@", '"'];

/** Every range lies inside the text, and its line/column agree with its offset. */
function expectRangesInside(text: string, diagnostics: readonly Diagnostic[]): void {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  for (const d of diagnostics) {
    const { start, end } = d.range;
    expect(0 <= start.offset && start.offset <= end.offset && end.offset <= text.length, `${d.code} ${JSON.stringify(d.range)}`).toBe(true);
    for (const p of [start, end]) expect(lineStarts[p.line - 1] + p.column - 1).toBe(p.offset);
  }
}

describe("parser and checker on arbitrary input", () => {
  it("never throw on arbitrary strings, and ranges stay inside the text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        expectRangesInside(text, parse(text, "a.nn").diagnostics);
        expectRangesInside(text, checkSource(text, "a.nn").diagnostics);
      }),
      { numRuns: 300 },
    );
  });

  it("never throw on token soup", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 80 }), (words) => {
        const text = words.join(" ");
        expectRangesInside(text, checkSource(text, "soup.nn").diagnostics);
      }),
      { numRuns: 400 },
    );
  });

  it("never throw on mutated programs (deleted, duplicated and inserted spans)", () => {
    const mutation = fc.record({
      sample: fc.nat(samples.length - 1),
      at: fc.nat(),
      length: fc.nat(40),
      kind: fc.constantFrom("delete", "duplicate", "insert"),
      insert: fc.constantFrom(...WORDS),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        let text = samples[mutations[0].sample];
        for (const m of mutations) {
          const at = m.at % (text.length + 1);
          const span = text.slice(at, at + m.length);
          text = m.kind === "delete" ? text.slice(0, at) + text.slice(at + m.length) : m.kind === "duplicate" ? text.slice(0, at) + span + text.slice(at) : text.slice(0, at) + m.insert + text.slice(at);
        }
        expectRangesInside(text, checkSource(text, "m.nn").diagnostics);
      }),
      { numRuns: 300 },
    );
  });

  it("takes time linear in the input", () => {
    const unit = `${samples.join("\n")}\n`;
    const measure = (copies: number): number => {
      const text = unit.repeat(copies);
      let best = Infinity;
      for (let r = 0; r < 3; r++) {
        const start = performance.now();
        checkSource(text, "big.nn");
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    measure(2); // warm up
    const small = measure(5);
    const large = measure(20);
    // 4× the input: a linear checker takes about 4× as long; allow a generous margin for noise.
    expect(large / small).toBeLessThan(8);
  });
});
