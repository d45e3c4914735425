/**
 * Every key a `train` block accepts: its value type, whether it is required, what it means and what
 * nnc uses when it is absent (from defaults.ts). The checker binds entries with these types;
 * completion and hover read the same table.
 */
import { INITIALIZER } from "../schema/initializers.js";
import { NON_NEGATIVE_FLOAT, POSITIVE_INT, type ValueType } from "../schema/types.js";
import { DATASET } from "./datasets.js";
import { EARLY_STOPPING_DEFAULTS, TRAINING_DEFAULTS } from "./defaults.js";
import { LOSSES_KEY } from "./losses.js";
import { OPTIMIZER } from "./optimizers.js";
import { SCHEDULE } from "./schedules.js";
import {
  CHECKPOINT,
  CLIP,
  EARLY_STOPPING,
  METRIC,
  MONITOR,
  NORMALIZE,
  OBJECTIVE,
  REGULARIZATION,
  TRANSFORM,
  TUNE,
  VOTE,
} from "./settings.js";

export const TRAINING_KEY_NAMES = [
  "data",
  "validation",
  "folds",
  "normalize",
  "loss",
  "loss_weights",
  "optimizer",
  "schedule",
  "regularization",
  "batch_size",
  "epochs",
  "early_stopping",
  "augment",
  "expand",
  "metrics",
  "ensemble",
  "vote",
  "init",
  "seed",
  "clip",
  "monitor",
  "checkpoint",
  "init_from",
  "freeze",
  "reinit",
  "tune",
  "objective",
  "repeats",
] as const;

export type TrainingKey = (typeof TRAINING_KEY_NAMES)[number];

export interface TrainingKeySpec {
  readonly name: TrainingKey;
  readonly type: ValueType;
  readonly required: boolean;
  /** One or two sentences, shown by hover and completion. */
  readonly doc: string;
  /** What nnc uses when the key is absent, in Markdown (defaults.ts); absent for required keys. */
  readonly default?: string;
}

/** A fraction of the training part in (0, 1), or a separate dataset. */
export const VALIDATION: ValueType = {
  kind: "union",
  what: "validation fraction or dataset",
  of: [{ kind: "float", range: { min: 0, max: 1, minExclusive: true, maxExclusive: true } }, DATASET],
};

/**
 * A list of layer labels. The checker replaces the empty `values` by the labels of the trained model,
 * so an unknown label is E100 with a suggestion among them.
 */
export const LAYER_LABELS: ValueType = { kind: "list", of: { kind: "enum", what: "layer label", values: [] } };

const TRANSFORMS: ValueType = { kind: "list", of: TRANSFORM };

