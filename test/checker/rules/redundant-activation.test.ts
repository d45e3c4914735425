import { describe, expect, it } from "vitest";
import { diagnosticWith, expectClean, expectDiagnostics } from "../../support/expect-diagnostics.js";

describe("W404 activation applied twice, softmax before the last layer", () => {
  it("warns on the same activation twice in a row", () => {
    const result = expectDiagnostics(`
model M {
  input x: [784]
  x -> dense(30, activation: relu)
    -> relu                               // expect: W404 col 8: \`relu\` is applied twice in a row
    -> dense(10, activation: softmax)
}`);
    expect(diagnosticWith(result, "W404").labels[0].message).toContain("relu");
  });

  it("warns on a hidden softmax", () => {
    expectDiagnostics(`
model M {
  input x: [784]
  x -> dense(30, activation: softmax)     // expect: W404 col 8: softmax before the last layer
    -> dense(10, activation: softmax)
}`);
  });

  it("is silent on an ordinary network", () => {
    expectClean(`
model M {
  input x: [784]
  x -> dense(30) -> relu -> dense(10) -> softmax
}`);
  });
});
