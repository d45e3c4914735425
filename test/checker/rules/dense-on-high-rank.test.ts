import { describe, it } from "vitest";
import { expect } from "vitest";
import { diagnosticWith, expectClean, expectDiagnostics } from "../../support/expect-diagnostics.js";

describe("W400 dense on an input of rank > 1", () => {
  it("warns on dense applied to an image", () => {
    const result = expectDiagnostics(`
model M {
  input image: [28, 28, 1]
  image -> dense(30)          // expect: W400 col 12: dense acts on the last axis of its [28, 28, 1] input, giving [28, 28, 30]
    -> flatten -> dense(10, activation: softmax)
}`);
    const d = diagnosticWith(result, "W400");
    expect(d.message).toContain("[28, 28, 1]");
    expect(d.message).toContain("[28, 28, 30]");
    expect(d.help).toContain("flatten");
  });

  it("is silent after flatten and on vectors", () => {
    expectClean(`
model M {
  input image: [28, 28, 1]
  image -> flatten -> dense(30, activation: relu) -> dense(10, activation: softmax)
}`);
  });

  it("is silent inside time_distributed", () => {
    expectClean(`
model M {
  input x: [T, 8]
  x -> lstm(16, return_sequences: true) -> time_distributed(dense(4, activation: softmax))
}`);
  });
});
