/**
 * What nnc uses for each training key left out: the value resolve.ts fills in, and the words hover,
 * completion and the key table of docs/training.md show for it (test/training/defaults.test.ts
 * holds the docs to this table). The defaults of a constructor's arguments (an optimizer's `beta1`,
 * a schedule's `factor`, a dataset's `train`) are written once, in its signature, which hover shows
 * the same way; early stopping's are taken from here.
 */
import type { Targets } from "./dataset-info.js";
import type { TrainingKey } from "./keys.js";
import { objectiveFor, type MetricSetting, type ObjectiveSetting, type ResolvedTraining } from "./resolved.js";

/** A key's default: `shown` is Markdown, as in the docs' key table. */
interface KeyDefault {
  readonly shown: string;
}

/** A default that is one fixed value; the ones not listed here depend on the training. */
interface FixedDefault<T> extends KeyDefault {
  readonly value: T;
}

const fixed = <T>(value: T, shown: string): FixedDefault<T> => ({ value, shown });

export const BATCH_SIZE = fixed(32, "32");
export const EPOCHS = fixed(10, "10");
export const ENSEMBLE = fixed(1, "1");
export const REPEATS = fixed(1, "1");
export const NORMALIZE = fixed<ResolvedTraining["normalize"]>("none", "`none`");
export const SCHEDULE = fixed<ResolvedTraining["schedule"]>({ kind: "constant" }, "`constant`");

/** Early stopping's arguments: `patience(n)` watches this unless told otherwise. */
export const EARLY_STOPPING_DEFAULTS = {
  monitor: "val_accuracy",
  /** A model with several outputs has one accuracy per output, so it watches the weighted total loss. */
  severalOutputsMonitor: "val_loss",
  minDelta: 0,
} as const;

/** The keys a training must give (E103): they have no default. */
export type RequiredKey = "data" | "loss" | "optimizer";

/** Every optional key's default, as shown. */
export const TRAINING_DEFAULTS: Readonly<Record<Exclude<TrainingKey, RequiredKey>, KeyDefault>> = {
  validation: { shown: "the source's own validation part, if any" },
  folds: { shown: "no cross-validation" },
  normalize: NORMALIZE,
  loss_weights: { shown: "1 for every output" },
  schedule: SCHEDULE,
  regularization: { shown: "none" },
  batch_size: BATCH_SIZE,
  epochs: EPOCHS,
  early_stopping: { shown: "none" },
  augment: { shown: "`[]`" },
  expand: { shown: "`[]`" },
  metrics: { shown: "accuracy for class outputs, mae for real-valued ones" },
  ensemble: ENSEMBLE,
  vote: { shown: "`majority` (`mean` when the targets are known to be real values)" },
  init: { shown: "each layer's own" },
  seed: { shown: "a random seed, written in the report" },
  clip: { shown: "none" },
  monitor: { shown: "`[]`" },
  checkpoint: { shown: "none" },
  init_from: { shown: "none" },
  freeze: { shown: "`[]`" },
  reinit: { shown: "`[]`" },
  tune: { shown: "no search" },
  objective: { shown: "with `tune`: `maximize(val_accuracy)` for class targets of one output, else `minimize(val_loss)`" },
  repeats: REPEATS,
};

/** Accuracy for class targets, mae for real values; null when only the data will tell (user files), which the runtime decides the same way per output. */
export function defaultMetrics(targets: Targets): MetricSetting[] | null {
  if (targets.kind === "classes") return [{ kind: "accuracy" }];
  return targets.kind === "regression" ? [{ kind: "mae" }] : null;
}

/** Real-valued outputs are averaged; classes take the majority. */
export function defaultVote(targets: Targets): "majority" | "mean" {
  return targets.kind === "regression" ? "mean" : "majority";
}

/**
 * Accuracy for class targets of one output; the loss otherwise (several outputs have one accuracy
 * each). Null when only the data will tell (a user file without `classes` or `targets`, whose labels
 * may be class names): the runtime then applies the same rule (`objectiveFor`) once the training
 * part is read, as it does for `metrics`.
 */
export function defaultObjective(targets: Targets, severalOutputs: boolean): ObjectiveSetting | null {
  if (severalOutputs) return objectiveFor([false, false]);
  if (targets.kind === "unknown") return null;
  return objectiveFor([targets.kind === "classes"]);
}
