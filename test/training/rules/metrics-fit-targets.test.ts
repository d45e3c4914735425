import { describe, it } from "vitest";
import { expectClean, expectDiagnostics } from "../support/without-data-files.js";
import { MLP, train, trainSequences } from "./settings-fixtures.js";

describe("E303 metrics that do not fit the targets", () => {
  it("reports accuracy and top_k on real-valued targets, on the list item", () => {
    expectDiagnostics(trainSequences("metrics: [mae, accuracy]   // expect: E303 col 18: `accuracy` needs class targets, but `adding_problem` has real-valued targets"));
    expectDiagnostics(trainSequences("metrics: [top_k(2)]   // expect: E303 col 13: `top_k` needs class targets, but `adding_problem` has real-valued targets"));
    expectClean(trainSequences("metrics: [mae, loss]"));
  });

  it("reports top_k with k not below the classes", () => {
    expectDiagnostics(MLP + train("metrics: [accuracy, top_k(10)]   // expect: E303 col 29: `top_k(10)` is always 1: `mnist` has only 10 classes"));
    expectClean(MLP + train("metrics: [accuracy, top_k(5)]"));
  });
});
