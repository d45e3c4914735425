import { describe, expect, it } from "vitest";
import { diagnosticWith, expectClean, expectDiagnostics } from "../support/without-data-files.js";
import { csv, MLP, train } from "./settings-fixtures.js";

describe("E303 validation data given more than once", () => {
  it("reports validation data given twice, and folds next to validation", () => {
    expectDiagnostics(MLP + train("validation: 0.1   // expect: E303 col 15: validation data is given twice: by `validation` and by `mnist(validation: …)`", "mnist(flat: true, validation: 5000)"));
    expectDiagnostics(
      MLP +
        train(
          "validation: 0.1\n  folds: 5   // expect: E303 col 10: cross-validation validates on folds of the training data, but `validation` gives other validation data",
          "mnist(flat: true, validation: 0)",
        ),
    );
    expectClean(MLP + train("validation: 0.1", "mnist(flat: true, validation: 0)"));
    expectClean(MLP + train("folds: 5", "mnist(flat: true, validation: 0)"));
  });

  it("reports a user source's own part next to the validation key, or next to folds", () => {
    const source = MLP + train("validation: 0.2   // expect: E303 col 15: validation data is given twice: by `validation` and by `csv(validation: …)`", csv(", validation: 0.1"));
    const d = diagnosticWith(expectDiagnostics(source), "E303");
    expect(d.message).toBe("validation data is given twice: by `validation` and by `csv(validation: …)`");
    expect(d.labels[0].message).toBe("the dataset's validation part");
    expectDiagnostics(
      MLP + train("folds: 5   // expect: E303 col 10: cross-validation validates on folds of the training data, but `csv(validation: …)` gives a validation part", csv(', validation: "val.csv"')),
    );
    expectClean(MLP + train("folds: 5", csv(", test: 0.2")));
  });

  it("reports parts of a dataset given as the validation key, which is used whole", () => {
    const d = diagnosticWith(
      expectDiagnostics(MLP + train(`validation: ${csv(", test: 0.5")}   // expect: E303 col 74: the validation dataset is used whole: its \`test\` part would be ignored`, csv(""))),
      "E303",
    );
    expect(d.message).toBe("the validation dataset is used whole: its `test` part would be ignored");
    expectClean(MLP + train(`validation: ${csv("")}`, csv(", test: 0.5")));
  });
});
