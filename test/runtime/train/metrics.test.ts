/** The metrics of runtime/train/metrics.ts: per-step class metrics and the names with several outputs. */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { DataError } from "../../../runtime/data/examples.js";
import { modelLoss } from "../../../runtime/train/losses.js";
import { metricsFor, type Metric } from "../../../runtime/train/metrics.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const CE = { kind: "cross_entropy", fromLogits: false } as const;

function sumOf(metric: Metric, yTrue: number[][][] | number[][], yPred: number[][][] | number[][]): number {
  return tf.tidy(() => metric.sum(tf.tensor(yTrue), tf.tensor(yPred)).dataSync()[0]);
}

function metric(name: string, metrics: readonly Metric[]): Metric {
  const found = metrics.find((m) => m.name === name);
  if (!found) throw new Error(`no metric ${name} among ${metrics.map((m) => m.name).join(", ")}`);
  return found;
}

const one = (k: number, c: number) => Array.from({ length: k }, (_, i) => (i === c ? 1 : 0));

describe("class metrics on a sequence output [T, k]", () => {
  // One example of four steps over three classes: steps 0, 1 and 3 right, step 2 wrong.
  const truth = [[one(3, 0), one(3, 1), one(3, 2), one(3, 1)]];
  const predicted = [
    [
      [0.8, 0.1, 0.1],
      [0.2, 0.7, 0.1],
      [0.06, 0.9, 0.04], // class 1, the truth is 2; also the largest value of the whole example
      [0.3, 0.4, 0.3],
    ],
  ];
  const metrics = metricsFor([{ kind: "accuracy" }, { kind: "top_k", k: 2 }], [{ name: "tags", classes: true }], modelLoss([CE], null, 1));

  it("accuracy is the argmax over the class axis per step, averaged over the steps", () => {
    // 3 of 4 steps: 0.75, where the argmax of the flattened example (position 7, class 1 of step 2)
    // against the flattened truth's (position 0) would give 0.
    expect(sumOf(metric("accuracy", metrics), truth, predicted)).toBeCloseTo(0.75, 6);
    const flattened = tf.tidy(() => tf.equal(tf.argMax(tf.tensor(predicted).reshape([1, -1]), 1), tf.argMax(tf.tensor(truth).reshape([1, -1]), 1)).dataSync()[0]);
    expect(flattened).toBe(0);
    // A batch sums its examples' rates: the second example gets 2 of 4 steps right.
    const second = [one(3, 2), one(3, 2), one(3, 0), one(3, 0)];
    const guesses = [one(3, 2), one(3, 0), one(3, 0), one(3, 1)];
    expect(sumOf(metric("accuracy", metrics), [...truth, second], [...predicted, guesses])).toBeCloseTo(0.75 + 0.5, 6);
  });

  it("top_k is whether the true class is among the k highest per step, averaged over the steps", () => {
    // Step 2: the truth (class 2, 0.04) is not among the two highest (0.9 and 0.06); the other
    // steps have their truth first.
    expect(sumOf(metric("top_2", metrics), truth, predicted)).toBeCloseTo(0.75, 6);
    const top3 = metricsFor([{ kind: "top_k", k: 3 }], [{ name: "tags", classes: true }], modelLoss([CE], null, 1));
    expect(sumOf(metric("top_3", top3), truth, predicted)).toBeCloseTo(1, 6);
    // k beyond the class count is every class.
    const top5 = metricsFor([{ kind: "top_k", k: 5 }], [{ name: "tags", classes: true }], modelLoss([CE], null, 1));
    expect(sumOf(metric("top_5", top5), truth, predicted)).toBeCloseTo(1, 6);
  });

  it("on a [k] output, each example is one step", () => {
    const truthRows = [one(3, 0), one(3, 1), one(3, 2), one(3, 1)];
    expect(sumOf(metric("accuracy", metrics), truthRows, predicted[0])).toBeCloseTo(3, 6);
    expect(sumOf(metric("top_2", metrics), truthRows, predicted[0])).toBeCloseTo(3, 6);
  });

  it("a single sigmoid unit is right when the output is on the target's side of 0.5", () => {
    const acc = metricsFor([{ kind: "accuracy" }], [{ name: "out", classes: true }], modelLoss([CE], null, 1))[0];
    expect(sumOf(acc, [[1], [0], [1], [0]], [[0.9], [0.2], [0.4], [0.7]])).toBeCloseTo(2, 6);
    // Per step too: [T, 1].
    expect(sumOf(acc, [[[1], [0], [1]]], [[[0.9], [0.2], [0.4]]])).toBeCloseTo(2 / 3, 6);
  });

  it("a single unit trained from logits is right when its score is on the target's side of 0", () => {
    const bceLogits = { kind: "binary_cross_entropy", fromLogits: true } as const;
    const acc = metricsFor([{ kind: "accuracy" }], [{ name: "out", classes: true }], modelLoss([bceLogits], null, 1))[0];
    // Scores 1.12 and -0.12 are probabilities 0.75 and 0.47: the first says class 1, the second class 0.
    expect(sumOf(acc, [[1], [0], [1], [0]], [[1.12], [-0.12], [0.3], [0.2]])).toBeCloseTo(3, 6);
  });

  it("from logits, the accuracy of the scores is the accuracy of their probabilities (sigmoid or softmax)", () => {
    const bce = metricsFor([{ kind: "accuracy" }], [{ name: "out", classes: true }], modelLoss([{ kind: "binary_cross_entropy", fromLogits: false }], null, 1))[0];
    const bceLogits = metricsFor([{ kind: "accuracy" }], [{ name: "out", classes: true }], modelLoss([{ kind: "binary_cross_entropy", fromLogits: true }], null, 1))[0];
    const ce = metricsFor([{ kind: "accuracy" }], [{ name: "out", classes: true }], modelLoss([CE], null, 1))[0];
    const ceLogits = metricsFor([{ kind: "accuracy" }], [{ name: "out", classes: true }], modelLoss([{ kind: "cross_entropy", fromLogits: true }], null, 1))[0];
    const score = fc.double({ min: -20, max: 20, noNaN: true }).filter((z) => Math.abs(z) > 1e-3);
    fc.assert(
      fc.property(fc.array(fc.tuple(score, fc.boolean()), { minLength: 1, maxLength: 8 }), (rows) => {
        const z = rows.map(([s]) => [s]);
        const y = rows.map(([, t]) => [t ? 1 : 0]);
        const p = z.map(([s]) => [1 / (1 + Math.exp(-s))]);
        expect(sumOf(bceLogits, y, z)).toBeCloseTo(sumOf(bce, y, p), 6);
      }),
      { numRuns: 50 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(score, { minLength: 3, maxLength: 3 }), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 8 }), (rows) => {
        const z = rows.map(([s]) => s);
        const y = rows.map(([, c]) => one(3, c));
        const p = tf.tidy(() => tf.softmax(tf.tensor(z)).arraySync() as number[][]);
        expect(sumOf(ceLogits, y, z)).toBeCloseTo(sumOf(ce, y, p), 6);
      }),
      { numRuns: 50 },
    );
  });

  it("mae is the mean absolute error of each example, summed over the batch", () => {
    const mae = metricsFor([{ kind: "mae" }], [{ name: "out", classes: false }], modelLoss([{ kind: "mse" }], null, 1))[0];
    expect(sumOf(mae, [[1, 2], [3, 4]], [[1.5, 2], [3, 2]])).toBeCloseTo(0.25 + 1, 6);
  });
});

