import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkWithoutData as checkSource } from "./support/without-data-files.js";
import type { ResolvedTraining } from "../../compiler/training/resolved.js";
import { ACCEPTANCE as ACCEPTANCE_ROOT } from "../support/samples.js";

const ACCEPTANCE = join(ACCEPTANCE_ROOT, "ok");

function resolved(source: string, path = "test.nn"): ResolvedTraining[] {
  const result = checkSource(source, path);
  expect(result.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code}@${d.range.start.line}: ${d.message}`)).toEqual([]);
  return result.trainings.map((t) => {
    expect(t.resolved, `training ${t.name}`).toBeDefined();
    return t.resolved!;
  });
}

const acceptance = (name: string) => resolved(readFileSync(`${ACCEPTANCE}/${name}`, "utf8"), `${ACCEPTANCE}/${name}`);

describe("resolved trainings", () => {
  it("resolves the lectures' baseline with every default", () => {
    const [baseline] = acceptance("nielsen_baseline.nn");
    expect(baseline).toEqual({
      label: "Baseline",
      model: { name: "Baseline", args: {} },
      data: { kind: "mnist", train: 50000, validation: 10000, test: 10000, flat: true },
      validation: { kind: "dataset_part" },
      folds: null,
      normalize: "none",
      loss: [{ kind: "cross_entropy", fromLogits: false }],
      lossWeights: null,
      optimizer: { kind: "sgd", lr: 0.1, momentum: 0, nesterov: false },
      schedule: { kind: "constant" },
      regularization: null,
      batchSize: 10,
      epochs: 60,
      earlyStopping: null,
      augment: [],
      expand: [],
      metrics: [{ kind: "accuracy" }],
      ensemble: 1,
      vote: "majority",
      init: null,
      seed: 1,
      clip: null,
      monitor: [],
      checkpoint: null,
      initFrom: null,
      freeze: [],
      reinit: [],
      tune: null,
      objective: null,
      repeats: 1,
      search: [],
    } satisfies ResolvedTraining);
  });

  it("is plain JSON", () => {
    for (const file of ["nielsen_baseline.nn", "search.nn", "transfer.nn", "optimizers.nn", "adding_problem.nn", "nielsen_dropout_ensemble.nn"]) {
      for (const training of acceptance(file)) expect(JSON.parse(JSON.stringify(training))).toEqual(training);
    }
  });

  it("keeps search spaces where they occur and lists them", () => {
    const [search] = acceptance("search.nn");
    expect(search.model.args.hidden).toEqual({ search: "choice", options: [30, 100, 300] });
    expect(search.optimizer).toEqual({ kind: "sgd", lr: { search: "log_uniform", low: 0.001, high: 1 }, momentum: 0, nesterov: false });
    expect(search.search.map((s) => s.path)).toEqual(["model.args.hidden", "optimizer.lr", "regularization.lambda"]);
    expect(search.tune).toEqual({ kind: "random", trials: 12 });
    expect(search.objective).toEqual({ kind: "maximize", metric: "val_accuracy" });
    expect(search.earlyStopping).toEqual({ kind: "patience", patience: 3, monitor: "val_accuracy", minDelta: 0 });
  });

  it("resolves regression defaults for the adding problem", () => {
    const [rnn] = acceptance("adding_problem.nn");
    expect(rnn.label).toBe("rnn_run");
    expect(rnn.data).toEqual({ kind: "adding_problem", length: 50, train: 10000, validation: 1000, test: 1000 });
    expect(rnn.metrics).toEqual([{ kind: "mae" }]);
    expect(rnn.vote).toBe("mean");
    expect(rnn.clip).toEqual({ kind: "norm", max: 1 });
  });

  it("resolves transfer learning, ensembles and optimizers", () => {
    const [transfer] = acceptance("transfer.nn");
    expect(transfer).toMatchObject({ initFrom: "runs/features/model.json", freeze: ["c1", "c2"], reinit: ["head"], checkpoint: { kind: "every", epochs: 1 } });
    const [ensemble] = acceptance("nielsen_dropout_ensemble.nn");
    expect(ensemble).toMatchObject({ ensemble: 5, vote: "majority", expand: [{ kind: "shift", pixels: 1 }], regularization: { kind: "l2", lambda: 0.1 } });
    const optimizers = acceptance("optimizers.nn");
    expect(optimizers.map((t) => t.optimizer)).toContainEqual({ kind: "adam", lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(optimizers.find((t) => t.label === "step_decay")?.schedule).toEqual({ kind: "step", every: 10, factor: 0.5 });
    const [deep] = acceptance("vanishing_gradient.nn");
    expect(deep.init).toEqual({ kind: "normal", mean: 0, std: 1 });
    expect(deep.monitor).toEqual(["gradient_norms"]);
  });

  it("lets the validation key replace the dataset's validation part", () => {
    const [t] = resolved(`
model M {
  input x: [784]
  x -> dense(10, activation: softmax)
}
train M {
  data: mnist(flat: true)
  validation: 0.2
  loss: cross_entropy
  optimizer: adam
  schedule: warmup(2, then: on_plateau(factor: 0.5, min_lr: 0.03 / 128))
  tune: grid
  batch_size: choice(16, 32)
}`);
    expect(t.data).toMatchObject({ kind: "mnist", validation: 0 });
    expect(t.validation).toEqual({ kind: "fraction", fraction: 0.2 });
    expect(t.schedule).toEqual({ kind: "warmup", epochs: 2, then: { kind: "on_plateau", monitor: "val_loss", patience: 10, factor: 0.5, minLr: 0.03 / 128 } });
    expect(t.objective).toEqual({ kind: "maximize", metric: "val_accuracy" });
    expect(t.search).toEqual([{ path: "batchSize", space: { search: "choice", options: [16, 32] } }]);
  });

  it("puts a layer's search space among the model arguments, under the layer's label and the argument", () => {
    const [t] = resolved(`
model M(hidden: int = 8) {
  input x: [784]
  x -> dense(hidden, activation: relu) -> h: dense(choice(16, 32), activation: relu) -> dropout(choice(0.1, 0.2)) -> dense(10, activation: softmax)
}
train M(hidden: choice(8, 12)) {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: adam
  tune: grid
}`);
    expect(t.model.args).toEqual({ hidden: { search: "choice", options: [8, 12] }, "h.units": { search: "choice", options: [16, 32] }, "dropout_1.rate": { search: "choice", options: [0.1, 0.2] } });
    expect(t.search.map((s) => s.path)).toEqual(["model.args.hidden", 'model.args["h.units"]', 'model.args["dropout_1.rate"]']);
  });

  it("leaves a search's objective to the data when the targets are not known before it is read", () => {
    const source = (args: string) => `
model M {
  input x: [4]
  x -> dense(3, activation: softmax)
}
train M {
  data: csv("d.csv", label: "y", features: 4${args}, validation: 0.2)
  loss: cross_entropy
  optimizer: adam(lr: choice(0.01, 0.1))
  tune: grid
}`;
    // The labels may be class names: the runtime decides once it reads them.
    expect(resolved(source(""))[0].objective).toBeNull();
    expect(resolved(source(", classes: 3"))[0].objective).toEqual({ kind: "maximize", metric: "val_accuracy" });
    expect(resolved(source(", targets: 3").replace("cross_entropy", "mse"))[0].objective).toEqual({ kind: "minimize", metric: "val_loss" });
  });

  it("gives no resolved training when the training has errors", () => {
    const result = checkSource(`
model M {
  input x: [784]
  x -> dense(10, activation: softmax)
}
train M {
  data: mnist()
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}`);
    expect(result.trainings[0].resolved).toBeUndefined();
  });

  it("resolves user sources with parts, lists of columns and files, and class names", () => {
    const two = `
model Two {
  input a: [4]
  input b: [2]
  output kind = concat(a, b) -> dense(3, activation: softmax)
  output size = concat(a, b) -> dense(1)
}`;
    const [csv, npy] = resolved(`${two}
train csv_run: Two {
  data: csv("d.csv", label: ["kind", 5], features: [4, 2], test: 0.2, validation: "val.csv")
  loss: [cross_entropy, mse]
  loss_weights: [1, 0.25]
  optimizer: adam
}
train npy_run: Two {
  data: npy(["a.npy", "b.npy"], ["k.npy", "s.npy"], test: [["ta.npy", "tb.npy"], ["tk.npy", "ts.npy"]])
  loss: mse
  optimizer: adam
}`);
    expect(csv.data).toEqual({
      kind: "csv",
      path: "d.csv",
      label: ["kind", 5],
      features: [4, 2],
      classes: null,
      targets: null,
      test: { kind: "fraction", fraction: 0.2 },
      validation: { kind: "files", paths: ["val.csv"] },
    });
    expect(csv.validation).toEqual({ kind: "dataset_part" });
    expect(csv.loss).toEqual([{ kind: "cross_entropy", fromLogits: false }, { kind: "mse" }]);
    expect(csv.lossWeights).toEqual([1, 0.25]);
    // User files: accuracy or mae per output, decided when the data is read.
    expect(csv.metrics).toBeNull();
    expect(npy.data).toMatchObject({ x: ["a.npy", "b.npy"], y: ["k.npy", "s.npy"], test: { kind: "files", paths: ["ta.npy", "tb.npy", "tk.npy", "ts.npy"] }, validation: null });
    expect(npy.loss).toEqual([{ kind: "mse" }]);
    expect(npy.lossWeights).toBeNull();
    expect(npy.validation).toEqual({ kind: "none" });

    const [single] = resolved(`
model M {
  input x: [4]
  x -> dense(3, activation: softmax)
}
train M {
  data: csv("d.csv", label: "y", features: 4, classes: ["a", "b", "c"])
  loss: choice(cross_entropy, mse)
  optimizer: adam
  tune: grid
  objective: minimize(loss)
}`);
    expect(single.data).toMatchObject({ label: ["y"], features: [4], classes: ["a", "b", "c"], test: null, validation: null });
    expect(single.loss).toEqual([{ search: "choice", options: [{ kind: "cross_entropy", fromLogits: false }, { kind: "mse" }] }]);
    expect(single.search.map((s) => s.path)).toEqual(["loss[0]"]);
  });

  it("resolves images with their defaults", () => {
    const [t] = resolved(`
model I {
  input image: [16, 16, 1]
  image -> flatten -> dense(2, activation: softmax)
}
train I {
  data: images("pics", size: [16, 16], color: grayscale, classes: ["cat", "dog"], validation: 0.1)
  loss: cross_entropy
  optimizer: adam
  augment: shift(2)
}`);
    expect(t.data).toEqual({ kind: "images", path: "pics", size: [16, 16], color: "grayscale", scale: 1 / 255, classes: ["cat", "dog"], test: null, validation: { kind: "fraction", fraction: 0.1 } });
    expect(t.metrics).toEqual([{ kind: "accuracy" }]);
    expect(resolved(`
model I {
  input image: [16, 16, 3]
  image -> flatten -> dense(2, activation: softmax)
}
train I {
  data: images("pics")
  loss: cross_entropy
  optimizer: adam
}`)[0].data).toEqual({ kind: "images", path: "pics", size: null, color: "rgb", scale: 1 / 255, classes: null, test: null, validation: null });
  });
});
