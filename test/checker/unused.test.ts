import { describe, it } from "vitest";
import { expectClean, expectDiagnostics } from "../support/expect-diagnostics.js";

describe("W401 unused inputs, bindings and blocks", () => {
  it("warns on an unused let and an unused input", () => {
    expectDiagnostics(`
model M {
  input image: [784]
  input extra: [3]                       // expect: W401 col 9: input \`extra\` is never used
  let spare = image -> dense(4)          // expect: W401 col 7: binding \`spare\` is never used
  image -> dense(10, activation: softmax)
}`);
  });

  it("warns on a block no model calls", () => {
    expectDiagnostics(`
block Unused(x) { x -> relu }            // expect: W401 col 7: block \`Unused\` is never used
model M { input x: [4]  x -> dense(2) }
`);
  });

  it("still checks the body of a block no model calls", () => {
    expectDiagnostics(`
block L(x) { x -> dens(3) -> dropout(2) }     // expect: W401 col 7: block \`L\` is never used // expect: E100 col 19: unknown layer or block \`dens\` // expect: E105 col 38: 2 is out of range: expected a value in [0, 1)
model M { input x: [4]  x -> dense(2) }
`);
  });

  it("does not count a call from an unused block as a use", () => {
    expectDiagnostics(`
block Inner(x) { x -> relu }                  // expect: W401 col 7: block \`Inner\` is never used
block Outer(x) { x -> Inner }                 // expect: W401 col 7: block \`Outer\` is never used
model M { input x: [4]  x -> dense(2) }
`);
  });

  it("does not warn on a file of blocks without models (a library)", () => {
    expectClean(`block Lib(x) { x -> relu }`);
  });

  it("counts a binding used only by an output", () => {
    expectClean(`
model M {
  input a: [4]
  let h = a -> dense(8)
  output y = h -> dense(2)
}`);
  });
});
