import { describe, expect, it } from "vitest";
import { diagnosticWith, expectClean, expectDiagnostics } from "../support/without-data-files.js";
import { csv, MLP, SEQ, train } from "./settings-fixtures.js";

describe("E303 a watched metric the run does not compute", () => {
  it("reports early stopping on val_accuracy without validation data", () => {
    const source =
      MLP +
      train(
        "early_stopping: patience(3, monitor: val_accuracy)   // expect: E303 col 40: early stopping watches `val_accuracy`, but the training has no validation data",
        "mnist(flat: true, validation: 0)",
      );
    const d = diagnosticWith(expectDiagnostics(source), "E303");
    expect(d.message).toContain("val_accuracy");
    expect(d.help).toContain("validation: 0.1");
    // On the monitor argument, the smallest span at fault.
    expect(source.slice(d.range.start.offset, d.range.end.offset)).toBe("val_accuracy");
  });

  it("reports a default val_* monitor on the setting", () => {
    expectDiagnostics(
      MLP + train("schedule: on_plateau(patience: 2)   // expect: E303 col 13: `on_plateau` watches `val_loss`, but the training has no validation data", "mnist(flat: true, validation: 0)"),
    );
    expectDiagnostics(
      MLP + train("schedule: warmup(2, then: on_plateau)   // expect: E303 col 29: `on_plateau` watches `val_loss`, but the training has no validation data", "mnist(flat: true, validation: 0)"),
    );
  });

  it("accepts validation from the dataset, the validation key, or folds", () => {
    expectClean(MLP + train("early_stopping: patience(3)"));
    expectClean(MLP + train("validation: 0.1\n  early_stopping: patience(3)", "mnist(flat: true, validation: 0)"));
    expectClean(MLP + train("folds: 5\n  early_stopping: patience(3)", "mnist(flat: true, validation: 0)"));
    expectClean(MLP + train("early_stopping: patience(3, monitor: accuracy)", "mnist(flat: true, validation: 0)"));
  });

  it("counts a user source's own validation part as validation data", () => {
    expectClean(MLP + train("early_stopping: patience(3)", csv(", validation: 0.1")));
    expectClean(MLP + train("early_stopping: patience(3)", csv(', validation: "val.csv"')));
    expectDiagnostics(MLP + train("early_stopping: patience(3)   // expect: E303 col 19: early stopping watches `val_accuracy`, but the training has no validation data", csv(", test: 0.1")));
  });

  it("reports a watched accuracy that `metrics` does not compute, also where the monitor is the default", () => {
    const d = diagnosticWith(
      expectDiagnostics(MLP + train("metrics: [loss]\n  early_stopping: patience(5)   // expect: E303 col 19: early stopping watches `val_accuracy`, but `metrics` does not compute accuracy")),
      "E303",
    );
    expect(d.message).toContain("`metrics` does not compute accuracy");
    expect(d.help).toContain("val_loss");
    expectClean(MLP + train("metrics: [loss]\n  early_stopping: patience(5, monitor: val_loss)"));
    expectClean(MLP + train("metrics: [accuracy]\n  early_stopping: patience(5)"));
  });

  it("reports accuracy watched on regression targets, next to accuracy listed (the metrics-fit-targets rule)", () => {
    expectDiagnostics(`${SEQ}
train M {
  data: adding_problem(length: 10)
  loss: mse
  optimizer: adam
  early_stopping: patience(5)          // expect: E303 col 19: early stopping watches \`val_accuracy\`, but \`adding_problem\` has real-valued targets: accuracy needs classes
  metrics: [mae, accuracy]             // expect: E303 col 18: \`accuracy\` needs class targets, but \`adding_problem\` has real-valued targets
}`);
  });

  it("reports the objective's metric too, and accepts a loss watched on regression targets", () => {
    const d = diagnosticWith(
      expectDiagnostics(
        MLP +
          train(
            "tune: random(trials: 3)\n  batch_size: choice(10, 20)\n  objective: minimize(val_loss)   // expect: E303 col 23: the objective watches `val_loss`, but the training has no validation data",
            "mnist(flat: true, validation: 0)",
          ),
      ),
      "E303",
    );
    expect(d.message).toBe("the objective watches `val_loss`, but the training has no validation data");
    expectClean(`${SEQ}
train M {
  data: adding_problem(length: 10)
  loss: mse
  optimizer: adam
  early_stopping: patience(5, monitor: val_loss)
}`);
  });
});