describe("metric names", () => {
  it("with one output: as written, and no per-output loss", () => {
    const names = metricsFor([{ kind: "loss" }, { kind: "accuracy" }, { kind: "top_k", k: 5 }, { kind: "mae" }], [{ name: "out", classes: true }], modelLoss([CE], null, 1)).map((m) => m.name);
    expect(names).toEqual(["accuracy", "top_5", "mae"]);
  });

  it("accuracy or top_k on real-valued targets is an error naming the output and what to list instead", () => {
    const real = [{ name: "t", classes: false }];
    const mse = modelLoss([{ kind: "mse" }], null, 1);
    expect(() => metricsFor([{ kind: "accuracy" }, { kind: "top_k", k: 2 }], real, mse)).toThrow(DataError);
    expect(() => metricsFor([{ kind: "accuracy" }, { kind: "top_k", k: 2 }], real, mse)).toThrow(
      "`metrics` lists accuracy and top_k(2), which need class targets, but the targets of output `t` are real values (its labels are numbers that the run reads as values, not as classes); list `mae` or `loss` in `metrics` instead",
    );
    expect(() => metricsFor([{ kind: "top_k", k: 3 }], [...real, { name: "u", classes: false }], modelLoss([{ kind: "mse" }], null, 2))).toThrow(/but the targets of every output \(`t`, `u`\) are real values/);
    // What fits real values, the default, and a class output beside a real one are fine.
    expect(metricsFor([{ kind: "mae" }, { kind: "loss" }], real, mse).map((m) => m.name)).toEqual(["mae"]);
    expect(metricsFor(null, real, mse).map((m) => m.name)).toEqual(["mae"]);
    expect(() => metricsFor([{ kind: "accuracy" }], [{ name: "kind", classes: true }, ...real], modelLoss([CE, { kind: "mse" }], null, 2))).not.toThrow();
  });

  it("with several outputs: prefixed by the output, each output's loss, accuracy only for class outputs", () => {
    const loss = modelLoss([CE, { kind: "mse" }], [1, 0.5], 2);
    const metrics = metricsFor([{ kind: "accuracy" }, { kind: "top_k", k: 2 }, { kind: "mae" }, { kind: "loss" }], [
      { name: "kind", classes: true },
      { name: "size", classes: false },
    ], loss);
    expect(metrics.map((m) => [m.name, m.output])).toEqual([
      ["kind_loss", 0],
      ["kind_accuracy", 0],
      ["kind_top_2", 0],
      ["kind_mae", 0],
      ["size_loss", 1],
      ["size_mae", 1],
    ]);
    // An output's loss is its own, unweighted, summed over the batch like every metric.
    const size = metric("size_loss", metrics);
    expect(sumOf(size, [[1], [3]], [[2], [3]])).toBeCloseTo(((1 + 0) / 2) * 2, 6);
    const kind = metric("kind_loss", metrics);
    expect(sumOf(kind, [one(2, 0), one(2, 1)], [[0.5, 0.5], [0.25, 0.75]])).toBeCloseTo(-Math.log(0.5) - Math.log(0.75), 5);
  });

  it("names a metric once, however often it is asked for", () => {
    const names = metricsFor([{ kind: "accuracy" }, { kind: "accuracy" }, { kind: "top_k", k: 3 }, { kind: "top_k", k: 3 }], [{ name: "out", classes: true }], modelLoss([CE], null, 1)).map((m) => m.name);
    expect(names).toEqual(["accuracy", "top_3"]);
  });
});
