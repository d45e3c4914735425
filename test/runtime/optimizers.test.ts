import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { OptimizerSetting, Settled } from "../../runtime/core/settings.js";
import { modelLoss } from "../../runtime/train/losses.js";
import { makeOptimizer, setLearningRate } from "../../runtime/train/optimizers.js";
import { trainableVariables, trainStep } from "../../runtime/train/step.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/**
 * One weight w, one example (x = 2, y = 3), cost ½(wx − y)², so ∂C/∂w = (wx − y)·x. The runtime's
 * steps (model, cost, gradients, optimizer) must give the weights computed by hand below.
 */
const X = 2;
const Y = 3;
const W0 = 0.5;
const grad = (w: number) => (w * X - Y) * X;

function runSteps(setting: Settled<OptimizerSetting>, steps: number, rates?: number[]): number[] {
  const input = tf.input({ shape: [1] });
  const output = tf.layers.dense({ units: 1, useBias: false, kernelInitializer: tf.initializers.constant({ value: W0 }) }).apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  const optimizer = makeOptimizer(setting);
  const { variables } = trainableVariables(model);
  const ctx = { model, loss: modelLoss([{ kind: "quadratic" }], null, 1), metrics: [], optimizer, variables, penalized: [], clip: null, roles: null };
  const weights: number[] = [];
  for (let s = 0; s < steps; s++) {
    if (rates) setLearningRate(optimizer, rates[s]);
    const x = tf.tensor([[X]]);
    const y = tf.tensor([[Y]]);
    trainStep(ctx, { xs: [x], ys: [y], size: 1 });
    x.dispose();
    y.dispose();
    weights.push(model.getWeights()[0].dataSync()[0]);
  }
  model.dispose();
  optimizer.dispose();
  return weights;
}

const close = (got: number[], want: number[]) => got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 5));

describe("optimizer update rules against hand-computed steps", () => {
  it("sgd: w ← w − η∇C", () => {
    let w = W0;
    const want = [0, 1, 2].map(() => (w -= 0.1 * grad(w)));
    close(runSteps({ kind: "sgd", lr: 0.1, momentum: 0, nesterov: false }, 3), want);
  });

  it("momentum, the lectures' form: v ← μv − η∇C, w ← w + v", () => {
    let w = W0;
    let v = 0;
    const want = [0, 1, 2].map(() => {
      v = 0.9 * v - 0.05 * grad(w);
      return (w += v);
    });
    close(runSteps({ kind: "sgd", lr: 0.05, momentum: 0.9, nesterov: false }, 3), want);
  });

  it("Nesterov momentum (the Keras/tfjs form: w ← w − η(g + μ·v), v ← μv + g)", () => {
    let w = W0;
    let v = 0;
    const want = [0, 1, 2].map(() => {
      const g = grad(w);
      v = 0.9 * v + g;
      return (w -= 0.05 * (g + 0.9 * v));
    });
    close(runSteps({ kind: "sgd", lr: 0.05, momentum: 0.9, nesterov: true }, 3), want);
  });

  it("adam: bias-corrected first and second moments", () => {
    const [b1, b2, eps, lr] = [0.9, 0.999, 1e-7, 0.01];
    let w = W0;
    let m = 0;
    let v = 0;
    const want = [1, 2, 3].map((t) => {
      const g = grad(w);
      m = b1 * m + (1 - b1) * g;
      v = b2 * v + (1 - b2) * g * g;
      const mHat = m / (1 - b1 ** t);
      const vHat = v / (1 - b2 ** t);
      return (w -= (lr * mHat) / (Math.sqrt(vHat) + eps));
    });
    close(runSteps({ kind: "adam", lr, beta1: b1, beta2: b2, epsilon: eps }, 3), want);
  });

  it("adagrad: w ← w − η·g/√(Σg²), the sum starting at 0.1 as in tfjs and Keras", () => {
    let w = W0;
    let sum = 0.1;
    const want = [0, 1, 2].map(() => {
      const g = grad(w);
      sum += g * g;
      return (w -= (0.1 * g) / Math.sqrt(sum + 1e-7));
    });
    close(runSteps({ kind: "adagrad", lr: 0.1 }, 3), want);
  });

  it("rmsprop: a decaying mean of g²", () => {
    let w = W0;
    let ms = 0;
    const want = [0, 1, 2].map(() => {
      const g = grad(w);
      ms = 0.9 * ms + 0.1 * g * g;
      return (w -= (0.01 * g) / Math.sqrt(ms + 1e-7));
    });
    close(runSteps({ kind: "rmsprop", lr: 0.01, decay: 0.9, momentum: 0 }, 3), want);
  });

  it("a schedule's rate reaches every optimizer: at rate 0 the weight stays put", () => {
    const settings: Settled<OptimizerSetting>[] = [
      { kind: "sgd", lr: 0.1, momentum: 0, nesterov: false },
      { kind: "sgd", lr: 0.1, momentum: 0.9, nesterov: true },
      { kind: "adam", lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
      { kind: "adamax", lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
      { kind: "adagrad", lr: 0.1 },
      { kind: "adadelta", lr: 1, rho: 0.95 },
      { kind: "rmsprop", lr: 0.1, decay: 0.9, momentum: 0 },
    ];
    for (const s of settings) {
      const [first, second] = runSteps(s, 2, [0.1, 0]);
      expect(first, s.kind).not.toBe(W0);
      expect(second, s.kind).toBe(first);
    }
  });
});
