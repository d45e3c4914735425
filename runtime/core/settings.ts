/**
 * A training with every setting resolved: what code generation turns into a typed constant and the
 * runtime executes. It is plain JSON data (no `undefined`, no maps): an absent optional setting is
 * `null`, names are string tags, and a search space stays where the user wrote it, as a
 * `SearchSpec` in place of the value; `search` lists them all with their paths.
 *
 * Defaults nnc chooses where the language brief is silent:
 * - `batch_size` 32, `epochs` 10, `schedule` constant, `normalize` none, `ensemble` 1,
 *   `vote` majority;
 * - `metrics` [accuracy] for class targets, [mae] for regression targets, null (the same, per
 *   output, once the data is read) when the targets come from a user file;
 * - `seed` null (a fresh random seed), `init` null (each layer's own initializer);
 * - `regularization`, `early_stopping`, `clip`, `checkpoint`, `folds`, `tune` null; `augment`,
 *   `expand`, `monitor`, `freeze`, `reinit` empty;
 * - `validation`: the dataset's own validation part (`mnist` 10,000 images, `adding_problem` 1,000
 *   sequences); a `validation:` key replaces it, and the dataset's part is then 0;
 * - `objective` with `tune`: maximize(val_accuracy) for class targets, minimize(val_loss) otherwise;
 *   null without `tune`;
 * - `adding_problem`: train 10,000, validation 1,000, test 1,000 sequences;
 * - step and multistep schedules: factor 0.1; `on_plateau`: monitor val_loss, patience 10, factor 0.1,
 *   min_lr 0; `cosine`: min_lr 0; `warmup`: then constant.
 * `data`, `loss` and `optimizer` are required (E103); `sgd` requires `lr`.
 */

/** A hyper-parameter search space in place of a value. */
export type SearchSpec<T> =
  | { readonly search: "choice"; readonly options: readonly T[] }
  | { readonly search: "uniform" | "log_uniform" | "int_uniform"; readonly low: number; readonly high: number };

/** A value, or a search space over such values. */
export type Tunable<T> = T | SearchSpec<T>;

type N = Tunable<number>;
type B = Tunable<boolean>;
type S = Tunable<string>;

export type MonitoredName = "val_accuracy" | "val_loss" | "accuracy" | "loss";

/** A class list: a count (the classes are 0…n−1), or the class names in index order. */
export type ClassesSetting = number | readonly string[];

/**
 * A user source's test or validation part: a fraction of its training file (a split seeded by the
 * training's `seed`, 0 without one), or files of its own with the same layout as the training
 * files: csv, json and images one path; idx [images, labels]; npy the x paths then the y paths.
 */
export type PartSetting = { readonly kind: "fraction"; readonly fraction: number } | { readonly kind: "files"; readonly paths: readonly string[] };

/** The parts every user source may name besides its training files. */
export interface UserParts {
  readonly test: PartSetting | null;
  readonly validation: PartSetting | null;
}

export type ColorMode = "grayscale" | "rgb" | "rgba";

export type DataSetting =
  | { readonly kind: "mnist"; readonly train: N; readonly validation: N; readonly test: N; readonly flat: B }
  | { readonly kind: "adding_problem"; readonly length: N; readonly train: N; readonly validation: N; readonly test: N }
  | ({ readonly kind: "idx"; readonly images: S; readonly labels: S; readonly shape: readonly N[] | null; readonly classes: ClassesSetting | null } & UserParts)
  | ({
      readonly kind: "csv";
      readonly path: S;
      /** The label columns, one per model output: a column name, or a 0-based column index. */
      readonly label: readonly (string | number)[];
      /** The feature columns' counts, one per model input, taken left to right; null: every other column, for one input. */
      readonly features: readonly N[] | null;
      readonly classes: ClassesSetting | null;
      readonly targets: N | null;
    } & UserParts)
  | ({
      readonly kind: "npy";
      /** One file per model input. */
      readonly x: readonly S[];
      /** One file per model output. */
      readonly y: readonly S[];
      readonly shape: readonly N[] | null;
      readonly classes: ClassesSetting | null;
      readonly targets: N | null;
    } & UserParts)
  | ({ readonly kind: "json"; readonly path: S; readonly shape: readonly N[] | null; readonly classes: ClassesSetting | null; readonly targets: N | null } & UserParts)
  | ({
      readonly kind: "images";
      /** A folder with one subfolder of images per class. */
      readonly path: S;
      /** [height, width] every image is resized to; null: the images' own size, the same for all. */
      readonly size: readonly [N, N] | null;
      readonly color: ColorMode;
      /** Each pixel value 0…255 is multiplied by this. */
      readonly scale: N;
      readonly classes: readonly string[] | null;
    } & UserParts);

export type ValidationSetting =
  /** No validation data. */
  | { readonly kind: "none" }
  /** The dataset's own validation part (`mnist(validation: 10000)`). */
  | { readonly kind: "dataset_part" }
  /** A fraction of the training part, taken from its end. */
  | { readonly kind: "fraction"; readonly fraction: N }
  | { readonly kind: "dataset"; readonly data: Tunable<DataSetting> };

export type LossSetting =
  | { readonly kind: "quadratic" | "mse" | "mae" }
  | { readonly kind: "huber"; readonly delta: N }
  | { readonly kind: "cross_entropy" | "binary_cross_entropy" | "sparse_cross_entropy"; readonly fromLogits: B };

