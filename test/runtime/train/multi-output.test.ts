/**
 * A model of two inputs and two outputs (softmax classes and a linear value) against tfjs-layers
 * and hand-written tfjs ops as the oracle: the weighted cost of one batch, one SGD step, the
 * evaluation and the predictions.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { tf } from "../../../runtime/index.js";
import type { Examples } from "../../../runtime/data/examples.js";
import { applyModel, disposeBatch, makeBatch } from "../../../runtime/train/batches.js";
import { evaluate, predictAll } from "../../../runtime/train/evaluate.js";
import { modelLoss, totalLoss } from "../../../runtime/train/losses.js";
import { metricsFor } from "../../../runtime/train/metrics.js";
import { makeOptimizer } from "../../../runtime/train/optimizers.js";
import { trainableVariables, trainStep } from "../../../runtime/train/step.js";
import { TapeStepper } from "../../../runtime/train/stepper.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const LR = 0.1;
const COUNT = 5;
const CE = { kind: "cross_entropy", fromLogits: false } as const;
const MSE = { kind: "mse" } as const;
const WEIGHTS = [1, 0.5];

/** Deterministic values in about [−1, 1]. */
const values = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3));

/** The fixed weights, by layer: kernel then bias. */
const INITIAL: Record<string, [number[], number[], number[]]> = {
  hidden: [values(5 * 4, 1), [5, 4], values(4, 2)],
  kind: [values(4 * 3, 3), [4, 3], values(3, 4)],
  size: [values(4 * 1, 5), [4, 1], values(1, 6)],
};

/** a: [3] and b: [2] → concatenate → dense(4, tanh) → kind: dense(3, softmax), size: dense(1). */
function buildModel(): tf.LayersModel {
  const a = tf.input({ shape: [3], name: "a" });
  const b = tf.input({ shape: [2], name: "b" });
  const joined = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 4, activation: "tanh", name: "hidden" }).apply(joined) as tf.SymbolicTensor;
  const kind = tf.layers.dense({ units: 3, activation: "softmax", name: "kind" }).apply(hidden) as tf.SymbolicTensor;
  const size = tf.layers.dense({ units: 1, name: "size" }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [a, b], outputs: [kind, size] });
  for (const [name, [kernel, shape, bias]] of Object.entries(INITIAL)) model.getLayer(name).setWeights([tf.tensor(kernel, shape), tf.tensor(bias)]);
  return model;
}

/** Five examples: two inputs, one-hot classes of three, and a value. */
const XA = values(COUNT * 3, 7);
const XB = values(COUNT * 2, 8);
const CLASSES = [2, 0, 1, 1, 0];
const YK = CLASSES.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
const YS = values(COUNT, 9).map((v) => 2 * v);

const DATA: Examples = {
  inputs: [
    { values: Float32Array.from(XA), shape: [3] },
    { values: Float32Array.from(XB), shape: [2] },
  ],
  targets: [
    { values: Float32Array.from(YK), shape: [3], classes: ["a", "b", "c"] },
    { values: Float32Array.from(YS), shape: [1], classes: null },
  ],
  count: COUNT,
};

/** The rows `rows` of a flat array of rows of `size` values, as a [rows, size] tensor. */
function rows(flat: readonly number[], size: number, picked: readonly number[]): tf.Tensor2D {
  return tf.tensor2d(picked.flatMap((r) => flat.slice(r * size, (r + 1) * size)), [picked.length, size]);
}

interface Parameters {
  readonly w1: tf.Tensor;
  readonly b1: tf.Tensor;
  readonly w2: tf.Tensor;
  readonly b2: tf.Tensor;
  readonly w3: tf.Tensor;
  readonly b3: tf.Tensor;
}

/** The network's forward pass written out: tanh, then a softmax by exp and sum, and a linear unit. */
function forward(p: Parameters, xa: tf.Tensor, xb: tf.Tensor): { kind: tf.Tensor; size: tf.Tensor } {
  const h = tf.tanh(tf.add(tf.matMul(tf.concat([xa, xb], 1), p.w1 as tf.Tensor2D), p.b1));
  const z = tf.add(tf.matMul(h as tf.Tensor2D, p.w2 as tf.Tensor2D), p.b2);
  const e = tf.exp(tf.sub(z, tf.max(z, 1, true)));
  const kind = tf.div(e, tf.sum(e, 1, true));
  const size = tf.add(tf.matMul(h as tf.Tensor2D, p.w3 as tf.Tensor2D), p.b3);
  return { kind, size };
}

/** 1 · (−Σ y ln a, averaged over the batch) + 0.5 · (mean of (y − a)²), written out. */
function handCost(kind: tf.Tensor, size: tf.Tensor, yk: tf.Tensor, ys: tf.Tensor): tf.Scalar {
  const n = yk.shape[0];
  const crossEntropy = tf.div(tf.neg(tf.sum(tf.mul(yk, tf.log(tf.clipByValue(kind, 1e-7, 1))))), n);
  const squared = tf.mean(tf.square(tf.sub(ys, size)));
  return tf.add(tf.mul(WEIGHTS[0], crossEntropy), tf.mul(WEIGHTS[1], squared)) as tf.Scalar;
}

