import { describe, expect, it } from "vitest";
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

  it("evaluates arithmetic on parameters", () => {
    const result = expectDiagnostics(`
model M(width: int = 50) {
  input x: [4]
  x -> dense(width * 2) -> dense(width / 5 - 1)
}`);
    expect(result.models[0].layers.map((l) => l.output?.shape.length)).toEqual([1, 1]);
  });
});
