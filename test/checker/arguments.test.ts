import { describe, expect, it } from "vitest";
import { shapeToString } from "../../compiler/shapes/shape.js";
import { diagnosticWith, expectDiagnostics } from "../support/expect-diagnostics.js";

describe("layer arguments (E102–E105)", () => {
  it("E102 unknown argument with a suggestion", () => {
    const result = expectDiagnostics(`
model M {
  input x: [28, 28, 1]
  x -> conv2d(8, kernal: 3)              // expect: E102 col 18: \`conv2d\` has no argument \`kernal\`
}`);
    expect(diagnosticWith(result, "E102").help).toBe("did you mean `kernel`?");
  });

  it("E102 too many positional arguments", () => {
    expectDiagnostics(`
model M {
  input x: [4]
  x -> dropout(0.5, 0.3)                 // expect: E102 col 21: \`dropout\` takes 1 positional argument; this one is extra
}`);
  });

  it("E103 missing required argument", () => {
    const result = expectDiagnostics(`
model M {
  input x: [28, 28, 1]
  x -> conv2d(8)                         // expect: E103 col 8: \`conv2d\` needs the argument \`kernel\` (a window size)
}`);
    expect(diagnosticWith(result, "E103").message).toContain("kernel");
  });

  it("E104 wrong kind", () => {
    expectDiagnostics(`
model M {
  input x: [4]
  x -> dense(2.5)                        // expect: E104 col 14: expected an integer, found \`2.5\`, which is not an integer
}`);
    expectDiagnostics(`
model M {
  input x: [4]
  x -> dense("ten")                      // expect: E104 col 14: expected an integer, found a string
}`);
  });

  it("E105 out of range", () => {
    const result = expectDiagnostics(`
model M {
  input x: [4]
  x -> dropout(1.5)                      // expect: E105 col 16: 1.5 is out of range: expected a value in [0, 1)
}`);
    expect(diagnosticWith(result, "E105").message).toContain("[0, 1)");
    expectDiagnostics(`
model M {
  input x: [4]
  x -> dense(0)                          // expect: E105 col 14: 0 is out of range: expected a value ≥ 1
}`);
  });

  it("takes a bare layer name where a layer goes as that layer without arguments", () => {
    const result = expectDiagnostics(`
model V {
  input c: [5, 4, 3]
  c -> time_distributed(flatten) -> time_distributed(relu) -> time_distributed(batchnorm) -> lstm(2)
}`);
    expect(result.models[0].layers.map((l) => l.output && shapeToString(l.output.shape))).toEqual(["[5, 12]", "[5, 12]", "[5, 12]", "[2]"]);
    const wrong = expectDiagnostics(`
model W {
  input c: [5, 4]
  let h = c -> relu
  c -> bidirectional(lstm)               // expect: E103 col 22: \`lstm\` needs the argument \`units\` (an integer)
  c -> bidirectional(dense)              // expect: E104 col 22: expected a recurrent layer (rnn, lstm or gru), found \`dense\`
  c -> time_distributed(dens)            // expect: E100 col 25: unknown layer \`dens\`
  c -> time_distributed(h)               // expect: E104 col 25: expected a layer, found a tensor
}`);
    expect(diagnosticWith(wrong, "E100").help).toBe("did you mean `dense`?");
  });

  it("evaluates arithmetic on parameters", () => {
    const result = expectDiagnostics(`
model M(width: int = 50) {
  input x: [4]
  x -> dense(width * 2) -> dense(width / 5 - 1)
}`);
    expect(result.models[0].layers.map((l) => l.output?.shape.length)).toEqual([1, 1]);
  });
});