function initialParameters(): Parameters {
  const t = (name: string, i: 0 | 2) => (i === 0 ? tf.tensor(INITIAL[name][0], INITIAL[name][1]) : tf.tensor(INITIAL[name][2]));
  return { w1: t("hidden", 0), b1: t("hidden", 2), w2: t("kind", 0), b2: t("kind", 2), w3: t("size", 0), b3: t("size", 2) };
}

/**
 * The expected weights after one SGD step on `picked` rows: w − η ∂C/∂w with the gradients
 * tf.variableGrads takes of the hand-written cost, and that cost before the step.
 */
function expectedStep(picked: readonly number[]): { cost: number; weights: Record<string, number[][]> } {
  return tf.tidy(() => {
    const p = initialParameters();
    const vars = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, tf.variable(v, true, `hand_${k}_${Math.random()}`)])) as unknown as Record<keyof Parameters, tf.Variable>;
    const xa = rows(XA, 3, picked);
    const xb = rows(XB, 2, picked);
    const yk = rows(YK, 3, picked);
    const ys = rows(YS, 1, picked);
    const { value, grads } = tf.variableGrads(() => {
      const out = forward(vars, xa, xb);
      return handCost(out.kind, out.size, yk, ys);
    }, Object.values(vars));
    const updated = (k: keyof Parameters) => Array.from(tf.sub(vars[k], tf.mul(LR, grads[vars[k].name])).dataSync());
    const weights = { hidden: [updated("w1"), updated("b1")], kind: [updated("w2"), updated("b2")], size: [updated("w3"), updated("b3")] };
    const cost = value.dataSync()[0];
    Object.values(vars).forEach((v) => v.dispose());
    return { cost, weights };
  });
}

function expectWeights(model: tf.LayersModel, expected: Record<string, number[][]>): void {
  for (const [layer, arrays] of Object.entries(expected)) {
    model
      .getLayer(layer)
      .getWeights()
      .forEach((w, i) => {
        const got = Array.from(w.dataSync());
        got.forEach((v, j) => expect(v, `${layer} weight ${i}[${j}]`).toBeCloseTo(arrays[i][j], 5));
      });
  }
}

const loss = () => modelLoss([CE, MSE], WEIGHTS, 2);

