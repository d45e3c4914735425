import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Range } from "../../grammar/ast.js";
import { parse } from "../../grammar/parse.js";

const ACCEPTANCE = join(import.meta.dirname, "../../../shared/acceptance");
const samples = ["ok", "errors"].flatMap((sub) =>
  readdirSync(join(ACCEPTANCE, sub))
    .filter((f) => f.endsWith(".nn"))
    .map((f) => readFileSync(join(ACCEPTANCE, sub, f), "utf8")),
);

/** Pieces of the language, glued at random into token soup. */
const WORDS = [
  "model", "block", "train", "use", "input", "output", "let", "true", "false", "->", "(", ")", "[", "]", "{", "}", ",", ":", ";", "=",
  "+", "-", "*", "/", "x", "dense", "conv2d", "relu", "fc", "10", "0.5", "1e-3", "60_000", '"s"', '"\\n"', "///d\n", "//c\n", "/*",
  "*/", "\n", " ", "\t", "@", '"', "\\", ".", "int32",
];

/** Checks that a range lies inside the text and that its lines and columns agree with its offsets. */
function checkRange(text: string, lineStarts: number[], range: Range, what: string): void {
  const { start, end } = range;
  expect(0 <= start.offset && start.offset <= end.offset && end.offset <= text.length, `${what} ${JSON.stringify(range)}`).toBe(true);
  for (const p of [start, end]) {
    expect(p.line >= 1 && p.line <= lineStarts.length, what).toBe(true);
    expect(lineStarts[p.line - 1] + p.column - 1, what).toBe(p.offset);
  }
}

/** Parses `text` (which must not throw) and checks every diagnostic and every AST node range. */
function checkParse(text: string): void {
  const { file, diagnostics } = parse(text, "p.nn");
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  for (const d of diagnostics) {
    checkRange(text, lineStarts, d.range, `${d.code} ${d.message}`);
    expect(["E001", "E002"]).toContain(d.code);
  }
  expect(new Set(diagnostics.filter((d) => d.code === "E001").map((d) => d.range.start.offset)).size).toBe(diagnostics.filter((d) => d.code === "E001").length);
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value && typeof value === "object") {
      const node = value as { kind?: string; range?: Range };
      if (node.kind && node.range) checkRange(text, lineStarts, node.range, node.kind);
      for (const [key, child] of Object.entries(value)) if (key !== "range") visit(child);
    }
  };
  visit(file);
}

/** Applies random deletions, duplications and insertions of token-sized spans to a valid program. */
const mutated = fc
  .record({
    sample: fc.nat(samples.length - 1),
    edits: fc.array(
      fc.record({ at: fc.nat(), length: fc.nat(30), kind: fc.constantFrom("delete", "duplicate", "insert"), insert: fc.constantFrom(...WORDS) }),
      { minLength: 1, maxLength: 5 },
    ),
  })
  .map(({ sample, edits }) => {
    let text = samples[sample];
    for (const e of edits) {
      const at = e.at % (text.length + 1);
      const span = text.slice(at, at + e.length);
      if (e.kind === "delete") text = text.slice(0, at) + text.slice(at + e.length);
      else if (e.kind === "duplicate") text = text.slice(0, at) + span + text.slice(at);
      else text = text.slice(0, at) + e.insert + text.slice(at);
    }
    return text;
  });

describe("parse on arbitrary input", () => {
  it("never throws on arbitrary strings, and every range lies inside the text", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), checkParse), { numRuns: 300 });
    fc.assert(fc.property(fc.string({ maxLength: 100, unit: "binary" }), checkParse), { numRuns: 300 });
  });

  it("never throws on the language's tokens glued at random", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 80 }), fc.constantFrom("", " ", "\n"), (words, glue) => checkParse(words.join(glue))),
      { numRuns: 400 },
    );
  });

  it("never throws on mutated valid programs (spans deleted, duplicated, inserted)", () => {
    fc.assert(fc.property(mutated, checkParse), { numRuns: 300 });
  });

  it("never names Chevrotain's token types in a message", () => {
    fc.assert(
      fc.property(mutated, (text) => {
        for (const d of parse(text, "m.nn").diagnostics) {
          // Quoted source text may hold anything; the words around it may not.
          expect(d.message.replace(/`[^`]*`/g, "")).not.toMatch(/RBracket|RParen|RBrace|Identifier|AnyName|Kw_|Literal|EOF|-->|undefined|NaN/);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("parse time", () => {
  it("is linear in the input", () => {
    const dir = join(ACCEPTANCE, "ok");
    const unit = `${readdirSync(dir)
      .filter((f) => f.endsWith(".nn"))
      .map((f) => readFileSync(join(dir, f), "utf8"))
      .join("\n")}\n`;
    const measure = (copies: number): number => {
      const text = unit.repeat(copies);
      let best = Infinity;
      // The best of five: a busy machine's pauses make single timings long, never short.
      for (let r = 0; r < 5; r++) {
        const start = performance.now();
        parse(text, "big.nn");
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    measure(10); // warm up
    const small = measure(10);
    const large = measure(40);
    // 4× the input: a linear parser takes about 4× as long; the margin absorbs timer and GC noise.
    expect(large / small).toBeLessThan(8);
  }, 60_000);

  it("stays linear on broken input: many errors, long unclosed lists and comments", () => {
    const time = (text: string): number => {
      let best = Infinity;
      for (let r = 0; r < 5; r++) {
        const start = performance.now();
        parse(text, "bad.nn");
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    const broken = (n: number): string =>
      "model M { x -> dense(5,, 3 @ ] ) }\n".repeat(n) +
      `model N { ${") x ".repeat(n)} }\n` +
      "} ".repeat(n) +
      "let a = [1, ".repeat(n) +
      '"'.repeat(n) +
      "/*".repeat(n);
    // Sizes large enough that a busy machine's timer and scheduling noise stay small against them
    // (at 100 copies a parse takes a few milliseconds and a ratio of 10 was seen under load).
    time(broken(300)); // warm up
    expect(time(broken(1200)) / time(broken(300))).toBeLessThan(8);
  }, 60_000);
});
