import * as tf from "@tensorflow/tfjs";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadMnist } from "../../runtime/data/mnist.js";
import { fileHandler } from "../../runtime/run/save-model.js";
import { evaluate } from "../../runtime/train/evaluate.js";
import { indexNames, singleColumn } from "../../runtime/data/examples.js";
import { modelLoss } from "../../runtime/train/losses.js";
import { metricsFor } from "../../runtime/train/metrics.js";
import { fit } from "../../runtime/train/fit.js";
import { makeOptimizer } from "../../runtime/train/optimizers.js";
import { LearningRateSchedule } from "../../runtime/train/schedules.js";
import { TapeStepper } from "../../runtime/train/stepper.js";
import { trainableVariables } from "../../runtime/train/step.js";
import { Rng } from "../../runtime/core/random.js";
import { loadProgram, mlpProgram } from "../support/train-source.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const BASE = "optimizer: sgd(lr: 0.5)\n  batch_size: 20\n  seed: 11";

async function weightNorm(runDir: string, layer: string): Promise<number> {
  const model = await tf.loadLayersModel(fileHandler(join(runDir, "model.json")));
  const kernel = model.getLayer(layer).getWeights()[0];
  const norm = tf.norm(kernel).dataSync()[0];
  model.dispose();
  return norm;
}