describe("two inputs and two outputs against tfjs-layers and hand-written ops", () => {
  it("the model's outputs are the forward pass written out, inputs and outputs in order", () => {
    const model = buildModel();
    tf.tidy(() => {
      const all = Array.from({ length: COUNT }, (_, i) => i);
      const [kind, size] = applyModel(model, [rows(XA, 3, all), rows(XB, 2, all)], false);
      const hand = forward(initialParameters(), rows(XA, 3, all), rows(XB, 2, all));
      expect(kind.shape).toEqual([COUNT, 3]);
      expect(size.shape).toEqual([COUNT, 1]);
      Array.from(kind.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(hand.kind.dataSync()[i], 6));
      Array.from(size.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(hand.size.dataSync()[i], 6));
    });
    model.dispose();
  });

  it("totalLoss(modelLoss([cross_entropy, mse], [1, 0.5])) of a batch is the cost written out", () => {
    const model = buildModel();
    tf.tidy(() => {
      const picked = [3, 0, 4];
      const predictions = applyModel(model, [rows(XA, 3, picked), rows(XB, 2, picked)], false);
      const targets = [rows(YK, 3, picked), rows(YS, 1, picked)];
      const got = totalLoss(loss(), targets, predictions).dataSync()[0];
      const want = handCost(predictions[0], predictions[1], targets[0], targets[1]).dataSync()[0];
      expect(got).toBeCloseTo(want, 6);
      // The weights matter: without them, both outputs count once.
      const unweighted = totalLoss(modelLoss([CE, MSE], null, 2), targets, predictions).dataSync()[0];
      const squared = tf.mean(tf.square(tf.sub(targets[1], predictions[1]))).dataSync()[0];
      expect(unweighted - got).toBeCloseTo(0.5 * squared, 6);
      // One loss serves every output, each weighted 1; otherwise one loss and one weight per output.
      expect(modelLoss([MSE], null, 2).outputs.map((o) => o.weight)).toEqual([1, 1]);
      expect(() => modelLoss([CE, MSE, MSE], null, 2)).toThrow("3 losses for 2 outputs; give one, or one per output");
      expect(() => modelLoss([CE, MSE], [1], 2)).toThrow("1 loss weights for 2 outputs; give one per output");
    });
    model.dispose();
  });

  it("one SGD step moves every weight by −η ∂C/∂w of the hand-written cost", () => {
    const model = buildModel();
    const picked = [1, 3, 4];
    const expected = expectedStep(picked);
    const ctx = {
      model,
      loss: loss(),
      metrics: metricsFor([{ kind: "accuracy" }, { kind: "mae" }], [{ name: "kind", classes: true }, { name: "size", classes: false }], loss()),
      optimizer: makeOptimizer({ kind: "sgd", lr: LR, momentum: 0, nesterov: false }),
      variables: trainableVariables(model).variables,
      penalized: [],
      clip: null,
      roles: null,
    };
    const before = tf.memory().numTensors;
    const batch = { xs: [rows(XA, 3, picked), rows(XB, 2, picked)], ys: [rows(YK, 3, picked), rows(YS, 1, picked)], size: picked.length };
    const result = trainStep(ctx, batch);
    batch.xs.forEach((t) => t.dispose());
    batch.ys.forEach((t) => t.dispose());
    expect(result.loss).toBeCloseTo(expected.cost, 5);
    expect(ctx.metrics.map((m) => m.name)).toEqual(["kind_loss", "kind_accuracy", "kind_mae", "size_loss", "size_mae"]);
    expect(result.metricSums).toHaveLength(5);
    expectWeights(model, expected.weights);
    // The step leaves no tensor behind but the optimizer's iteration count.
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(1);
    ctx.optimizer.dispose();
    model.dispose();
  });

  it("the autograd stepper cuts the batch from both inputs and targets in the shuffled order", () => {
    const model = buildModel();
    const order = Uint32Array.of(2, 4, 0, 1, 3);
    const expected = expectedStep([4, 0, 1]);
    const optimizer = makeOptimizer({ kind: "sgd", lr: LR, momentum: 0, nesterov: false });
    const stepper = new TapeStepper({ model, loss: loss(), metrics: [], optimizer, variables: trainableVariables(model).variables, penalized: [], clip: null, roles: null }, null, ["float32", "float32"]);
    const result = stepper.step(DATA, order, 1, 4);
    expect(result.loss).toBeCloseTo(expected.cost, 5);
    expectWeights(model, expected.weights);
    optimizer.dispose();
    model.dispose();
  });

  it("makeBatch gives one tensor per input and per target, int32 where the input is", () => {
    const batch = makeBatch(DATA, Uint32Array.of(4, 1), 0, 2, ["float32", "int32"]);
    expect(batch.size).toBe(2);
    expect(batch.xs.map((t) => [t.shape, t.dtype])).toEqual([
      [[2, 3], "float32"],
      [[2, 2], "int32"],
    ]);
    expect(batch.ys.map((t) => t.shape)).toEqual([
      [2, 3],
      [2, 1],
    ]);
    expect(Array.from(batch.ys[0].dataSync())).toEqual(YK.slice(12, 15).concat(YK.slice(3, 6)));
    expect(Array.from(batch.ys[1].dataSync())).toEqual([YS[4], YS[1]].map(Math.fround));
    disposeBatch(batch);
  });

  it("evaluate reports the weighted cost, each output's loss and its metrics; predictAll one array per output", () => {
    const model = buildModel();
    const metrics = metricsFor([{ kind: "accuracy" }, { kind: "mae" }], [{ name: "kind", classes: true }, { name: "size", classes: false }], loss());
    const result = evaluate(model, DATA, loss(), metrics, ["float32", "float32"]);
    const all = Array.from({ length: COUNT }, (_, i) => i);
    const want = tf.tidy(() => {
      const out = forward(initialParameters(), rows(XA, 3, all), rows(XB, 2, all));
      const yk = rows(YK, 3, all);
      const ys = rows(YS, 1, all);
      const crossEntropy = tf.div(tf.neg(tf.sum(tf.mul(yk, tf.log(out.kind)))), COUNT).dataSync()[0];
      const squared = tf.mean(tf.square(tf.sub(ys, out.size))).dataSync()[0];
      const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(out.kind, 1), tf.argMax(yk, 1)), "float32")).dataSync()[0];
      const mae = tf.mean(tf.abs(tf.sub(ys, out.size))).dataSync()[0];
      const kindMae = tf.mean(tf.abs(tf.sub(yk, out.kind))).dataSync()[0];
      return { loss: crossEntropy + 0.5 * squared, kind_loss: crossEntropy, kind_accuracy: accuracy, kind_mae: kindMae, size_loss: squared, size_mae: mae };
    });
    expect(Object.keys(result).sort()).toEqual(Object.keys(want).sort());
    for (const [k, v] of Object.entries(want)) expect(result[k], k).toBeCloseTo(v, 5);
    const predictions = predictAll(model, DATA, ["float32", "float32"]);
    expect(predictions.map((p) => p.length)).toEqual([COUNT * 3, COUNT]);
    tf.tidy(() => {
      const out = forward(initialParameters(), rows(XA, 3, all), rows(XB, 2, all));
      Array.from(predictions[0]).forEach((v, i) => expect(v).toBeCloseTo(out.kind.dataSync()[i], 6));
      Array.from(predictions[1]).forEach((v, i) => expect(v).toBeCloseTo(out.size.dataSync()[i], 6));
    });
    model.dispose();
  });
});