const KEYS: readonly Omit<TrainingKeySpec, "default">[] = [
  {
    name: "data",
    type: DATASET,
    required: true,
    doc: "The dataset: `mnist(…)`, `adding_problem(…)`, user files (`idx`, `csv`, `npy`, `json`) or a folder of class subfolders (`images`). User sources may name `test:` and `validation:` parts.",
  },
  {
    name: "validation",
    type: VALIDATION,
    required: false,
    doc: "Validation data: a fraction of the training part (`0.1`) or a dataset. Replaces the dataset's own validation part; not together with a source's own `validation:` part.",
  },
  { name: "folds", type: { kind: "int", range: { min: 2 } }, required: false, doc: "k-fold cross-validation: train k times, each time validating on another fold; report the mean and standard deviation." },
  { name: "normalize", type: NORMALIZE, required: false, doc: "Input normalization, with statistics from the training part only: `none`, `standardize`, `minmax`." },
  {
    name: "loss",
    type: LOSSES_KEY,
    required: true,
    doc: "The cost function: `quadratic`, `mse`, `mae`, `huber(delta)`, `cross_entropy`, `binary_cross_entropy`, `sparse_cross_entropy`. One loss applies to every output; a list gives one per model output, in output order.",
  },
  {
    name: "loss_weights",
    type: { kind: "list", of: NON_NEGATIVE_FLOAT, minItems: 1 },
    required: false,
    doc: "For a model with several outputs: the weight of each output's loss in the total cost, one number per output, in output order. `val_loss` is the weighted total.",
  },
  { name: "optimizer", type: OPTIMIZER, required: true, doc: "`sgd(lr, momentum, nesterov)`, `adagrad`, `adadelta`, `rmsprop`, `adam`, `adamax`." },
  { name: "schedule", type: SCHEDULE, required: false, doc: "How the learning rate changes from epoch to epoch." },
  { name: "regularization", type: REGULARIZATION, required: false, doc: "`l2(λ)`, `l1(λ)` or `l1_l2(l1, l2)` on every layer's weights; a layer's own `l1:`/`l2:` overrides it." },
  { name: "batch_size", type: POSITIVE_INT, required: false, doc: "Examples per mini-batch." },
  { name: "epochs", type: POSITIVE_INT, required: false, doc: "Passes over the training data (an upper bound with early stopping)." },
  {
    name: "early_stopping",
    type: EARLY_STOPPING,
    required: false,
    doc: `\`patience(n, monitor, min_delta)\`: stop after n epochs without improvement and keep the best weights. The monitor defaults to \`${EARLY_STOPPING_DEFAULTS.monitor}\`, or \`${EARLY_STOPPING_DEFAULTS.severalOutputsMonitor}\` for a model with several outputs.`,
  },
  { name: "augment", type: TRANSFORMS, required: false, doc: "Random image transforms applied afresh every epoch: `shift`, `rotate`, `skew`, `elastic`. For a model with one image input." },
  {
    name: "expand",
    type: TRANSFORMS,
    required: false,
    doc: "Image transforms applied once to enlarge the training set (`shift(1)`: the four one-pixel shifts, 5× data). For a model with one image input.",
  },
  { name: "metrics", type: { kind: "list", of: METRIC }, required: false, doc: "What to report each epoch: `accuracy`, `loss`, `top_k(k)`, `mae`." },
  { name: "ensemble", type: POSITIVE_INT, required: false, doc: "Train n networks from different seeds and combine their predictions." },
  { name: "vote", type: VOTE, required: false, doc: "How an ensemble combines predictions: `majority` or `mean`." },
  { name: "init", type: INITIALIZER, required: false, doc: "The initializer of every layer that does not set its own." },
  { name: "seed", type: { kind: "int", range: { min: 0 } }, required: false, doc: "The random seed: the same seed on the same backend gives the same weights and metrics." },
  { name: "clip", type: CLIP, required: false, doc: "Gradient clipping: `norm(max)` or `value(max)`." },
  { name: "monitor", type: MONITOR, required: false, doc: "Per-layer statistics recorded each epoch: `gradient_norms`, `weight_norms`." },
  { name: "checkpoint", type: CHECKPOINT, required: false, doc: "`every(epochs)`: save checkpoints; a restarted training resumes from the last one." },
  { name: "init_from", type: { kind: "path" }, required: false, doc: "Load the initial weights from a saved model. The file may be written by an earlier training, so it is checked when training starts." },
  { name: "freeze", type: LAYER_LABELS, required: false, doc: "Labelled layers whose weights stay fixed (with `init_from`); at least one layer with weights must stay trainable." },
  { name: "reinit", type: LAYER_LABELS, required: false, doc: "Labelled layers initialised afresh instead of loaded (with `init_from`)." },
  { name: "tune", type: TUNE, required: false, doc: "Hyper-parameter search over the `choice`/`uniform`/`log_uniform`/`int_uniform` values: `grid`, `random(trials)`, `bayesian(trials)`." },
  {
    name: "objective",
    type: OBJECTIVE,
    required: false,
    doc: "How `tune` ranks trials: `maximize(val_accuracy)`, `minimize(val_loss)`. A model with several outputs is ranked by its loss (accuracy would not say which output's).",
  },
  {
    name: "repeats",
    type: POSITIVE_INT,
    required: false,
    doc: "With `tune`: train each trial k times, from the seeds seed, seed + 1, …, and rank the trials on the mean of the objective over the repeats (the first repeat's model is the trial's).",
  },
];

/** A key's entry with its default from defaults.ts, when it has one. */
function withDefault(key: Omit<TrainingKeySpec, "default">): TrainingKeySpec {
  const defaults: Partial<Record<TrainingKey, { readonly shown: string }>> = TRAINING_DEFAULTS;
  const shown = defaults[key.name]?.shown;
  return shown === undefined ? key : { ...key, default: shown };
}

export const TRAINING_KEYS: readonly TrainingKeySpec[] = KEYS.map(withDefault);

/** Looks a key up by name. */
export function trainingKey(name: string): TrainingKeySpec | undefined {
  return TRAINING_KEYS.find((k) => k.name === name);
}
