import { describe, expect, it } from "vitest";
import { diagnosticWith, expectClean, expectDiagnostics } from "../../support/expect-diagnostics.js";

describe("W402 vanishing-gradient risk", () => {
  it("warns on the fourth stacked sigmoid/tanh layer", () => {
    const result = expectDiagnostics(`
model Deep {
  input x: [784]
  x -> dense(30, activation: sigmoid)
    -> dense(30, activation: tanh)
    -> dense(30, activation: sigmoid)
    -> dense(30, activation: sigmoid)   // expect: W402 col 8: 4 sigmoid/tanh layers are stacked here without normalization: gradients may vanish in the first ones
    -> dense(30, activation: sigmoid)
    -> dense(10, activation: softmax)
}`);
    expect(diagnosticWith(result, "W402").help).toContain("batchnorm");
  });

  it("counts activation layers too", () => {
    expectDiagnostics(`
model Deep {
  input x: [784]
  x -> dense(30) -> sigmoid -> dense(30) -> sigmoid -> dense(30) -> tanh
    -> dense(30) -> sigmoid   // expect: W402 col 21: 4 sigmoid/tanh layers are stacked here without normalization: gradients may vanish in the first ones
    -> dense(10, activation: softmax)
}`);
  });

  it("is silent with batchnorm between the layers", () => {
    expectClean(`
model DeepBn {
  input x: [784]
  x -> dense(30) -> batchnorm -> sigmoid
    -> dense(30) -> batchnorm -> sigmoid
    -> dense(30) -> batchnorm -> sigmoid
    -> dense(30) -> batchnorm -> sigmoid
    -> dense(10, activation: softmax)
}`);
  });

  it("is silent when a relu breaks the stack", () => {
    expectClean(`
model M {
  input x: [784]
  x -> dense(30, activation: sigmoid) -> dense(30, activation: sigmoid) -> dense(30, activation: relu)
    -> dense(30, activation: sigmoid) -> dense(30, activation: sigmoid) -> dense(10, activation: softmax)
}`);
  });
});
