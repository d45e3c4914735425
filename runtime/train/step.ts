/**
 * One training step: forward pass in training mode, cost (with the L1/L2 term), gradients,
 * clipping, the optimizer's update, and when monitored the per-layer gradient norms. Everything
 * the step creates is released before it returns, so the tensor count stays flat across epochs.
 */
import * as tf from "@tensorflow/tfjs";
import { sourceName } from "../core/layer-names.js";
import type { ClipSetting, Settled } from "../core/settings.js";
import { applyModel, type Batch } from "./batches.js";
import { totalLoss, type ModelLoss } from "./losses.js";
import type { Metric } from "./metrics.js";
import { tensorFinite } from "./finite.js";
import { penaltyTerm, type penalizedVariables } from "./regularization.js";
// Autograd through average pooling with padding needs the exact gradient registered there.
import "../kernels/avg-pool-gradient.js";

/** Which layer, and which kind of parameter, each trainable variable is. */
export interface VariableRole {
  readonly layer: string;
  readonly role: "weights" | "biases";
}

export interface StepContext {
  readonly model: tf.LayersModel;
  readonly loss: ModelLoss;
  readonly metrics: readonly Metric[];
  readonly optimizer: tf.Optimizer;
  readonly variables: readonly tf.Variable[];
  readonly penalized: ReturnType<typeof penalizedVariables>;
  readonly clip: Settled<ClipSetting> | null;
  /** Present when gradient norms are monitored. */
  readonly roles: ReadonlyMap<string, VariableRole> | null;
}

export interface StepResult {
  /** The batch's mean cost (weighted over outputs) without the regularization term. */
  readonly loss: number;
  /** Sum over the batch of each metric, in `metrics` order. */
  readonly metricSums: readonly number[];
  /** Per layer: the squared norms of the weight and bias gradients, when monitored. */
  readonly squaredNorms: ReadonlyMap<string, { weights: number; biases: number | null }> | null;
  /**
   * Whether every weight the step wrote (its update, and batch norm's moving statistics) is finite
   * afterwards. A step whose cost is finite can still overflow the weights (a huge rate, huge inputs).
   */
  readonly weightsFinite: boolean;
}

/** The trainable variables of a model and their roles. */
export function trainableVariables(model: tf.LayersModel): { variables: tf.Variable[]; roles: Map<string, VariableRole> } {
  const variables: tf.Variable[] = [];
  const roles = new Map<string, VariableRole>();
  for (const layer of model.layers) {
    if (!layer.trainable) continue;
    for (const w of layer.trainableWeights) {
      const v = w.read() as tf.Variable;
      variables.push(v);
      const last = w.originalName.split("/").pop() ?? "";
      roles.set(v.name, { layer: sourceName(layer.name), role: last.includes("bias") || last === "beta" ? "biases" : "weights" });
    }
  }
  return { variables, roles };
}

function clipGradients(grads: tf.NamedTensorMap, clip: Settled<ClipSetting>): tf.NamedTensorMap {
  const max = clip.max;
  const names = Object.keys(grads);
  if (clip.kind === "value") return Object.fromEntries(names.map((n) => [n, tf.clipByValue(grads[n], -max, max)]));
  // The norm of all gradients together (as PyTorch's clip_grad_norm_), so their direction is kept.
  const total = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n])))));
  const scale = tf.minimum(1, tf.div(max, tf.add(total, 1e-12)));
  return Object.fromEntries(names.map((n) => [n, tf.mul(grads[n], scale)]));
}

export function trainStep(ctx: StepContext, batch: Batch): StepResult {
  const kept: tf.Tensor[] = [];
  let names: string[] = [];
  const values = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const predictions = applyModel(ctx.model, batch.xs, true);
      const dataLoss = totalLoss(ctx.loss, batch.ys, predictions);
      // Metrics are computed inside the forward scope, where the predictions are alive; keep() lets
      // them outlive it (the tape ignores them: they do not feed the cost).
      kept.push(tf.keep(dataLoss.clone()), ...ctx.metrics.map((m) => tf.keep(m.sum(batch.ys[m.output], predictions[m.output]))));
      const penalty = penaltyTerm(ctx.penalized);
      return penalty ? tf.add(dataLoss, penalty) : dataLoss;
    }, [...ctx.variables]);
    const clipped = ctx.clip ? clipGradients(grads, ctx.clip) : grads;
    names = Object.keys(clipped);
    const norms = ctx.roles ? names.map((n) => tf.sum(tf.square(clipped[n]))) : [];
    ctx.optimizer.applyGradients(clipped);
    return tf.stack([...kept, ...norms].map((t) => t.reshape([]))).dataSync();
  });
  for (const t of kept) t.dispose();
  const metricSums = Array.from(values.subarray(1, 1 + ctx.metrics.length));
  let squaredNorms: Map<string, { weights: number; biases: number | null }> | null = null;
  if (ctx.roles) {
    squaredNorms = new Map();
    names.forEach((name, i) => {
      const role = ctx.roles!.get(name);
      if (!role) return;
      const entry = squaredNorms!.get(role.layer) ?? { weights: 0, biases: null };
      const value = values[1 + ctx.metrics.length + i];
      if (role.role === "weights") entry.weights += value;
      else entry.biases = (entry.biases ?? 0) + value;
      squaredNorms!.set(role.layer, entry);
    });
  }
  // What the step wrote, read in place on the cpu and native backends (one pass, no tensor): the
  // trained variables and the moving statistics; frozen layers do not change.
  const weightsFinite = ctx.variables.every(tensorFinite) && movingStatistics(ctx.model).every((w) => tensorFinite(w.read()));
  return { loss: values[0], metricSums, squaredNorms, weightsFinite };
}

const moving = new WeakMap<tf.LayersModel, readonly tf.LayerVariable[]>();

/** The weights a forward pass in training mode updates itself (batch norm's moving mean and variance). */
function movingStatistics(model: tf.LayersModel): readonly tf.LayerVariable[] {
  let found = moving.get(model);
  if (!found) {
    found = model.layers.flatMap((l) => l.nonTrainableWeights.filter((w) => (w.originalName.split("/").pop() ?? "").startsWith("moving_")));
    moving.set(model, found);
  }
  return found;
}
