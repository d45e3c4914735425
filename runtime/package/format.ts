/**
 * The model package: what a run folder holds so a trained model can be used without its `.nn`
 * source. `nnc-package.json` describes it (docs/model-package.md is the reference); the weights are
 * TensorFlow.js layers files (`model.json` + `weights.bin`) that plain tfjs loads, with
 * `nnc-layers.mjs` beside them when the model has layers tfjs lacks (`l2pool`).
 *
 * - `kind: "model"`: one network. `model` is the path of its `model.json`, relative to the
 *   package's folder (a search's run folder points into its best trial's folder).
 * - `kind: "ensemble"`: several networks, each a `kind: "model"` package in its own folder
 *   (`member-1/`, or `fold-1/` for k-fold runs), and how their outputs are combined.
 *
 * Both list the inputs (name, shape, dtype) and outputs (name, shape, class names), and the data
 * source the training read, so `nnc evaluate` can read its test part again and `nnc predict` can
 * read new files of the same layout.
 */
import type { InputPreprocessing } from "../data/examples.js";
import type { DataSetting, LossSetting, MetricSetting, Settled } from "../core/settings.js";
import type { Vote } from "../core/vote.js";

export const PACKAGE_FILE = "nnc-package.json";
export const PACKAGE_FORMAT = "nnc-model-package";
export const PACKAGE_VERSION = 1;

export interface PackageInput {
  readonly name: string;
  /** Per-example shape; null where the model accepts any size (a sequence length). */
  readonly shape: readonly (number | null)[];
  readonly dtype: "float32" | "int32";
  /** What to do to raw values before the model sees them (statistics of the training part). */
  readonly preprocessing: InputPreprocessing;
}

export interface PackageOutput {
  readonly name: string;
  readonly shape: readonly (number | null)[];
  /** Class names in index order when the output predicts classes; null for real values. */
  readonly classes: readonly string[] | null;
  /**
   * True when the network's output is raw scores (logits: the training's loss had `from_logits:
   * true`), which become probabilities through a sigmoid (one unit) or a softmax (the last axis);
   * false when it gives probabilities or real values. Absent in packages of an older nnc, whose
   * `evaluation.loss` says the same.
   */
  readonly logits?: boolean;
}

/**
 * The training's data source, to read its test part again or new files of the same layout. A
 * package is written from a settled training (a search's from its best trial), so its settings
 * hold chosen values, never search spaces.
 */
export interface PackageData {
  readonly source: Settled<DataSetting>;
  /** The absolute folder its relative paths start from (the `.nn` file's folder). */
  readonly baseDir: string;
  /** The seed of its fraction splits. */
  readonly splitSeed: number;
  /** The training's seed (generated data sets such as `adding_problem` are drawn from it). */
  readonly seed: number;
  /** `--limit` of the training: every part was cut to this many examples; null for none. */
  readonly limit: number | null;
  /** The `normalize` setting (statistics are per input, under `inputs`). */
  readonly normalize: "none" | "standardize" | "minmax";
}

export interface PackageEvaluation {
  /** One loss for every output, or one per output. */
  readonly loss: readonly Settled<LossSetting>[];
  readonly lossWeights: readonly number[] | null;
  /** null: accuracy for class outputs, mae for the others. */
  readonly metrics: readonly Settled<MetricSetting>[] | null;
}

interface PackageCommon {
  readonly format: typeof PACKAGE_FORMAT;
  readonly version: typeof PACKAGE_VERSION;
  /** The training's label and its source file, as named when it was compiled. */
  readonly label: string;
  readonly source: string;
  readonly createdBy: string;
  readonly inputs: readonly PackageInput[];
  readonly outputs: readonly PackageOutput[];
  readonly data: PackageData;
  /** What the training measured, so evaluation computes the same numbers. */
  readonly evaluation: PackageEvaluation;
  /** The test metrics the training reported, for reference; null without test data. */
  readonly test: Readonly<Record<string, number>> | null;
  /**
   * Present (true) when the training was interrupted (Ctrl-C): the model holds the weights of its
   * last completed epoch (early stopping's best so far), not of a finished run, and `test` is null.
   * Running the training again resumes it and writes the package without this key.
   */
  readonly interrupted?: true;
}

export interface ModelPackageFile extends PackageCommon {
  readonly kind: "model";
  /** Path of the tfjs `model.json`, relative to this file's folder. */
  readonly model: string;
  /** The file registering custom layers for plain tfjs (`nnc-layers.mjs`), or null when none are used. */
  readonly customLayers: string | null;
}

export interface EnsemblePackageFile extends PackageCommon {
  readonly kind: "ensemble";
  readonly vote: Vote;
  /** Folders (relative to this file's) each holding a `kind: "model"` package. */
  readonly members: readonly string[];
}

export type PackageFile = ModelPackageFile | EnsemblePackageFile;

/** A run folder that is not a usable package: missing, unreadable, or of another format version. */
export class PackageError extends Error {
  override readonly name = "PackageError";
}
