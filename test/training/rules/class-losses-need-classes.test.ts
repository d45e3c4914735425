import { describe, it } from "vitest";
import { expectClean, expectDiagnostics } from "../support/without-data-files.js";
import { trainSequences } from "./settings-fixtures.js";

describe("E303 a classification loss on real-valued targets", () => {
  it("reports cross-entropy on the adding problem", () => {
    expectDiagnostics(trainSequences("", "cross_entropy(from_logits: true)   // expect: E303 col 9: `cross_entropy` needs class targets, but `adding_problem` has real-valued targets"));
  });

  it("reports class losses, accuracy and image transforms on sequences together (the transforms-need-images rule)", () => {
    expectDiagnostics(
      trainSequences(
        "augment: [shift(1)]   // expect: E303 col 12: `augment` transforms images, but `adding_problem` gives sequences",
        "cross_entropy(from_logits: true)   // expect: E303 col 9: `cross_entropy` needs class targets, but `adding_problem` has real-valued targets",
      ),
    );
  });

  it("accepts a regression loss", () => {
    expectClean(trainSequences("", "huber"));
  });
});
