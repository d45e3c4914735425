import { describe, it } from "vitest";
import { expectClean, expectDiagnostics } from "../support/without-data-files.js";
import { trainSequences } from "./settings-fixtures.js";

describe("E303 image transforms on data without images", () => {
  it("reports augment and expand on sequences", () => {
    expectDiagnostics(trainSequences("augment: [shift(1)]   // expect: E303 col 12: `augment` transforms images, but `adding_problem` gives sequences"));
    expectDiagnostics(trainSequences("expand: shift(1)   // expect: E303 col 11: `expand` transforms images, but `adding_problem` gives sequences"));
  });

  it("accepts empty lists on any data: they transform nothing (a run's settings are written back so)", () => {
    expectClean(trainSequences("augment: []\n  expand: []"));
  });

  it("accepts them on images", () => {
    expectClean(`
model M {
  input x: [28, 28, 1]
  x -> flatten -> dense(10, activation: softmax)
}
train M {
  data: mnist
  loss: cross_entropy
  optimizer: adam
  augment: [shift(1)]
}`);
  });
});
