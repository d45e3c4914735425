/**
 * The value types of the smaller training keys: regularization, early stopping, data augmentation,
 * metrics, ensembles, gradient clipping, monitoring, checkpoints, hyper-parameter search and input
 * normalization.
 */
import { NON_NEGATIVE_FLOAT, INT, POSITIVE_FLOAT, POSITIVE_INT, type Signature, type ValueType } from "../schema/types.js";
import { named, num } from "../schema/values.js";
import { EARLY_STOPPING_DEFAULTS } from "./defaults.js";

/** The quantities a training can watch: early stopping, `on_plateau` and `objective` name one. */
export const MONITORED_NAMES = ["val_accuracy", "val_loss", "accuracy", "loss"] as const;
export type MonitoredName = (typeof MONITORED_NAMES)[number];
export const MONITORED: ValueType = { kind: "enum", what: "monitored metric", values: MONITORED_NAMES };

/** Whether a monitored quantity is measured on validation data. */
export function isValidationMetric(name: string): boolean {
  return name.startsWith("val_");
}

/** Whether a monitored quantity is a loss (lower is better) rather than an accuracy. */
export function isLossMetric(name: string): boolean {
  return name.endsWith("loss");
}

const lambda = (doc: string): Signature["params"][number] => ({ name: "lambda", type: NON_NEGATIVE_FLOAT, required: true, doc });

export const REGULARIZERS: readonly Signature[] = [
  { name: "l2", doc: "Weight decay: the cost plus λ/(2n)·Σw², n the number of training examples; weights only.", params: [lambda("the regularization parameter λ")] },
  { name: "l1", doc: "The cost plus λ/n·Σ|w|; weights only.", params: [lambda("the regularization parameter λ")] },
  {
    name: "l1_l2",
    doc: "Both penalties: the cost plus l1/n·Σ|w| + l2/(2n)·Σw².",
    params: [
      { name: "l1", type: NON_NEGATIVE_FLOAT, required: true, doc: "the L1 parameter" },
      { name: "l2", type: NON_NEGATIVE_FLOAT, required: true, doc: "the L2 parameter" },
    ],
  },
];
export const REGULARIZATION: ValueType = { kind: "ctor", what: "regularizer", ctors: REGULARIZERS };

export const EARLY_STOPPING_RULES: readonly Signature[] = [
  {
    name: "patience",
    doc: "Stop when the monitored metric has not improved for `n` epochs, and keep the best weights.",
    params: [
      { name: "n", type: POSITIVE_INT, required: true, doc: "epochs without improvement before stopping" },
      {
        name: "monitor",
        type: MONITORED,
        default: named(EARLY_STOPPING_DEFAULTS.monitor),
        doc: `the metric to watch; when not given, \`${EARLY_STOPPING_DEFAULTS.severalOutputsMonitor}\` for a model with several outputs`,
      },
      { name: "min_delta", type: NON_NEGATIVE_FLOAT, default: num(EARLY_STOPPING_DEFAULTS.minDelta), doc: "the smallest change that counts as an improvement" },
    ],
  },
];
export const EARLY_STOPPING: ValueType = { kind: "ctor", what: "early-stopping rule", ctors: EARLY_STOPPING_RULES };

export const TRANSFORMS: readonly Signature[] = [
  { name: "shift", doc: "Shift the image by up to `pixels` in each direction.", params: [{ name: "pixels", type: POSITIVE_INT, required: true, doc: "the largest shift" }] },
  {
    name: "rotate",
    doc: "Rotate the image by up to ±`degrees`.",
    params: [{ name: "degrees", type: { kind: "float", range: { min: 0, max: 180, minExclusive: true } }, required: true, doc: "the largest angle" }],
  },
  { name: "skew", doc: "Shear the image by up to `amount` (a fraction of its width).", params: [{ name: "amount", type: POSITIVE_FLOAT, required: true, doc: "the largest shear" }] },
  {
    name: "elastic",
    doc: "Elastic distortion (Simard et al.): random displacements smoothed by a Gaussian.",
    params: [
      { name: "alpha", type: POSITIVE_FLOAT, required: true, doc: "the scale of the displacements, in pixels" },
      { name: "sigma", type: POSITIVE_FLOAT, required: true, doc: "the standard deviation of the smoothing Gaussian" },
    ],
  },
];
export const TRANSFORM: ValueType = { kind: "ctor", what: "image transform", ctors: TRANSFORMS };

export const METRICS: readonly Signature[] = [
  { name: "accuracy", doc: "The fraction of examples whose most likely class is the target's.", params: [] },
  { name: "loss", doc: "The cost, without regularization terms.", params: [] },
  { name: "top_k", doc: "The fraction of examples whose target is among the k most likely classes.", params: [{ name: "k", type: POSITIVE_INT, required: true, doc: "how many classes count" }] },
  { name: "mae", doc: "The mean absolute error.", params: [] },
];
export const METRIC: ValueType = { kind: "ctor", what: "metric", ctors: METRICS };

export const VOTE: ValueType = { kind: "enum", what: "vote", values: ["majority", "mean"] };

export const CLIPS: readonly Signature[] = [
  { name: "norm", doc: "Rescale each gradient so its L2 norm is at most `max`.", params: [{ name: "max", type: POSITIVE_FLOAT, required: true, doc: "the largest norm" }] },
  { name: "value", doc: "Clip each gradient component to [−max, max].", params: [{ name: "max", type: POSITIVE_FLOAT, required: true, doc: "the largest magnitude" }] },
];
export const CLIP: ValueType = { kind: "ctor", what: "gradient clipping", ctors: CLIPS };

export const MONITOR_KINDS = ["gradient_norms", "weight_norms"] as const;
export const MONITOR: ValueType = { kind: "list", of: { kind: "enum", what: "monitor", values: MONITOR_KINDS } };

export const CHECKPOINTS: readonly Signature[] = [
  { name: "every", doc: "Save the weights and optimizer state every `epochs` epochs; a restarted training resumes from the last one.", params: [{ name: "epochs", type: POSITIVE_INT, required: true, doc: "epochs between checkpoints" }] },
];
export const CHECKPOINT: ValueType = { kind: "ctor", what: "checkpoint rule", ctors: CHECKPOINTS };

/** `trials` is checked by the search-space rule (E304), so its type has no range. */
const trials = { name: "trials", type: INT, required: true, doc: "how many trainings to run" };
export const TUNERS: readonly Signature[] = [
  { name: "grid", doc: "Try every combination of the `choice(…)` and `int_uniform(…)` values.", params: [] },
  { name: "random", doc: "Sample every search space independently, `trials` times.", params: [trials] },
  { name: "bayesian", doc: "Model-based search: each trial is chosen from a model of the results so far.", params: [trials] },
];
export const TUNE: ValueType = { kind: "ctor", what: "search strategy", ctors: TUNERS };

export const OBJECTIVES: readonly Signature[] = [
  { name: "maximize", doc: "Rank trials by this metric, highest first.", params: [{ name: "metric", type: MONITORED, required: true, doc: "the metric" }] },
  { name: "minimize", doc: "Rank trials by this metric, lowest first.", params: [{ name: "metric", type: MONITORED, required: true, doc: "the metric" }] },
];
export const OBJECTIVE: ValueType = { kind: "ctor", what: "objective", ctors: OBJECTIVES };

export const NORMALIZE: ValueType = { kind: "enum", what: "normalization", values: ["none", "standardize", "minmax"] };
