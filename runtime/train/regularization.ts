/**
 * L1/L2 in the lectures' form: C = C₀ + λ/(2n)·Σw² (L2) or C₀ + λ/n·Σ|w| (L1), n the number of
 * training examples, on weights only (kernels, recurrent kernels, embeddings), never on biases or
 * normalization parameters. A layer's own `l1:`/`l2:` replaces the training's penalty of that kind.
 */
import * as tf from "@tensorflow/tfjs";
import type { RegularizationSetting, Settled } from "../core/settings.js";
import type { LayerPenalties } from "../core/program.js";

export interface Penalty {
  readonly l1: number;
  readonly l2: number;
}

export function trainingPenalty(setting: Settled<RegularizationSetting> | null): Penalty {
  if (!setting) return { l1: 0, l2: 0 };
  switch (setting.kind) {
    case "l1":
      return { l1: setting.lambda, l2: 0 };
    case "l2":
      return { l1: 0, l2: setting.lambda };
    case "l1_l2":
      return { l1: setting.l1, l2: setting.l2 };
  }
}

/** Whether a layer variable is a weight the penalty applies to (not a bias, gain or statistic). */
export function isPenalizedWeight(originalName: string): boolean {
  const last = originalName.split("/").pop() ?? originalName;
  return last === "kernel" || last === "recurrent_kernel" || last === "embeddings";
}

interface PenalizedVariable {
  readonly variable: tf.Tensor;
  readonly l1: number;
  readonly l2: number;
}

/** The variables to penalize with their coefficients already divided by n (and 2 for L2). */
export function penalizedVariables(model: tf.LayersModel, global: Penalty, overrides: LayerPenalties, n: number): PenalizedVariable[] {
  const out: PenalizedVariable[] = [];
  for (const layer of model.layers) {
    // An own property only: a layer labelled `constructor` has no override from Object.prototype.
    const own = Object.hasOwn(overrides, layer.name) ? overrides[layer.name]! : {};
    const l1 = own.l1 ?? global.l1;
    const l2 = own.l2 ?? global.l2;
    if (l1 === 0 && l2 === 0) continue;
    for (const w of layer.trainableWeights) {
      if (isPenalizedWeight(w.originalName)) out.push({ variable: w.read(), l1: l1 / n, l2: l2 / (2 * n) });
    }
  }
  return out;
}

/** The penalty term to add to the cost, or null when nothing is penalized. */
export function penaltyTerm(vars: readonly PenalizedVariable[]): tf.Scalar | null {
  if (vars.length === 0) return null;
  let total: tf.Scalar = tf.scalar(0);
  for (const { variable, l1, l2 } of vars) {
    if (l2 > 0) total = tf.add(total, tf.mul(l2, tf.sum(tf.square(variable))));
    if (l1 > 0) total = tf.add(total, tf.mul(l1, tf.sum(tf.abs(variable))));
  }
  return total;
}
