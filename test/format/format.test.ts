import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { format } from "../../compiler/format/format.js";
import { sameTree } from "../../compiler/format/same-tree.js";
import { parse } from "../../grammar/parse.js";

const ACCEPTANCE = join(import.meta.dirname, "../../../shared/acceptance");
const samples = ["ok", "errors"].flatMap((sub) =>
  readdirSync(join(ACCEPTANCE, sub))
    .filter((f) => f.endsWith(".nn") && f !== "syntax_errors.nn")
    .map((f) => readFileSync(join(ACCEPTANCE, sub, f), "utf8")),
);

/** Re-lays a valid program out at random: whitespace, newlines and comments between tokens. */
const relaid = fc
  .record({
    sample: fc.nat(samples.length - 1),
    gaps: fc.array(fc.constantFrom(" ", "\n", "  ", "\n\n", " /* note */ ", " // end\n", "\t"), { minLength: 1, maxLength: 400 }),
  })
  .map(({ sample, gaps }) => {
    const text = samples[sample];
    const { file } = parse(text, "s.nn");
    // Token boundaries: every place where whitespace already separates two non-space characters.
    let i = 0;
    const out = text.replace(/[ \t]+(?=\S)/g, (space, offset: number) => {
      const inComment = file.comments.some((c) => c.range.start.offset <= offset && offset < c.range.end.offset);
      return inComment ? space : gaps[i++ % gaps.length];
    });
    return out;
  });

const comments = (text: string) => parse(text, "c.nn").file.comments.map((c) => c.text.trimEnd()).sort();

describe("nnc fmt", () => {
  it.each(samples.map((text, i) => [i, text] as const))("formats acceptance program %i idempotently, keeping its tree and comments", (_, text) => {
    const once = format(text, "a.nn");
    expect(once.changed || once.text === text).toBe(true);
    expect(format(once.text, "a.nn").text).toBe(once.text);
    expect(sameTree(parse(text, "a.nn").file, parse(once.text, "a.nn").file)).toBe(true);
    expect(comments(once.text)).toEqual(comments(text));
  });

  it("lays pipelines out one stage per line and aligns end-of-line comments", () => {
    const text = "model M { input x: [4] ; x\n -> dense(8) // hidden\n -> dense(2, activation: softmax) // out\n}\n";
    expect(format(text, "m.nn").text).toBe(
      "model M {\n  input x: [4]\n  x\n    -> dense(8)                       // hidden\n    -> dense(2, activation: softmax)  // out\n}\n",
    );
  });

  it("is idempotent and preserves the tree and comments on randomly laid-out programs", () => {
    fc.assert(
      fc.property(relaid, (text) => {
        const once = format(text, "r.nn").text;
        expect(format(once, "r.nn").text).toBe(once);
        expect(sameTree(parse(text, "r.nn").file, parse(once, "r.nn").file)).toBe(true);
        expect(comments(once)).toEqual(comments(text));
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it("leaves a file with syntax errors as it is", () => {
    const text = "model M { input x: [4 x -> }";
    const result = format(text, "e.nn");
    expect(result.text).toBe(text);
    expect(result.diagnostics.map((d) => d.code)).toContain("E001");
  });
});

describe("nnc fmt on long input", () => {
  it("formats chains thousands long, which nest as deep in the tree", () => {
    const relus = `model M { input x: [4]\n x${" -> relu".repeat(5000)} }`;
    const out = format(relus, "d.nn");
    expect(out.changed).toBe(true);
    expect(out.text.split("\n").filter((l) => l === "    -> relu")).toHaveLength(5000);
    for (const [text, printed] of [
      // Too long for one line: the stage goes on the next.
      [`model M { input x: [4]\n x -> dense(${"- ".repeat(5000)}1) }`, `x\n    -> dense(${"-".repeat(5000)}1)`],
      [`model M { input x: [4]\n x -> dense(${Array(3000).fill("1").join("+")}) }`, `x\n    -> dense(${Array(3000).fill("1").join(" + ")})`],
      [`model M { input x: [4]\n ${Array(3000).fill("x").join("+")} }`, Array(3000).fill("x").join(" + ")],
    ]) {
      const result = format(text, "d.nn");
      expect(result.changed).toBe(true);
      expect(result.text).toBe(`model M {\n  input x: [4]\n  ${printed}\n}\n`);
    }
  });

  it("tells trees apart however deep they are", () => {
    const chain = (last: string) => parse(`model M { input x: [4]\n x${" -> relu".repeat(10_000)} -> ${last} }`, "d.nn").file;
    expect(sameTree(chain("relu"), chain("relu"))).toBe(true);
    expect(sameTree(chain("relu"), chain("tanh"))).toBe(false);
  });

  it("keeps blank lines and comments as before on long files, in time linear in their length", () => {
    const unit = "  let a = x // why\n\n  /* note */\n  let b = a -> relu\n";
    const program = (n: number) => `model M {\n  input x: [4]\n${Array.from({ length: n }, (_, i) => unit.replace(/\b([ab])\b/g, `$1${i}`)).join("")}  x\n}\n`;
    expect(format(program(2), "l.nn").text).toBe(program(2));
    const time = (n: number): number => {
      const text = program(n);
      let best = Infinity;
      for (let r = 0; r < 5; r++) {
        const start = performance.now();
        format(text, "l.nn");
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    time(250); // warm up
    // 8× the input: linear is about 8× the time; quadratic would be 64×.
    expect(time(2000) / time(250)).toBeLessThan(24);
  });
});