export type OptimizerSetting =
  | { readonly kind: "sgd"; readonly lr: N; readonly momentum: N; readonly nesterov: B }
  | { readonly kind: "adagrad"; readonly lr: N }
  | { readonly kind: "adadelta"; readonly lr: N; readonly rho: N }
  | { readonly kind: "rmsprop"; readonly lr: N; readonly decay: N; readonly momentum: N }
  | { readonly kind: "adam" | "adamax"; readonly lr: N; readonly beta1: N; readonly beta2: N; readonly epsilon: N };

export type ScheduleSetting =
  | { readonly kind: "constant" }
  | { readonly kind: "step"; readonly every: N; readonly factor: N }
  | { readonly kind: "multistep"; readonly at: readonly N[]; readonly factor: N }
  | { readonly kind: "exponential" | "inverse_time"; readonly k: N }
  | { readonly kind: "on_plateau"; readonly monitor: Tunable<MonitoredName>; readonly patience: N; readonly factor: N; readonly minLr: N }
  | { readonly kind: "cosine"; readonly minLr: N }
  | { readonly kind: "warmup"; readonly epochs: N; readonly then: Tunable<ScheduleSetting> };

export type RegularizationSetting =
  | { readonly kind: "l2" | "l1"; readonly lambda: N }
  | { readonly kind: "l1_l2"; readonly l1: N; readonly l2: N };

export interface EarlyStoppingSetting {
  readonly kind: "patience";
  readonly patience: N;
  readonly monitor: Tunable<MonitoredName>;
  readonly minDelta: N;
}

export type TransformSetting =
  | { readonly kind: "shift"; readonly pixels: N }
  | { readonly kind: "rotate"; readonly degrees: N }
  | { readonly kind: "skew"; readonly amount: N }
  | { readonly kind: "elastic"; readonly alpha: N; readonly sigma: N };

export type MetricSetting = { readonly kind: "accuracy" | "loss" | "mae" } | { readonly kind: "top_k"; readonly k: N };

export type InitializerSetting =
  | {
      readonly kind:
        | "zeros"
        | "ones"
        | "lecun_normal"
        | "lecun_uniform"
        | "glorot_normal"
        | "glorot_uniform"
        | "he_normal"
        | "he_uniform"
        | "orthogonal";
    }
  | { readonly kind: "constant"; readonly value: N }
  | { readonly kind: "normal"; readonly mean: N; readonly std: N }
  | { readonly kind: "uniform"; readonly low: N; readonly high: N };

export interface ClipSetting {
  readonly kind: "norm" | "value";
  readonly max: N;
}

export interface CheckpointSetting {
  readonly kind: "every";
  readonly epochs: N;
}

export type TuneSetting = { readonly kind: "grid" } | { readonly kind: "random" | "bayesian"; readonly trials: number };

export interface ObjectiveSetting {
  readonly kind: "maximize" | "minimize";
  readonly metric: MonitoredName;
}

/** A model argument: a number, flag, string, activation name, or initializer. */
export type ModelArgument = Tunable<number | boolean | string | InitializerSetting>;

/** Where a search space occurs: `optimizer.lr`, `model.args.hidden`, `augment[0].degrees`. */
export interface SearchEntry {
  readonly path: string;
  readonly space: SearchSpec<unknown>;
}

export interface ResolvedTraining {
  /** The training's label, or the model's name when it has none. */
  readonly label: string;
  readonly model: { readonly name: string; readonly args: Readonly<Record<string, ModelArgument>> };
  readonly data: Tunable<DataSetting>;
  readonly validation: ValidationSetting;
  readonly folds: N | null;
  readonly normalize: Tunable<"none" | "standardize" | "minmax">;
  /** One loss for every output, or one per output in the model's output order. */
  readonly loss: readonly Tunable<LossSetting>[];
  /** The weight of each output's loss in the total cost (one per output); null: all 1. */
  readonly lossWeights: readonly N[] | null;
  readonly optimizer: Tunable<OptimizerSetting>;
  readonly schedule: Tunable<ScheduleSetting>;
  readonly regularization: Tunable<RegularizationSetting> | null;
  readonly batchSize: N;
  readonly epochs: N;
  readonly earlyStopping: Tunable<EarlyStoppingSetting> | null;
  readonly augment: readonly Tunable<TransformSetting>[];
  readonly expand: readonly Tunable<TransformSetting>[];
  /** The metrics to report; null: accuracy for each output whose targets are classes, mae for the others (decided when the data is read). */
  readonly metrics: readonly Tunable<MetricSetting>[] | null;
  readonly ensemble: N;
  readonly vote: Tunable<"majority" | "mean">;
  readonly init: Tunable<InitializerSetting> | null;
  readonly seed: N | null;
  readonly clip: Tunable<ClipSetting> | null;
  readonly monitor: readonly Tunable<"gradient_norms" | "weight_norms">[];
  readonly checkpoint: Tunable<CheckpointSetting> | null;
  /** A saved model to load the initial weights from; not checked at compile time. */
  readonly initFrom: S | null;
  readonly freeze: readonly string[];
  readonly reinit: readonly string[];
  readonly tune: TuneSetting | null;
  readonly objective: ObjectiveSetting | null;
  /** Every search space of the training and of the model arguments, in the order of the fields above. */
  readonly search: readonly SearchEntry[];
}

/** Whether a resolved value is a search space rather than a value. */
export function isSearch<T>(value: Tunable<T>): value is SearchSpec<T> {
  return typeof value === "object" && value !== null && "search" in value;
}

/**
 * The value of a setting once the search (if any) has chosen it. Every setting the runtime reads
 * goes through here, so a search space that was not sampled is a loud error, not a silent NaN.
 */
export function settled<T>(value: Tunable<T>, path = "a setting"): T {
  if (isSearch(value)) throw new Error(`${path} is a search space (${value.search}); it needs \`tune\` to choose a value`);
  return value;
}
