import * as tf from "@tensorflow/tfjs";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTrainingData } from "../../runtime/data/load.js";
import { fileHandler } from "../../runtime/run/save-model.js";
import { loadProgram, mlpProgram } from "../support/train-source.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const QUICK = "optimizer: sgd(lr: 0.5)\n  batch_size: 20\n  seed: 21\n  epochs: 1";

describe("ensembles, searches, folds and data keys", () => {
  it("ensemble: n members from consecutive seeds, and the test metrics of their vote", async () => {
    const report = await (await loadProgram(mlpProgram(`${QUICK}\n  ensemble: 3\n  vote: majority`))).train("Mlp", { limit: 100 });
    expect(report.members?.map((m) => m.seed)).toEqual([21, 22, 23]);
    for (const m of report.members ?? []) expect(existsSync(join(m.runDir, "model.json"))).toBe(true);
    expect(report.test?.accuracy).toBeGreaterThan(0);
    expect(new Set(report.members?.map((m) => m.test?.accuracy)).size).toBeGreaterThan(1);
  }, 60_000);

  it("tune: random trials ranked by the objective, values drawn from their spaces", async () => {
    const report = await (
      await loadProgram(mlpProgram(`optimizer: sgd(lr: log_uniform(0.01, 1.0))\n  regularization: l2(uniform(0.1, 1.0))\n  batch_size: 20\n  epochs: 1\n  seed: 3\n  tune: random(trials: 3)\n  objective: maximize(val_accuracy)`))
    ).train("Mlp", { limit: 100 });
    const trials = report.trials ?? [];
    expect(trials).toHaveLength(3);
    for (const t of trials) {
      const lr = t.chosen["optimizer.lr"] as number;
      expect(lr).toBeGreaterThanOrEqual(0.01);
      expect(lr).toBeLessThanOrEqual(1);
      expect(t.chosen["regularization.lambda"]).toBeGreaterThanOrEqual(0.1);
    }
    const objectives = trials.map((t) => t.objective ?? -Infinity);
    expect(objectives).toEqual([...objectives].sort((a, b) => b - a));
    expect(report.bestEpoch).toBe(trials[0].bestEpoch);
  }, 60_000);

  it("tune: a trial that diverges ranks last and the search goes on", async () => {
    const program = mlpProgram(`optimizer: sgd(lr: choice(1e30, 0.5))\n  batch_size: 20\n  epochs: 1\n  seed: 1\n  tune: grid`, { hidden: 30, activation: "relu" });
    const report = await (await loadProgram(program)).train("Mlp", { limit: 300 });
    const trials = report.trials ?? [];
    expect(trials.map((t) => t.chosen["optimizer.lr"])).toEqual([0.5, 1e30]);
    expect(trials[1].failed).toMatch(/the cost became (NaN|Infinity)|weights became/);
    expect(trials[1].objective).toBeNull();
    expect(trials[0].failed).toBeNull();
    expect(report.test?.accuracy).toBeGreaterThan(0);
  }, 60_000);

  it("tune: a grid over model arguments builds each model variant it chooses", async () => {
    const text = `model Net(hidden: int = 4) {
  input image: [784]
  image -> h: dense(hidden, activation: relu) -> dense(10, activation: softmax)
}
train Net(hidden: choice(3, 5)) {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: choice(0.1, 0.2))
  ${QUICK.replace("optimizer: sgd(lr: 0.5)\n  ", "")}
  tune: grid
}`;
    const report = await (await loadProgram(text)).train("Net", { limit: 60 });
    const trials = report.trials ?? [];
    expect(trials).toHaveLength(4);
    for (const t of trials) {
      const model = await tf.loadLayersModel(fileHandler(join(t.runDir, "model.json")));
      expect(model.getLayer("h").getWeights()[0].shape).toEqual([784, t.chosen["model.args.hidden"]]);
      model.dispose();
    }
    expect(new Set(trials.map((t) => JSON.stringify(t.chosen))).size).toBe(4);
  }, 60_000);

  it("tune: a grid over a layer's argument builds the model with each value", async () => {
    const text = `model Net {
  input image: [784]
  image -> h: dense(choice(3, 5), activation: relu) -> dense(10, activation: softmax)
}
train Net {
  data: mnist(flat: true)
  loss: cross_entropy
  ${QUICK}
  tune: grid
}`;
    const report = await (await loadProgram(text)).train("Net", { limit: 60 });
    const trials = report.trials ?? [];
    expect(trials.map((t) => t.chosen['model.args["h.units"]']).sort()).toEqual([3, 5]);
    for (const t of trials) {
      const model = await tf.loadLayersModel(fileHandler(join(t.runDir, "model.json")));
      expect(model.getLayer("h").getWeights()[0].shape).toEqual([784, t.chosen['model.args["h.units"]']]);
      model.dispose();
    }
  }, 60_000);

  it("tune: integer ranges for the batch size and the epochs give each trial whole numbers it trains with", async () => {
    const report = await (await loadProgram(mlpProgram("optimizer: sgd(lr: 0.5)\n  batch_size: choice(10, 20)\n  epochs: int_uniform(1, 2)\n  seed: 4\n  tune: grid"))).train("Mlp", { limit: 40 });
    const trials = report.trials ?? [];
    expect(trials).toHaveLength(4);
    for (const t of trials) {
      expect(t.history).toHaveLength(t.chosen.epochs as number);
      const recorded = JSON.parse(readFileSync(join(t.runDir, "settings.json"), "utf8")) as { settings: { batchSize: number; epochs: number } };
      expect(recorded.settings).toMatchObject({ batchSize: t.chosen.batchSize, epochs: t.chosen.epochs });
    }
  }, 60_000);

  it("tune without an objective ranks by accuracy when the labels turn out to be class names", async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${(i % 2) + Math.sin(i)},${i % 3},${["cat", "dog"][i % 2]}`);
    const text = `model Pets {
  input x: [2]
  x -> dense(4, activation: relu) -> dense(2, activation: softmax)
}
train Pets {
  data: csv("pets.csv", label: "kind", validation: 0.25)
  loss: cross_entropy
  optimizer: adam(lr: choice(0.01, 0.1))
  epochs: 1
  seed: 2
  tune: grid
}`;
    const program = await loadProgram(text, "pets", { "pets.csv": `a,b,kind\n${rows.join("\n")}\n` });
    expect((program.settings("Pets") as { objective: unknown }).objective).toBeNull();
    const report = await program.train("Pets");
    const accuracy = { kind: "maximize", metric: "val_accuracy" };
    for (const t of report.trials ?? []) {
      // An accuracy in [0, 1], not a negated loss.
      expect(t.objective).toBeGreaterThanOrEqual(0);
      expect(t.objective).toBe(Math.max(...t.history.map((r) => r.validation!.accuracy)));
      expect(JSON.parse(readFileSync(join(t.runDir, "settings.json"), "utf8")).settings.objective).toEqual(accuracy);
    }
    expect(JSON.parse(readFileSync(join(report.runDir, "settings.json"), "utf8")).settings.objective).toEqual(accuracy);
  }, 60_000);

  it("folds: k trainings, each fold once the validation data, with mean and deviation", async () => {
    const report = await (await loadProgram(mlpProgram(`${QUICK}\n  folds: 3`))).train("Mlp", { limit: 90 });
    expect(report.folds?.runs).toHaveLength(3);
    expect(report.folds?.runs.map((r) => r.examples)).toEqual([
      { train: 60, validation: 30, test: 90 },
      { train: 60, validation: 30, test: 90 },
      { train: 60, validation: 30, test: 90 },
    ]);
    expect(report.folds?.validation.accuracy.mean).toBeGreaterThan(0);
    expect(report.folds?.validation.accuracy.std).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it("folds: statistics and expansion come from each fold's own training part; the test metrics are the folds' vote", async () => {
    const text = `model Flat { input image: [28, 28, 1]
  image -> flatten -> dense(10, activation: softmax) }
train Flat { data: mnist(train: 30, validation: 0, test: 20) loss: cross_entropy normalize: standardize expand: shift(1) folds: 3 ${QUICK} }`;
    const report = await (await loadProgram(text)).train("Flat");
    // Expanded after the split: each fold trains on five times its 20 images and validates on its 10 originals.
    expect(report.folds?.runs.map((r) => r.examples)).toEqual([
      { train: 100, validation: 10, test: 20 },
      { train: 100, validation: 10, test: 20 },
      { train: 100, validation: 10, test: 20 },
    ]);
    const shifts = (report.folds?.runs ?? []).map((r) => {
      const pkg = JSON.parse(readFileSync(join(r.runDir, "nnc-package.json"), "utf8")) as { inputs: { preprocessing: { shift: number[] } }[] };
      return pkg.inputs[0].preprocessing.shift;
    });
    // Each fold's statistics are its own: no two folds share them.
    expect(new Set(shifts.map((s) => JSON.stringify(s))).size).toBe(3);
    expect(report.test?.accuracy).toBeGreaterThanOrEqual(0);
    expect(report.folds?.test?.accuracy.mean).toBeGreaterThanOrEqual(0);
    const top = JSON.parse(readFileSync(join(report.runDir, "nnc-package.json"), "utf8")) as { kind: string; vote: string; members: string[] };
    expect(top).toMatchObject({ kind: "ensemble", vote: "mean", members: ["fold-1", "fold-2", "fold-3"] });
  }, 60_000);

  it("a watched accuracy of targets that turn out to be real values stops the run before it starts, saying why", async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 7},${(i % 5) / 10},${(i * 0.37) % 1}`);
    const text = `model Reg { input x: [2]
  x -> dense(1) }
train Reg { data: csv("r.csv", label: "y", validation: 0.25) loss: mse optimizer: sgd(lr: 0.01) epochs: 2 seed: 1 early_stopping: patience(3) }`;
    const program = await loadProgram(text, "regression", { "r.csv": `a,b,y\n${rows.join("\n")}\n` });
    await expect(program.train("Reg")).rejects.toThrow(/early_stopping watches val_accuracy, but the targets are real values, so no accuracy is computed; watch val_loss/);
  }, 60_000);

  it("expand: shift(1) trains on five times the data; --limit still caps what is trained on", async () => {
    const text = `model Conv { input image: [28, 28, 1]
  image -> flatten -> dense(10, activation: softmax) }
train Conv { data: mnist(train: 40, validation: 10, test: 10) loss: cross_entropy expand: shift(1) ${QUICK} }`;
    const program = await loadProgram(text);
    expect((await program.train("Conv")).examples.train).toBe(200);
    expect((await program.train("Conv", { limit: 30 })).examples.train).toBe(30);
  }, 60_000);

  it("validation: a fraction of the training part, taken from its end", async () => {
    const report = await (await loadProgram(mlpProgram(`${QUICK}\n  validation: 0.25`).replace("validation: 10000", "validation: 0"))).train("Mlp", { limit: 200 });
    // 37,500 training and 12,500 validation images, then `--limit` keeps the first 200 of each part.
    expect(report.examples).toEqual({ train: 200, validation: 200, test: 200 });
  }, 60_000);

  it("normalize: standardize uses the training part's statistics for every part", () => {
    const settings = {
      data: { kind: "adding_problem", length: 5, train: 400, validation: 100, test: 100 },
      validation: { kind: "dataset_part" },
      normalize: "standardize",
    } as const;
    const data = loadTrainingData(settings, { baseDir: ".", seed: 1, splitSeed: 0, model: null });
    expect(data.preprocessing).toHaveLength(1);
    expect(data.preprocessing[0].kind).toBe("standardize");
    const features = 10;
    const mean = (x: Float32Array, f: number) => {
      let s = 0;
      for (let i = f; i < x.length; i += features) s += x[i];
      return s / (x.length / features);
    };
    for (let f = 0; f < features; f += 2) {
      expect(Math.abs(mean(data.train.inputs[0].values, f))).toBeLessThan(1e-4);
      // Other parts are shifted by the training mean, not centred on their own.
      expect(Math.abs(mean(data.test!.inputs[0].values, f))).toBeGreaterThan(1e-4);
    }
  });

  it("init_from, freeze and reinit: frozen layers keep the loaded weights, re-initialized ones start afresh", async () => {
    const first = await (await loadProgram(mlpProgram(QUICK))).train("Mlp", { limit: 60 });
    const saved = join(first.runDir, "model.json");
    const text = mlpProgram(`${QUICK}\n  init_from: ${JSON.stringify(saved)}\n  freeze: [hidden]\n  reinit: [out]`);
    const second = await (await loadProgram(text)).train("Mlp", { limit: 60 });
    const [before, after] = [await tf.loadLayersModel(fileHandler(saved)), await tf.loadLayersModel(fileHandler(join(second.runDir, "model.json")))];
    const weights = (m: tf.LayersModel, layer: string) => m.getLayer(layer).getWeights().map((w) => Array.from(w.dataSync()));
    expect(weights(after, "hidden")).toEqual(weights(before, "hidden"));
    expect(weights(after, "out")).not.toEqual(weights(before, "out"));
    before.dispose();
    after.dispose();
    const missing = mlpProgram(`${QUICK}\n  init_from: "no/such/model.json"`);
    await expect((await loadProgram(missing)).train("Mlp", { limit: 20 })).rejects.toThrow(/init_from: "no\/such\/model.json" does not exist/);
  }, 60_000);
});
