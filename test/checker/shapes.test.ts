import { describe, expect, it } from "vitest";
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
