import { describe, it } from "vitest";
import { expectClean, expectDiagnostics } from "../support/without-data-files.js";
import { MLP, train, trainSequences } from "./settings-fixtures.js";

describe("E303 vote without an ensemble", () => {
  it("reports vote without an ensemble, or with an ensemble of one", () => {
    expectDiagnostics(MLP + train("vote: mean   // expect: E303 col 9: `vote` combines the networks of an ensemble, but the training trains one network"));
    expectDiagnostics(MLP + train("ensemble: 1\n  vote: mean   // expect: E303 col 9: `vote` combines the networks of an ensemble, but the training trains one network"));
    expectClean(MLP + train("ensemble: 3\n  vote: mean"));
  });

  it("reports a majority vote on regression, and accepts a mean there", () => {
    expectDiagnostics(trainSequences("ensemble: 3\n  vote: majority   // expect: E303 col 9: a majority vote needs class predictions, but `adding_problem` has real-valued targets"));
    expectClean(trainSequences("ensemble: 3\n  vote: mean"));
  });
});
