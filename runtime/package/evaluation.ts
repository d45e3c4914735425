/**
 * A package's metrics on labelled examples: the numbers its training reported on its test part
 * (the same loss and metrics for one network, the vote's metrics for an ensemble), and for each
 * class output a confusion matrix with per-class precision, recall and F1.
 */
import type { Examples } from "../data/examples.js";
import { applyPreprocessing } from "../data/load.js";
import { evaluate } from "../train/evaluate.js";
import { modelLoss } from "../train/losses.js";
import { metricsFor } from "../train/metrics.js";
import { trueClasses, voteMetrics } from "../core/vote.js";
import { combine, networkOutputs, type Predictor } from "./predictor.js";

export interface ClassScores {
  readonly class: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** How many examples (rows) truly are of this class. */
  readonly support: number;
}

export interface ClassReport {
  readonly output: string;
  readonly classes: readonly string[];
  /** `confusion[t][p]`: rows of true class t predicted as p. */
  readonly confusion: readonly (readonly number[])[];
  readonly perClass: readonly ClassScores[];
  readonly accuracy: number;
  /** Unweighted means over classes, and means weighted by support. */
  readonly macro: { readonly precision: number; readonly recall: number; readonly f1: number };
  readonly weighted: { readonly precision: number; readonly recall: number; readonly f1: number };
}

export interface Evaluation {
  readonly count: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly classes: readonly ClassReport[];
}

export function evaluatePredictor(predictor: Predictor, data: Examples): Evaluation {
  const { pkg } = predictor;
  const perNetwork = networkOutputs(predictor, data.inputs, data.count);
  let metrics: Record<string, number>;
  if (pkg.kind === "model") {
    // The training's own evaluation, on inputs prepared as the training prepared them.
    const network = predictor.networks[0];
    const prepared = { ...data, inputs: data.inputs.map((c, i) => ({ ...c, values: applyPreprocessing(c.values, network.pkg.inputs[i].preprocessing) })) };
    const loss = modelLoss(pkg.evaluation.loss, pkg.evaluation.lossWeights, pkg.outputs.length);
    const facts = pkg.outputs.map((o) => ({ name: o.name, classes: o.classes !== null }));
    metrics = evaluate(network.model, prepared, loss, metricsFor(pkg.evaluation.metrics, facts, loss), pkg.inputs.map((i) => i.dtype));
  } else {
    metrics = voteMetrics(perNetwork, data.targets, pkg.outputs.map((o) => o.name), pkg.vote);
  }
  const predictions = combine(pkg, perNetwork, data.count);
  const classes = predictions.flatMap((p, o) => (p.classes && p.predicted ? [classReport(p.name, p.classes, trueClasses(data.targets[o]), p.predicted)] : []));
  return { count: data.count, metrics, classes };
}

/** The confusion matrix and per-class scores of predicted against true classes. */
export function classReport(output: string, classes: readonly string[], truth: Int32Array, predicted: Int32Array): ClassReport {
  const n = classes.length;
  const confusion = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let r = 0; r < truth.length; r++) confusion[truth[r]][predicted[r]]++;
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const perClass = classes.map((name, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((a, row) => a + row[c], 0);
    const precision = ratio(tp, predictedAs);
    const recall = ratio(tp, support);
    return { class: name, precision, recall, f1: ratio(2 * precision * recall, precision + recall), support };
  });
  const total = truth.length;
  const correct = classes.reduce((a, _, c) => a + confusion[c][c], 0);
  const mean = (key: "precision" | "recall" | "f1", weighted: boolean) =>
    weighted ? ratio(perClass.reduce((a, s) => a + s[key] * s.support, 0), total) : ratio(perClass.reduce((a, s) => a + s[key], 0), n);
  return {
    output,
    classes,
    confusion,
    perClass,
    accuracy: ratio(correct, total),
    macro: { precision: mean("precision", false), recall: mean("recall", false), f1: mean("f1", false) },
    weighted: { precision: mean("precision", true), recall: mean("recall", true), f1: mean("f1", true) },
  };
}
