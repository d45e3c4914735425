import { describe, it } from "vitest";
import { expectClean, expectDiagnostics } from "../support/without-data-files.js";
import { MLP, train } from "./settings-fixtures.js";

describe("E303 repeats without tune", () => {
  it("reports repeats without a search, on its value", () => {
    expectDiagnostics(
      MLP + train("repeats: 3   // expect: E303 col 12: `repeats` trains each trial of a hyper-parameter search several times, but the training has no `tune`"),
    );
  });

  it("accepts repeats with tune", () => {
    expectClean(MLP + train("validation: 0.1\n  batch_size: choice(16, 32)\n  tune: grid\n  repeats: 3"));
  });
});

describe("E105 repeats below 1", () => {
  it("reports repeats: 0 (E105) and a fraction (E104, as for every integer key)", () => {
    expectDiagnostics(MLP + train("validation: 0.1\n  batch_size: choice(16, 32)\n  tune: grid\n  repeats: 0   // expect: E105 col 12: 0 is out of range: expected a value ≥ 1"));
    expectDiagnostics(MLP + train("validation: 0.1\n  batch_size: choice(16, 32)\n  tune: grid\n  repeats: 1.5   // expect: E104 col 12: expected an integer, found `1.5`, which is not an integer"));
  });
});
