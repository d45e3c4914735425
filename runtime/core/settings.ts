/**
 * A training with every setting resolved: what code generation turns into a typed constant and the
 * runtime executes. It is plain JSON data (no `undefined`, no maps): an absent optional setting is
 * `null`, names are string tags, and a search space stays where the user wrote it, as a
 * `SearchSpec` in place of the value; `search` lists them all with their paths.
 * `data`, `loss` and `optimizer` are required (E103); `sgd` requires `lr`.
 *
 * What nnc fills in for an absent key is listed once, in compiler/training/defaults.ts (and
 * docs/training.md). Once the search (if any) has chosen its values, the runtime works on a
 * `SettledTraining`, whose types admit no search space: `settle` and the search's `applyChoice`
 * check that once, and no consumer checks again. A training with `tune` is a `TunedTraining`. Two
 * defaults depend on what the data files hold, which only reading them tells: `metrics` and a
 * search's `objective` are then null, and the runtime decides them from the training part
 * (`objectiveFor` is the objective's rule, which the compiler applies when it can tell).
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

/**
 * A model argument: a number, flag, string, activation name, or initializer. A search space written
 * in a layer (`dense(choice(32, 64))`) is one too, under its dimension's name, the layer's label and
 * the argument (`h.units`), which no parameter can have: the build is picked by all of them.
 */
export type ModelArgument = Tunable<number | boolean | string | InitializerSetting>;

/** Where a search space occurs: `optimizer.lr`, `model.args.hidden`, `model.args["h.units"]`, `augment[0].degrees`. */
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
  /**
   * What ranks a search's trials; null without `tune`. With `tune` nnc fills in the default when it
   * can tell the targets, and leaves null when only the data can (a user file without `classes` or
   * `targets`): each trial then ranks by `objectiveFor` its training part's targets.
   */
  readonly objective: ObjectiveSetting | null;
  /** With `tune`: how many times each trial trains (seeds seed, seed + 1, …), ranked on the mean objective; 1 without. */
  readonly repeats: N;
  /** Every search space of the training and of the model arguments, in the order of the fields above. */
  readonly search: readonly SearchEntry[];
}

/** Whether a resolved value is a search space rather than a value. */
export function isSearch<T>(value: Tunable<T>): value is SearchSpec<T> {
  return typeof value === "object" && value !== null && "search" in value;
}

/**
 * A resolved value with every search space chosen: the same shape, with each `Tunable<T>` narrowed
 * to `T`. Derived from the resolved types, so a setting added there is settled here too.
 */
export type Settled<T> = T extends SearchSpec<unknown> ? never : T extends object ? { readonly [K in keyof T]: Settled<T[K]> } : T;

/** A training the runtime executes: no value is a search space and none is left to search. */
export type SettledTraining = Settled<Omit<ResolvedTraining, "search">> & { readonly search: readonly [] };

/** A training that searches: `tune` is set. */
export type TunedTraining = ResolvedTraining & { readonly tune: TuneSetting };

/**
 * The objective a search ranks by when the training names none: accuracy for class targets of one
 * output, else the loss (several outputs have one accuracy each). `classOutputs` says, per model
 * output, whether its targets are classes.
 */
export function objectiveFor(classOutputs: readonly boolean[]): ObjectiveSetting {
  return classOutputs.length === 1 && classOutputs[0] ? { kind: "maximize", metric: "val_accuracy" } : { kind: "minimize", metric: "val_loss" };
}

/** The user's name of a resolved field (`minDelta` is written `min_delta`); a model argument's is its own. */
const userName = (key: string, parent: string): string => (parent === "model.args" ? key : key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));

/** A field's path under `parent`: `.name`, or `["h.units"]` for a key that is not a name (as `search` paths write it). */
function fieldPath(parent: string, key: string): string {
  const name = userName(key, parent);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `${parent}[${JSON.stringify(name)}]`;
  return parent ? `${parent}.${name}` : name;
}

/** The first search space in a resolved value, with its path; null when there is none. */
function firstSearchSpace(value: unknown, path: string): { path: string; search: string } | null {
  if (typeof value !== "object" || value === null) return null;
  if (isSearch(value)) return { path, search: value.search };
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item, i) => [`${path}[${i}]`, item])
    : Object.entries(value).map(([key, item]) => [fieldPath(path, key), item]);
  for (const [at, item] of entries) {
    const found = firstSearchSpace(item, at);
    if (found) return found;
  }
  return null;
}

/**
 * A resolved value typed as settled, once checked to hold no search space anywhere in it. A
 * search space left unchosen is a loud error here, not a silent NaN where it is used.
 */
export function settled<T>(value: Tunable<T>, path = "a setting"): Settled<T> {
  const space = firstSearchSpace(value, path);
  if (space) throw new Error(`${space.path} is a search space (${space.search}); it needs \`tune\` to choose a value`);
  return value as Settled<T>;
}

/** A training without search, typed as settled: checked here once, for every consumer after. */
export function settle(training: ResolvedTraining): SettledTraining {
  const { search, ...values } = training;
  settled(values, "");
  if (search.length > 0) settled(search[0].space, search[0].path);
  return training as SettledTraining;
}

/** The training typed as a search when it has `tune`, null when it has none. */
export function tuned(training: ResolvedTraining): TunedTraining | null {
  if (training.tune === null) return null;
  return training as TunedTraining;
}
