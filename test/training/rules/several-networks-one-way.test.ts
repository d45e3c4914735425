import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkWithoutData, diagnosticWith, expectClean, expectDiagnostics } from "../support/without-data-files.js";
import { MLP, train } from "./settings-fixtures.js";

describe("E303 tune, folds and ensemble together", () => {
  it("reports folds with tune: trials are not cross-validated", () => {
    const result = expectDiagnostics(
      MLP +
        train(
          "optimizer: sgd(lr: choice(0.1, 0.3))\n  folds: 3   // expect: E303 col 10: `folds` with `tune` is not supported: a search ranks each trial on one validation part; it does not cross-validate every trial\n  tune: grid",
        ).replace("  optimizer: sgd(lr: 0.1)\n", ""),
    );
    const d = diagnosticWith(result, "E303");
    expect(d.labels[0]?.message).toBe("`tune` is given here");
    expect(d.help).toContain("validation: 0.2");
  });

  it("reports an ensemble with tune: a search ranks one network per trial", () => {
    expectDiagnostics(
      MLP + train("batch_size: choice(10, 20)\n  ensemble: 2   // expect: E303 col 13: `ensemble` with `tune` is not supported: a search trains and ranks one network per trial\n  tune: grid"),
    );
    // One network is no ensemble.
    expectClean(MLP + train("batch_size: choice(10, 20)\n  ensemble: 1\n  tune: grid"));
  });

  it("reports an ensemble with folds: the folds' models already vote", () => {
    expectDiagnostics(
      MLP +
        train(
          "folds: 3\n  ensemble: 2   // expect: E303 col 13: `ensemble` with `folds` is not supported: k-fold cross-validation already trains k networks, which vote together (their mean output)",
          "mnist(flat: true, validation: 0)",
        ),
    );
  });

  it("accepts each on its own", () => {
    expectClean(MLP + train("folds: 3", "mnist(flat: true, validation: 0)"));
    expectClean(MLP + train("ensemble: 3"));
    expectClean(MLP + train("batch_size: choice(10, 20)\n  tune: grid"));
  });

  it("leaves a searched folds or ensemble to E304", () => {
    expectDiagnostics(
      MLP +
        train(
          "batch_size: choice(10, 20)\n  ensemble: choice(2, 3)   // expect: E304 col 13: `ensemble` cannot be searched: it would change how many networks a trial trains: a search ranks one network per trial\n  tune: grid",
        ),
    );
  });
  it("holds for any mix: one E303 for each key beside `tune`, or for an ensemble beside folds", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 4 }), (tune, folds, members) => {
        const lines = [tune ? "batch_size: choice(10, 20)\n  tune: grid" : "", folds ? "folds: 3" : "", `ensemble: ${members}`].filter(Boolean).join("\n  ");
        const result = checkWithoutData(MLP + train(lines, "mnist(flat: true, validation: 0)").replace("tune: grid", "tune: grid\n  objective: minimize(loss)"));
        const found = result.diagnostics.filter((d) => d.code === "E303" && d.message.includes("is not supported"));
        const ensemble = members > 1;
        const expected = tune ? Number(folds) + Number(ensemble) : Number(folds && ensemble);
        expect(found).toHaveLength(expected);
      }),
      { numRuns: 30 },
    );
  });
});
