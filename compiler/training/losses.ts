/**
 * The cost functions a training minimizes (`loss:`). `quadratic` is the lectures' ½‖y − a‖² summed over
 * the output units; `cross_entropy` is the log-likelihood cost of a softmax output.
 */
import { BOOL, POSITIVE_FLOAT, type ParamSpec, type Signature, type ValueType } from "../schema/types.js";
import { flag, num } from "../schema/values.js";

const fromLogits = (activation: string): ParamSpec => ({
  name: "from_logits",
  type: BOOL,
  default: flag(false),
  doc: `the output is raw scores (no ${activation}); the loss applies ${activation} itself, which is numerically safer`,
});

export const LOSSES: readonly Signature[] = [
  { name: "quadratic", doc: "½‖y − a‖², summed over the output units and averaged over the batch.", params: [] },
  { name: "mse", doc: "The mean squared error over the output units.", params: [] },
  { name: "mae", doc: "The mean absolute error over the output units.", params: [] },
  {
    name: "huber",
    doc: "Squared error for small errors, absolute error beyond `delta`.",
    params: [{ name: "delta", type: POSITIVE_FLOAT, default: num(1), doc: "where the cost turns from quadratic to linear" }],
  },
  {
    name: "cross_entropy",
    doc: "Categorical cross-entropy, the log-likelihood cost of a softmax output; targets are one-hot.",
    params: [fromLogits("softmax")],
  },
  {
    name: "binary_cross_entropy",
    doc: "Cross-entropy of independent sigmoid outputs, each a probability in (0, 1).",
    params: [fromLogits("sigmoid")],
  },
  {
    name: "sparse_cross_entropy",
    doc: "Categorical cross-entropy with targets given as class indices instead of one-hot vectors.",
    params: [fromLogits("softmax")],
  },
];

export const LOSS: ValueType = { kind: "ctor", what: "loss", ctors: LOSSES };

/** The `loss` key: one loss for every output, or a list with one per model output. */
export const LOSSES_KEY: ValueType = { kind: "union", what: "loss or list of losses", of: [LOSS, { kind: "list", of: LOSS, minItems: 1 }] };

/** Losses that compare class probabilities: they need class targets. */
export const CLASSIFICATION_LOSSES: readonly string[] = ["cross_entropy", "binary_cross_entropy", "sparse_cross_entropy"];

/** The activation an output needs for each cross-entropy loss (unless `from_logits: true`). */
export const OUTPUT_ACTIVATION_FOR: Readonly<Record<string, string>> = {
  cross_entropy: "softmax",
  sparse_cross_entropy: "softmax",
  binary_cross_entropy: "sigmoid",
};

/** Squared-error costs, which learn slowly on saturating outputs (W403). */
export const QUADRATIC_LOSSES: readonly string[] = ["quadratic", "mse"];
