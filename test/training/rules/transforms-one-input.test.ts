import { describe, expect, it } from "vitest";
import { diagnosticWith, expectClean, expectDiagnostics } from "../support/without-data-files.js";

describe("E303 image transforms on a model with several inputs", () => {
  const TWO = `
model Two {
  input image: [28, 28, 1]
  input meta: [12]
  let a = image -> flatten
  let b = meta -> dense(16, activation: tanh)
  output concat(a, b) -> dense(3, activation: softmax)
}`;
  const train = (lines: string) => `${TWO}
train Two {
  data: npy(["image.npy", "meta.npy"], "y.npy", classes: 3)
  loss: cross_entropy
  optimizer: adam
  ${lines.trim()}
}`;

  it("reports augment and expand, naming the inputs", () => {
    const d = diagnosticWith(expectDiagnostics(train("augment: [shift(2), rotate(10)]   // expect: E303 col 12: `augment` transforms the images of one input, but model `Two` has 2 inputs (`image`, `meta`)")), "E303");
    expect(d.message).toBe("`augment` transforms the images of one input, but model `Two` has 2 inputs (`image`, `meta`)");
    expect(d.labels).toHaveLength(2);
    expectDiagnostics(train("expand: shift(1)   // expect: E303 col 11: `expand` transforms the images of one input, but model `Two` has 2 inputs (`image`, `meta`)"));
  });

  it("is silent without transforms, and for one image input", () => {
    expectClean(train(""));
    expectClean(`
model M {
  input image: [28, 28, 1]
  image -> flatten -> dense(10, activation: softmax)
}
train M {
  data: mnist()
  loss: cross_entropy
  optimizer: adam
  augment: shift(2)
}`);
  });
});
