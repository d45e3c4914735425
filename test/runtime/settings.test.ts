import { describe, expect, it } from "vitest";
import { objectiveFor, settle, settled, tuned, type ResolvedTraining, type SearchSpec } from "../../runtime/core/settings.js";
import { applyChoice, describeChoice, pathKeys, spacesOf } from "../../runtime/session/search.js";
import { resolvedTraining } from "../support/user-data.js";

const MNIST = { kind: "mnist", train: 100, validation: 0, test: 0, flat: true } as const;
const lr: SearchSpec<number> = { search: "log_uniform", low: 0.001, high: 0.1 };
const batch: SearchSpec<number> = { search: "choice", options: [16, 32] };

/** A training searching the learning rate and the batch size. */
function searching(): ResolvedTraining {
  return resolvedTraining(MNIST, {
    optimizer: { kind: "sgd", lr, momentum: 0, nesterov: false },
    batchSize: batch,
    tune: { kind: "random", trials: 2 },
    search: [
      { path: "optimizer.lr", space: lr },
      { path: "batchSize", space: batch },
    ],
  });
}

describe("settled trainings", () => {
  it("settle types a training without search as settled, unchanged", () => {
    const training = resolvedTraining(MNIST);
    const settledTraining = settle(training);
    expect(settledTraining).toBe(training);
    const batchSize: number = settledTraining.batchSize;
    expect(batchSize).toBe(32);
  });

  it("settle names the first search space left, by the key the user wrote", () => {
    expect(() => settle(searching())).toThrow("optimizer.lr is a search space (log_uniform); it needs `tune` to choose a value");
    expect(() => settle(resolvedTraining(MNIST, { earlyStopping: { kind: "patience", patience: 3, monitor: "val_loss", minDelta: { search: "choice", options: [0, 0.1] } } }))).toThrow(
      "early_stopping.min_delta is a search space (choice)",
    );
    // A model argument keeps the name its model gives it.
    const args = { hiddenUnits: { search: "choice", options: [10, 20] } } as const;
    expect(() => settle(resolvedTraining(MNIST, { model: { name: "M", args } }))).toThrow("model.args.hiddenUnits is a search space (choice)");
    // Inside a data source, which the loaders then read without checking again.
    const csv = { kind: "csv", path: "d.csv", label: ["label"], features: [1], classes: null, targets: null, test: null, validation: null } as const;
    expect(() => settle(resolvedTraining({ ...csv, features: [{ search: "choice", options: [1, 2] }] }))).toThrow("data.features[0] is a search space (choice); it needs `tune` to choose a value");
    expect(() => settle(resolvedTraining({ ...csv, path: { search: "choice", options: ["d.csv"] } }))).toThrow("data.path is a search space (choice)");
  });

  it("tuned types a training with `tune` as a search, with the objective nnc filled in or none when the data decides", () => {
    expect(tuned(resolvedTraining(MNIST))).toBeNull();
    const objective = { kind: "minimize", metric: "val_loss" } as const;
    const search = tuned({ ...searching(), objective });
    expect(search?.objective).toBe(objective);
    expect(tuned({ ...searching(), objective: null })?.objective).toBeNull();
  });

  it("objectiveFor ranks by accuracy for class targets of one output, else by the loss", () => {
    expect(objectiveFor([true])).toEqual({ kind: "maximize", metric: "val_accuracy" });
    expect(objectiveFor([false])).toEqual({ kind: "minimize", metric: "val_loss" });
    expect(objectiveFor([true, true])).toEqual({ kind: "minimize", metric: "val_loss" });
  });

  it("reads search paths with quoted keys, and names a layer's space by its dimension in messages", () => {
    expect(pathKeys('model.args["h.units"]')).toEqual(["model", "args", "h.units"]);
    expect(pathKeys("augment[0].degrees")).toEqual(["augment", 0, "degrees"]);
    const units = { search: "choice", options: [2, 7] } as const;
    const training = resolvedTraining(MNIST, { model: { name: "M", args: { "h.units": units } }, tune: { kind: "grid" }, search: [{ path: 'model.args["h.units"]', space: units }] });
    expect(() => settle({ ...training, tune: null })).toThrow('model.args["h.units"] is a search space (choice)');
    expect(applyChoice(training, { 'model.args["h.units"]': 7 }).model.args).toEqual({ "h.units": 7 });
  });

  it("describes a trial's values as the user writes them", () => {
    const training = searching();
    expect(describeChoice(training, { "optimizer.lr": 0.0123456, batchSize: 16 })).toBe("optimizer: sgd(lr: 0.01235); batch_size: 16");
    const patience = { search: "int_uniform", low: 1, high: 3 } as const;
    const hidden = { search: "choice", options: [8, 16] } as const;
    const units = { search: "choice", options: [2, 7] } as const;
    const more = resolvedTraining(MNIST, {
      model: { name: "M", args: { hidden, "h.units": units } },
      earlyStopping: { kind: "patience", patience, monitor: "val_loss", minDelta: 0 },
      optimizer: { kind: "sgd", lr: 0.1, momentum: 0, nesterov: false },
      tune: { kind: "grid" },
      search: [
        { path: "model.args.hidden", space: hidden },
        { path: 'model.args["h.units"]', space: units },
        { path: "earlyStopping.patience", space: patience },
      ],
    });
    expect(describeChoice(more, { "model.args.hidden": 16, 'model.args["h.units"]': 7, "earlyStopping.patience": 2 })).toBe("hidden: 16; h.units: 7; early_stopping: patience(n: 2, monitor: val_loss)");
  });

  it("settled looks inside a value, not only at its top", () => {
    expect(settled([1, 2], "shape")).toEqual([1, 2]);
    expect(() => settled({ kind: "huber", delta: { search: "uniform", low: 0, high: 1 } }, "loss[0]")).toThrow("loss[0].delta is a search space (uniform)");
  });

  it("applyChoice puts each chosen value in place and gives a settled training", () => {
    const training = searching();
    expect(spacesOf(training).map((s) => s.path)).toEqual(["optimizer.lr", "batchSize"]);
    const trial = applyChoice(training, { "optimizer.lr": 0.01, batchSize: 16 });
    const rate: number = trial.optimizer.kind === "sgd" ? trial.optimizer.lr : NaN;
    expect(rate).toBe(0.01);
    expect(trial.batchSize).toBe(16);
    expect(trial.search).toEqual([]);
    expect(trial.tune).toBeNull();
    // The training the generated module exports is left as it was.
    expect(training.batchSize).toBe(batch);
  });

  it("applyChoice refuses a trial that leaves a space unchosen", () => {
    expect(() => applyChoice(searching(), { "optimizer.lr": 0.01 })).toThrow("batch_size is a search space (choice)");
  });
});
