/**
 * Metrics reported per epoch. Each returns, for one batch, the sum over its examples, so that an
 * epoch's value is the exact mean over examples whatever the batch sizes. A metric belongs to one
 * model output; with several outputs it is named after it (`kind_accuracy`), and each output's own
 * loss is reported too (`kind_loss`).
 */
import * as tf from "@tensorflow/tfjs";
import type { MetricSetting, Settled } from "../core/settings.js";
import type { ModelLoss } from "./losses.js";
import { DataError } from "../data/examples.js";

export interface Metric {
  /** The key in reports: `accuracy`, `top_5`, `mae`, `kind_accuracy`. */
  readonly name: string;
  /** The model output it measures. */
  readonly output: number;
  /** Sum over the batch's examples of the metric. */
  sum(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar;
}

/** What a metric's definition needs of a batch: how to score one output. */
type Score = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

/** [batch, steps, units]: a class output with one prediction per step ([batch, units] has one step). */
function steps(x: tf.Tensor): tf.Tensor3D {
  const units = x.shape[x.shape.length - 1] ?? 1;
  return x.reshape([x.shape[0], -1, x.rank === 1 ? 1 : units]) as tf.Tensor3D;
}

/**
 * Class accuracy: the argmax over the class axis (the last) matches, averaged over an example's
 * steps; for a single output unit, a > 0.5 against the 0/1 target. A unit that gives a logit z
 * (a `from_logits` loss) says the second class when z > 0, which is sigmoid(z) > 0.5; the argmax
 * is the same for scores as for their softmax.
 */
function accuracy(fromLogits: boolean): Score {
  const threshold = fromLogits ? 0 : 0.5;
  return (yTrue, yPred) => {
    const t = steps(yTrue);
    const p = steps(yPred);
    const hits = p.shape[2] === 1 ? tf.equal(tf.greater(p, threshold), tf.greater(t, 0.5)).squeeze([2]) : tf.equal(tf.argMax(p, 2), tf.argMax(t, 2));
    return tf.sum(tf.mean(tf.cast(hits, "float32"), 1));
  };
}

/** The true class is among the k highest outputs, averaged over an example's steps. */
function topK(k: number): Score {
  return (yTrue, yPred) => {
    const p = steps(yPred);
    const labels = tf.argMax(steps(yTrue), 2);
    const { indices } = tf.topk(p, Math.min(k, p.shape[2]));
    return tf.sum(tf.mean(tf.cast(tf.any(tf.equal(indices, tf.expandDims(labels, 2)), 2), "float32"), 1));
  };
}

/** Mean absolute error per example (averaged over its values). */
const mae: Score = (yTrue, yPred) => tf.sum(tf.mean(tf.abs(tf.sub(yTrue, yPred)).reshape([yTrue.shape[0], -1]), 1));

/** What the metrics are asked to measure about each output. */
export interface OutputFacts {
  readonly name: string;
  /** Whether its targets are classes (accuracy and top_k measure only those, with several outputs). */
  readonly classes: boolean;
}

/**
 * The metrics a training reports besides the loss, which is always reported. With one output they
 * are named as written; with several, every metric is reported for each output it fits (accuracy
 * and top_k for class outputs, mae for every output), prefixed with the output's name, beside each
 * output's own loss. Without settings (null), each output gets accuracy when its targets are
 * classes and mae otherwise.
 */
export function metricsFor(settings: readonly Settled<MetricSetting>[] | null, outputs: readonly OutputFacts[], loss: ModelLoss): Metric[] {
  checkClassMetrics(settings, outputs);
  const out: Metric[] = [];
  const several = outputs.length > 1;
  const add = (name: string, output: number, sum: Score): void => {
    if (!out.some((o) => o.name === name)) out.push({ name, output, sum });
  };
  outputs.forEach((facts, i) => {
    const prefix = several ? `${facts.name}_` : "";
    if (several) {
      const own = loss.outputs[i].loss;
      add(`${prefix}loss`, i, (y, a) => tf.mul(own(y, a), y.shape[0]) as tf.Scalar);
    }
    for (const s of settings ?? [{ kind: facts.classes ? "accuracy" : "mae" } as const]) {
      if (s.kind === "loss") continue;
      if (several && s.kind !== "mae" && !facts.classes) continue;
      if (s.kind === "accuracy") add(`${prefix}accuracy`, i, accuracy(loss.outputs[i].fromLogits));
      else if (s.kind === "mae") add(`${prefix}mae`, i, mae);
      else if (s.kind === "top_k") add(`${prefix}top_${s.k}`, i, topK(s.k));
    }
  });
  return out;
}

/**
 * A listed `accuracy` or `top_k` that no output's targets can give (they are all real values) is an
 * error, raised before any epoch runs: a count of values above 0.5 would be reported as if it were
 * an accuracy. The checker says so when the data source states it (`targets: k`); only reading the
 * data tells for labels that are plain numbers.
 */
function checkClassMetrics(settings: readonly Settled<MetricSetting>[] | null, outputs: readonly OutputFacts[]): void {
  if (!settings || outputs.some((o) => o.classes)) return;
  const needClasses = settings.flatMap((s) => (s.kind === "accuracy" ? ["accuracy"] : s.kind === "top_k" ? [`top_k(${s.k})`] : []));
  if (needClasses.length === 0) return;
  const which = outputs.length === 1 ? `the targets of output \`${outputs[0].name}\` are` : `the targets of every output (${outputs.map((o) => `\`${o.name}\``).join(", ")}) are`;
  throw new DataError(
    `\`metrics\` lists ${needClasses.join(" and ")}, which ${needClasses.length === 1 ? "needs" : "need"} class targets, but ${which} real values (its labels are numbers that the run reads as values, not as classes); list \`mae\` or \`loss\` in \`metrics\` instead, or give the data source \`classes: [...]\` if the labels are classes`,
  );
}