describe("training keys have their effect", () => {
  it("the same seed gives the same weights and metrics; another seed does not", async () => {
    const program = await loadProgram(mlpProgram(`${BASE}\n  epochs: 2`));
    const runs = join(process.cwd(), ".test-out", "seeds", `${process.pid}-${Date.now()}`);
    const a = await program.train("Mlp", { limit: 200, runDir: join(runs, "a") });
    const b = await program.train("Mlp", { limit: 200, runDir: join(runs, "b") });
    expect(b.history.map((r) => [r.train, r.validation])).toEqual(a.history.map((r) => [r.train, r.validation]));
    expect(readFileSync(join(b.runDir, "weights.bin"))).toEqual(readFileSync(join(a.runDir, "weights.bin")));
    const other = await loadProgram(mlpProgram(BASE.replace("seed: 11", "seed: 12") + "\n  epochs: 2"));
    const c = await other.train("Mlp", { limit: 200 });
    expect(c.history[0].train.loss).not.toBe(a.history[0].train.loss);
  }, 60_000);

  it("L2 shrinks the weights compared with the same training without it", async () => {
    const plain = await (await loadProgram(mlpProgram(`${BASE}\n  epochs: 3`))).train("Mlp", { limit: 200 });
    const l2 = await (await loadProgram(mlpProgram(`${BASE}\n  epochs: 3\n  regularization: l2(5.0)`))).train("Mlp", { limit: 200 });
    const l1 = await (await loadProgram(mlpProgram(`${BASE}\n  epochs: 3\n  regularization: l1(5.0)`))).train("Mlp", { limit: 200 });
    const [p, q, r] = [await weightNorm(plain.runDir, "hidden"), await weightNorm(l2.runDir, "hidden"), await weightNorm(l1.runDir, "hidden")];
    expect(q).toBeLessThan(p * 0.9);
    expect(r).toBeLessThan(p * 0.9);
  }, 60_000);

  it("a layer's own l2: overrides the training's penalty for that layer only", async () => {
    const text = `model Mlp {
  input image: [784]
  image -> hidden: dense(16, activation: sigmoid, l2: 20.0) -> out: dense(10, activation: softmax)
}
train Mlp { data: mnist(flat: true) loss: cross_entropy ${BASE} epochs: 3 }`;
    const own = await (await loadProgram(text)).train("Mlp", { limit: 200 });
    const plain = await (await loadProgram(mlpProgram(`${BASE}\n  epochs: 3`))).train("Mlp", { limit: 200 });
    expect(await weightNorm(own.runDir, "hidden")).toBeLessThan((await weightNorm(plain.runDir, "hidden")) * 0.9);
    expect(await weightNorm(own.runDir, "out")).toBeGreaterThan((await weightNorm(plain.runDir, "out")) * 0.8);
  }, 60_000);

  it("early stopping stops after `patience` epochs without improvement and restores the best weights", async () => {
    // min_delta larger than any possible gain: only the first epoch counts as an improvement.
    const program = await loadProgram(mlpProgram(`${BASE}\n  epochs: 10\n  early_stopping: patience(2, monitor: val_loss, min_delta: 100)`));
    const report = await program.train("Mlp", { limit: 200 });
    expect(report.stoppedEarly).toBe(true);
    expect(report.bestEpoch).toBe(1);
    expect(report.history).toHaveLength(3);
    const model = await tf.loadLayersModel(fileHandler(join(report.runDir, "model.json")));
    const validation = loadMnist({ train: 50000, validation: 10000, test: 10000, flat: true }, 200).validation!;
    expect(validation.targets[0].classes).toEqual(indexNames(10));
    const loss = modelLoss([{ kind: "cross_entropy", fromLogits: false }], null, 1);
    const saved = evaluate(model, validation, loss, metricsFor([{ kind: "accuracy" }], [{ name: "out", classes: true }], loss), ["float32"]);
    expect(saved.loss).toBeCloseTo(report.history[0].validation!.loss, 5);
    expect(saved.loss).not.toBeCloseTo(report.history[2].validation!.loss, 5);
    model.dispose();
  }, 60_000);

  it("the tensor count stays flat across epochs", async () => {
    const program = await loadProgram(mlpProgram(`optimizer: adam(lr: 0.01)\n  batch_size: 20\n  seed: 1\n  epochs: 1\n  regularization: l2(0.1)\n  monitor: [gradient_norms, weight_norms]\n  clip: norm(1)`));
    await program.train("Mlp", { limit: 100 });
    const after = [];
    for (let i = 0; i < 3; i++) {
      await program.train("Mlp", { limit: 100 });
      after.push(tf.memory().numTensors);
    }
    expect(after[2]).toBe(after[1]);
    expect(after[1]).toBe(after[0]);
  }, 60_000);

  it("gradient norms of the lectures' [784, 30, 30, 30, 30, 10] sigmoid network grow from the first hidden layer to the last", async () => {
    const text = `model Deep {
  input image: [784]
  image -> h1: dense(30, activation: sigmoid) -> h2: dense(30, activation: sigmoid)
        -> h3: dense(30, activation: sigmoid) -> h4: dense(30, activation: sigmoid)
        -> dense(10, activation: softmax)
}
train Deep {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  init: normal(mean: 0, std: 1)
  batch_size: 10
  epochs: 1
  seed: 2
  monitor: [gradient_norms]
}`;
    const report = await (await loadProgram(text)).train("Deep", { limit: 1000 });
    const norms = report.history[0].gradientNorms!;
    const biases = ["h1", "h2", "h3", "h4"].map((l) => norms[l].biases!);
    for (let i = 1; i < biases.length; i++) expect(biases[i]).toBeGreaterThan(biases[i - 1]);
    expect(biases[3] / biases[0]).toBeGreaterThan(2);
    expect(readFileSync(join(report.runDir, "report.html"), "utf8")).toContain("h1");
  }, 60_000);

  it("gradient clipping by norm bounds each step", async () => {
    const program = await loadProgram(mlpProgram(`optimizer: sgd(lr: 1.0)\n  batch_size: 20\n  seed: 4\n  epochs: 1\n  clip: norm(0.001)\n  init: zeros`));
    const report = await program.train("Mlp", { limit: 20 });
    // One step from zero weights with lr 1 and a gradient of norm ≤ 0.001.
    const model = await tf.loadLayersModel(fileHandler(join(report.runDir, "model.json")));
    const total = Math.sqrt(model.getWeights().reduce((s, w) => s + tf.sum(tf.square(w)).dataSync()[0], 0));
    expect(total).toBeLessThanOrEqual(0.001 + 1e-6);
    expect(total).toBeGreaterThan(0.0009);
    model.dispose();
  }, 60_000);

  it("a cost that stops being finite stops training with a clear message and keeps the last good checkpoint", async () => {
    // Epoch 1 trains at a sane rate; from epoch 2 the rate is absurd and the cost overflows.
    class Exploding extends LearningRateSchedule {
      override rateAt(epoch: number): number {
        return epoch === 0 ? 0.01 : 1e12;
      }
    }
    const input = tf.input({ shape: [4] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(input) as tf.SymbolicTensor });
    const count = 40;
    const x = Float32Array.from({ length: count * 4 }, (_, i) => (i % 7) / 7);
    const y = Float32Array.from({ length: count }, (_, i) => i % 3);
    const data = { train: singleColumn(x, [4], y, [1], null, count), validation: null, test: null, description: "synthetic", preprocessing: [{ kind: "none" as const }] };
    const optimizer = makeOptimizer({ kind: "sgd", lr: 0.01, momentum: 0, nesterov: false });
    const loss = modelLoss([{ kind: "mse" }], null, 1);
    const dir = join(process.cwd(), ".test-out", "diverged", String(process.pid));
    rmSync(dir, { recursive: true, force: true });
    const run = fit({
      model,
      stepper: new TapeStepper({ model, loss, metrics: [], optimizer, variables: trainableVariables(model).variables, penalized: [], clip: null, roles: null }, null, ["float32"]),
      monitorGradients: false,
      data,
      loss,
      metrics: [],
      schedule: new Exploding({ kind: "constant" }, 0.01, 3),
      batchSize: 4,
      epochs: 3,
      rng: new Rng(1),
      inputDtypes: ["float32"],
      earlyStopping: null,
      monitorWeights: false,
      checkpoint: { dir, every: 1, fingerprint: "test" },
      progress: null,
      log: () => undefined,
    });
    await expect(run).rejects.toThrow(
      /the cost became (NaN|Infinity) at epoch 2, step \d+ \(learning rate 1000000000000\): training stopped; the last good checkpoint \(epoch 1\) is kept in .*Lower the learning rate/,
    );
    expect((JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as { epoch: number }).epoch).toBe(1);
    model.dispose();
  }, 60_000);

  it("init sets the initializer of every layer that names none", async () => {
    const program = await loadProgram(mlpProgram(`${BASE}\n  epochs: 1\n  init: constant(0.25)`));
    const settings = program.settings("Mlp") as { init: unknown };
    expect(settings.init).toEqual({ kind: "constant", value: 0.25 });
    const report = await program.train("Mlp", { limit: 20 });
    expect(existsSync(join(report.runDir, "model.json"))).toBe(true);
  }, 60_000);
});
