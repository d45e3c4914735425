/**
 * Metrics reported per epoch. Each returns, for one batch, the sum over its examples, so that an
 * epoch's value is the exact mean over examples whatever the batch sizes.
 */
import * as tf from "@tensorflow/tfjs";
import type { MetricSetting } from "../settings.js";
import { settled } from "../settings.js";

export interface Metric {
  /** The key in reports: `accuracy`, `top_5`, `mae`. */
  readonly name: string;
  /** Sum over the batch's examples of the metric. */
  sum(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar;
}

function rows(x: tf.Tensor): tf.Tensor2D {
  return x.reshape([x.shape[0], -1]) as tf.Tensor2D;
}

/** Class accuracy: argmax match, or for a single output unit, a > 0.5 against the 0/1 target. */
const accuracy: Metric = {
  name: "accuracy",
  sum(yTrue, yPred) {
    const t = rows(yTrue);
    const p = rows(yPred);
    if (p.shape[1] === 1) return tf.sum(tf.cast(tf.equal(tf.greater(p, 0.5), tf.greater(t, 0.5)), "float32"));
    return tf.sum(tf.cast(tf.equal(tf.argMax(p, 1), tf.argMax(t, 1)), "float32"));
  },
};

function topK(k: number): Metric {
  return {
    name: `top_${k}`,
    sum(yTrue, yPred) {
      const p = rows(yPred);
      const labels = tf.argMax(rows(yTrue), 1);
      const { indices } = tf.topk(p, Math.min(k, p.shape[1]));
      return tf.sum(tf.cast(tf.any(tf.equal(indices, tf.expandDims(labels, 1)), 1), "float32"));
    },
  };
}

/** Mean absolute error per example (averaged over its units). */
const mae: Metric = {
  name: "mae",
  sum(yTrue, yPred) {
    return tf.sum(tf.mean(tf.abs(tf.sub(rows(yTrue), rows(yPred))), 1));
  },
};

/** The metrics a training reports besides the loss, which is always reported. */
export function metricsFor(settings: readonly MetricSetting[]): Metric[] {
  const out: Metric[] = [];
  for (const s of settings) {
    const m = s.kind === "accuracy" ? accuracy : s.kind === "mae" ? mae : s.kind === "top_k" ? topK(settled(s.k, "metrics.top_k")) : undefined;
    if (m && !out.some((o) => o.name === m.name)) out.push(m);
  }
  return out;
}
