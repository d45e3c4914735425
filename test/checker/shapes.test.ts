import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/check/check.js";
import { shapeToString } from "../../compiler/shapes/shape.js";
import { diagnosticWith, expectClean, expectDiagnostics } from "../support/expect-diagnostics.js";

describe("shape errors through whole programs", () => {
  it("E201 with the brief's message, label and help", () => {
    const source = `model M {
  input image: [28, 28, 1]
  image
    -> conv2d(20, kernel: 5)
    -> maxpool(2)
    -> conv2d(40, kernel: 5)
    -> maxpool(2)
    -> conv2d(40, kernel: 5)             // expect: E201 col 8: conv2d window 5×5 does not fit its input 4×4
}`;
    const d = diagnosticWith(expectDiagnostics(source), "E201");
    expect(d.message).toBe("conv2d window 5×5 does not fit its input 4×4");
    expect(d.label).toBe("input is [4, 4, 40], from maxpool at line 7");
    expect(d.range.start.column).toBe(8);
    expect(d.help).toBeTruthy();
  });

  it("E200 for a conv after flatten, and nothing after it", () => {
    expectDiagnostics(`
model M {
  input image: [28, 28, 1]
  image -> flatten
    -> conv2d(20, kernel: 5)            // expect: E200 col 8: conv2d needs an input of shape [height, width, channels], found [784]
    -> dense(10, activation: softmax)
}`);
  });

  it("E202 for merged shapes that differ", () => {
    expectDiagnostics(`
model M {
  input image: [28, 28, 1]
  let a = image -> conv2d(16, kernel: 3, padding: same)
  let b = a -> conv2d(32, kernel: 3, padding: same)
  output a + b                           // expect: E202 col 10: cannot add [28, 28, 16] and [28, 28, 32]: shapes differ in the last dimension
}`);
  });

  it("E203 for flatten of a symbolic dimension", () => {
    expectDiagnostics(`
model M {
  input seq: [T, 8]
  seq -> flatten -> dense(1)             // expect: E203 col 10: flatten needs every dimension known, but T in [T, 8] is symbolic
}`);
  });

  it("keeps symbolic dimensions simplified", () => {
    const result = expectClean(`
model Wave {
  input signal: [T, 1]
  signal -> conv1d(8, kernel: 3) -> maxpool1d(2) -> gru(16) -> dense(1, activation: sigmoid)
}`);
    expect(result.models[0].layers.map((l) => shapeToString(l.output!.shape)).slice(0, 1)).toEqual(["[T - 2, 8]"]);
  });

  it("computes parameter counts", () => {
    const result = expectClean(`
model Baseline {
  input image: [784]
  image -> dense(100, activation: sigmoid) -> dense(10, activation: softmax)
}`);
    expect(result.models[0].layers.map((l) => l.params && shapeToString([l.params]))).toEqual(["[78500]", "[1010]"]);
  });

  it("E200 for token ids given to a dense layer", () => {
    expectDiagnostics(`
model M {
  input tokens: int32[T]
  tokens -> dense(4)                     // expect: E200 col 13: \`dense\` takes numbers, but its input is integer token ids ([T], int32)
}`);
  });
});

describe("declared shapes: every `/` in a dimension rounds down (docs/language.md §1)", () => {
  it("accepts `H / 2` for a symbol bound to an odd size, as for an even one or a symbolic one", () => {
    for (const size of ["9, 9", "8, 8"]) {
      expectClean(`
block Half(x: [H, W, C]) -> [H / 2, W / 2, C] { x -> maxpool(2) }
model G { input img: [${size}, 3]; img -> Half -> flatten -> dense(1) }`);
    }
    expectClean(`
block Half(x: [L, C]) -> [L / 2, C] { x -> maxpool1d(2) }
model S { input seq: [T, 3]; seq -> Half -> gru(4) }`);
    expectClean(`
block Grow(x: [H, W, C]) -> [(H + 2) / 2 - 1, W / 2 + 1 - 1, C] { x -> maxpool(2) }
model G { input img: [9, 9, 3]; img -> Grow -> flatten -> dense(1) }`);
  });

  it("says what is wrong with a dimension that is not a whole size", () => {
    const result = expectDiagnostics(`
block Odd(x: [H, C]) -> [H * 0.5, C] { x }    // expect: E104 col 26: a dimension takes part only in integer arithmetic, and 0.5 is not an integer
block Flag(x: [H, C]) -> [H, true] { x }      // expect: E104 col 30: a dimension must be a number, a dimension symbol such as \`T\` or arithmetic of them, but this is \`true\`
block Part(x: [H, C]) -> [H, C, 1.5] { x }    // expect: E104 col 33: a dimension must be a whole number, but this is 1.5
model G {
  input seq: [8, 4]
  output a = seq -> Odd -> flatten -> dense(1)
  output b = seq -> Flag -> flatten -> dense(1)
  output c = seq -> Part -> flatten -> dense(1)
}`);
    const part = result.diagnostics.find((d) => d.message.includes("1.5"));
    expect(part?.help).toBe("write a positive integer, a symbol, or `+ - * /` of them (`/` rounds down): `[H / 2, W / 2, C * 2]`");
  });

  it("passes a pooling block's declared `[H / j]` exactly when maxpool(k)'s valid output, floor((H − k) / k) + 1, equals floor(H / j)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), (height, k, j) => {
        const source = `
block Pool(x: [H, W, C]) -> [H / ${j}, W, C] { x -> maxpool(size: [${k}, 1]) }
model G { input img: [${height}, 3, 2]; img -> Pool -> flatten -> dense(1) }`;
        const pooled = height >= k ? Math.floor((height - k) / k) + 1 : undefined;
        const declared = Math.floor(height / j);
        const documented = pooled !== undefined && declared >= 1 && pooled === declared;
        expect(checkSource(source).diagnostics.filter((d) => d.severity === "error").length === 0, source).toBe(documented);
      }),
      { numRuns: 150 },
    );
  });
});
