/**
 * The costs of §6, written out so each matches its textbook definition (not a library's averaging
 * convention): `quadratic` is ½‖y − a‖² summed over the output units and averaged over the batch,
 * and `cross_entropy` is the log-likelihood −Σ y·ln a of a softmax output, averaged over the batch.
 * Targets are always dense (one-hot for classes), so `sparse_cross_entropy` computes the same cost
 * as `cross_entropy`: the runtime turns class indices into one-hot rows when it loads the data.
 */
import * as tf from "@tensorflow/tfjs";
import type { LossSetting, Settled } from "../core/settings.js";

export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

/** Keeps log() finite for outputs that round to exactly 0 or 1 in float32. */
const EPSILON = 1e-7;

/** Sums every axis but the batch axis, then averages over the batch. */
function perExampleSumMean(x: tf.Tensor): tf.Scalar {
  const axes = x.shape.slice(1).map((_, i) => i + 1);
  return tf.mean(axes.length ? tf.sum(x, axes) : x);
}

export function lossFunction(setting: Settled<LossSetting>): LossFunction {
  switch (setting.kind) {
    case "quadratic":
      return (y, a) => tf.mul(0.5, perExampleSumMean(tf.square(tf.sub(y, a)))) as tf.Scalar;
    case "mse":
      return (y, a) => tf.mean(tf.square(tf.sub(y, a)));
    case "mae":
      return (y, a) => tf.mean(tf.abs(tf.sub(y, a)));
    case "huber": {
      const { delta } = setting;
      return (y, a) => tf.losses.huberLoss(y, a, undefined, delta) as tf.Scalar;
    }
    case "cross_entropy":
    case "sparse_cross_entropy":
      if (setting.fromLogits) {
        return (y, z) => perExampleSumMean(tf.neg(tf.mul(y, tf.logSoftmax(z))));
      }
      return (y, a) => perExampleSumMean(tf.neg(tf.mul(y, tf.log(tf.clipByValue(a, EPSILON, 1)))));
    case "binary_cross_entropy":
      if (setting.fromLogits) {
        // max(z, 0) − z·y + log(1 + e^−|z|): the stable form of the sigmoid cross-entropy.
        return (y, z) => perExampleSumMean(tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z))))));
      }
      return (y, a) => {
        const p = tf.clipByValue(a, EPSILON, 1 - EPSILON);
        return perExampleSumMean(tf.neg(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p))))));
      };
  }
}

/** The cost of a model's outputs: each output's loss, weighted, summed. */
export interface ModelLoss {
  /** `fromLogits`: the output is raw scores (its loss applies the sigmoid or softmax), not probabilities. */
  readonly outputs: readonly { readonly loss: LossFunction; readonly weight: number; readonly fromLogits: boolean }[];
}

/** Whether a loss takes raw scores (`from_logits: true`) rather than probabilities. */
export function takesLogits(setting: Settled<LossSetting>): boolean {
  return "fromLogits" in setting && setting.fromLogits === true;
}

/** Per model output, whether the network gives raw scores: its loss (one for every output, or one each) is from logits. */
export function logitOutputs(losses: readonly Settled<LossSetting>[], outputs: number): boolean[] {
  return Array.from({ length: outputs }, (_, i) => (losses.length === 0 ? false : takesLogits(losses[losses.length === 1 ? 0 : i])));
}

/** One loss for every output, or one per output; weights default to 1. */
export function modelLoss(losses: readonly Settled<LossSetting>[], weights: readonly number[] | null, outputs: number): ModelLoss {
  if (losses.length !== 1 && losses.length !== outputs) throw new Error(`${losses.length} losses for ${outputs} outputs; give one, or one per output`);
  if (weights && weights.length !== outputs) throw new Error(`${weights.length} loss weights for ${outputs} outputs; give one per output`);
  const functions = losses.map(lossFunction);
  const logits = logitOutputs(losses, outputs);
  return { outputs: Array.from({ length: outputs }, (_, i) => ({ loss: functions[losses.length === 1 ? 0 : i], weight: weights?.[i] ?? 1, fromLogits: logits[i] })) };
}

/** The total cost Σ wᵢ·Lᵢ(yᵢ, aᵢ) of one batch. */
export function totalLoss(loss: ModelLoss, targets: readonly tf.Tensor[], predictions: readonly tf.Tensor[]): tf.Scalar {
  const parts = loss.outputs.map((o, i) => (o.weight === 1 ? o.loss(targets[i], predictions[i]) : tf.mul(o.weight, o.loss(targets[i], predictions[i]))));
  return (parts.length === 1 ? parts[0] : tf.addN(parts)) as tf.Scalar;
}
