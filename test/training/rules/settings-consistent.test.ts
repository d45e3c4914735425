import { describe, expect, it } from "vitest";
import { diagnosticWith, expectClean, expectDiagnostics } from "../support/without-data-files.js";

const MLP = `
model M {
  input x: [784]
  x -> h: dense(30, activation: relu) -> out: dense(10, activation: softmax)
}`;

const SEQ = `
model M {
  input seq: [T, 2]
  seq -> lstm(8) -> dense(1)
}`;

/** A training of M with the given extra lines; `data` defaults to flat MNIST. */
const train = (lines: string, data = "mnist(flat: true)") => `
train M {
  data: ${data}
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  ${lines.trim()}
}`;

describe("E303 settings contradict each other", () => {
  describe("validation metrics need validation data", () => {
    it("reports early stopping on val_accuracy without validation data", () => {
      const source = MLP + train("early_stopping: patience(3, monitor: val_accuracy)   // expect: E303", "mnist(flat: true, validation: 0)");
      const d = diagnosticWith(expectDiagnostics(source), "E303");
      expect(d.message).toContain("val_accuracy");
      expect(d.help).toContain("validation: 0.1");
      // On the monitor argument, the smallest span at fault.
      expect(source.slice(d.range.start.offset, d.range.end.offset)).toBe("val_accuracy");
    });

    it("reports a default val_* monitor on the setting", () => {
      expectDiagnostics(MLP + train("schedule: on_plateau(patience: 2)   // expect: E303", "mnist(flat: true, validation: 0)"));
      expectDiagnostics(MLP + train("schedule: warmup(2, then: on_plateau)   // expect: E303", "mnist(flat: true, validation: 0)"));
    });

    it("accepts validation from the dataset, the validation key, or folds", () => {
      expectClean(MLP + train("early_stopping: patience(3)"));
      expectClean(MLP + train("validation: 0.1\n  early_stopping: patience(3)", "mnist(flat: true, validation: 0)"));
      expectClean(MLP + train("folds: 5\n  early_stopping: patience(3)", "mnist(flat: true, validation: 0)"));
      expectClean(MLP + train("early_stopping: patience(3, monitor: accuracy)", "mnist(flat: true, validation: 0)"));
    });

    it("reports a watched accuracy that `metrics` does not compute, also where the monitor is the default", () => {
      const d = diagnosticWith(expectDiagnostics(MLP + train("metrics: [loss]\n  early_stopping: patience(5)   // expect: E303")), "E303");
      expect(d.message).toContain("`metrics` does not compute accuracy");
      expect(d.help).toContain("val_loss");
      expectClean(MLP + train("metrics: [loss]\n  early_stopping: patience(5, monitor: val_loss)"));
      expectClean(MLP + train("metrics: [accuracy]\n  early_stopping: patience(5)"));
    });

    it("reports accuracy on regression targets", () => {
      expectDiagnostics(`${SEQ}
train M {
  data: adding_problem(length: 10)
  loss: mse
  optimizer: adam
  early_stopping: patience(5)          // expect: E303
  metrics: [mae, accuracy]             // expect: E303
}`);
    });
  });

  it("reports vote without an ensemble, and a majority vote on regression", () => {
    expectDiagnostics(MLP + train("vote: mean   // expect: E303"));
    expectClean(MLP + train("ensemble: 3\n  vote: mean"));
    expectDiagnostics(`${SEQ}
train M {
  data: adding_problem(length: 10)
  loss: mse
  optimizer: adam
  ensemble: 3
  vote: majority                       // expect: E303
}`);
  });

  describe("hyper-parameter search", () => {
    it("reports objective without tune", () => {
      expectDiagnostics(MLP + train("objective: maximize(val_accuracy)   // expect: E303"));
    });

    it("reports tune without a search space", () => {
      expectDiagnostics(MLP + train("tune: random(trials: 5)   // expect: E303"));
    });

    it("reports a search space without tune, once, with the others as labels", () => {
      const result = expectDiagnostics(`${MLP}
train M {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: log_uniform(0.001, 1.0))   // expect: E303
  batch_size: choice(10, 32)
}`);
      expect(diagnosticWith(result, "E303").labels).toHaveLength(1);
    });

    it("counts search spaces in model arguments", () => {
      expectClean(`
model Mlp(hidden: int = 30) {
  input x: [784]
  x -> dense(hidden, activation: relu) -> dense(10, activation: softmax)
}
train Mlp(hidden: choice(30, 100)) {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  tune: grid
}`);
    });

    it("reports an objective that ranks the worst trial first", () => {
      expectDiagnostics(MLP + train("tune: random(trials: 3)\n  batch_size: choice(10, 20)\n  objective: maximize(val_loss)   // expect: E303"));
    });

    it("reports tune without validation data when no objective says otherwise", () => {
      expectDiagnostics(MLP + train("tune: random(trials: 3)   // expect: E303\n  batch_size: choice(10, 20)", "mnist(flat: true, validation: 0)"));
      expectClean(MLP + train("tune: random(trials: 3)\n  batch_size: choice(10, 20)\n  objective: minimize(loss)", "mnist(flat: true, validation: 0)"));
    });
  });

  describe("transfer learning", () => {
    it("reports freeze and reinit without init_from", () => {
      expectDiagnostics(MLP + train("freeze: [h]   // expect: E303\n  reinit: [out]   // expect: E303"));
      expectClean(MLP + train('init_from: "runs/m/model.json"\n  freeze: [h]\n  reinit: [out]'));
    });

    it("reports a layer both frozen and re-initialised", () => {
      // Freezing both layers also leaves nothing to train (the something-to-train rule).
      expectDiagnostics(MLP + train('init_from: "m.json"\n  freeze: [h, out]   // expect: E303\n  reinit: [out]   // expect: E303'));
    });
  });

  describe("schedules take effect within the epochs", () => {
    it("reports a warm-up as long as the training", () => {
      expectDiagnostics(MLP + train("epochs: 5\n  schedule: warmup(epochs: 5)   // expect: E303"));
      expectClean(MLP + train("epochs: 6\n  schedule: warmup(epochs: 5, then: cosine)"));
    });

    it("reports steps that never happen", () => {
      expectDiagnostics(MLP + train("epochs: 10\n  schedule: step(every: 10)   // expect: E303"));
      expectDiagnostics(MLP + train("epochs: 10\n  schedule: multistep(at: [5, 20])   // expect: E303"));
      expectClean(MLP + train("epochs: 30\n  schedule: multistep(at: [10, 20], factor: 0.5)"));
    });

    it("reports a min_lr that is not below the learning rate", () => {
      expectDiagnostics(MLP + train("schedule: cosine(min_lr: 0.5)   // expect: E303"));
      expectClean(MLP + train("schedule: on_plateau(factor: 0.5, min_lr: 0.03 / 128)"));
    });
  });

  it("reports Nesterov without momentum", () => {
    expectDiagnostics(`${MLP}
train M {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1, nesterov: true)   // expect: E303
}`);
  });

  it("reports validation data given twice, and folds next to validation", () => {
    expectDiagnostics(MLP + train("validation: 0.1   // expect: E303", "mnist(flat: true, validation: 5000)"));
    expectDiagnostics(MLP + train("validation: 0.1\n  folds: 5   // expect: E303", "mnist(flat: true, validation: 0)"));
  });

  it("reports class losses, accuracy and image transforms on sequences", () => {
    expectDiagnostics(`${SEQ}
train M {
  data: adding_problem(length: 10)
  loss: cross_entropy(from_logits: true)   // expect: E303
  optimizer: adam
  augment: [shift(1)]                      // expect: E303
}`);
  });

  describe("a user source's own validation part", () => {
    const csv = (args: string) => `csv("d.csv", label: "y", features: 784, classes: 10${args})`;

    it("counts as validation data for val_* monitors", () => {
      expectClean(MLP + train("early_stopping: patience(3)", csv(", validation: 0.1")));
      expectClean(MLP + train("early_stopping: patience(3)", csv(', validation: "val.csv"')));
      expectDiagnostics(MLP + train("early_stopping: patience(3)   // expect: E303", csv(", test: 0.1")));
    });

    it("reports it next to the validation key, or next to folds", () => {
      const source = MLP + train("validation: 0.2   // expect: E303", csv(", validation: 0.1"));
      const d = diagnosticWith(expectDiagnostics(source), "E303");
      expect(d.message).toBe("validation data is given twice: by `validation` and by `csv(validation: …)`");
      expect(d.labels[0].message).toBe("the dataset's validation part");
      expectDiagnostics(MLP + train("folds: 5   // expect: E303", csv(', validation: "val.csv"')));
      expectClean(MLP + train("folds: 5", csv(", test: 0.2")));
    });

    it("reports parts of a dataset given as the validation key, which is used whole", () => {
      const d = diagnosticWith(expectDiagnostics(MLP + train(`validation: ${csv(", test: 0.5")}   // expect: E303`, csv(""))), "E303");
      expect(d.message).toBe("the validation dataset is used whole: its `test` part would be ignored");
    });
  });

  it("reports a batch larger than the training set", () => {
    expectDiagnostics(MLP + train("batch_size: 200   // expect: E303", "mnist(flat: true, train: 100)"));
  });

  it("reports top_k with k not below the classes", () => {
    expectDiagnostics(MLP + train("metrics: [accuracy, top_k(10)]   // expect: E303"));
    expectClean(MLP + train("metrics: [accuracy, top_k(5)]"));
  });
});
