/**
 * Turns a bound, error-free training into its `ResolvedTraining`: every key's value as plain data,
 * defaults filled in (from defaults.ts), search spaces kept where they occur and listed in `search`.
 */
import { concrete, type Value } from "../schema/values.js";
import { layerSearches } from "./layer-searches.js";
import { hasSeveralOutputs, validationSource, type BoundTraining } from "./bound.js";
import { bool, ctor, enumOf, initializerSetting, isSearchSpec, labels, list, num, plainNumber, required, str, tunable, Unresolvable } from "../schema/setting-values.js";
import { partSetting } from "./dataset-parts.js";
import type { Targets } from "./dataset-info.js";
import type { TrainingKey } from "./keys.js";
import { BATCH_SIZE, defaultMetrics, defaultObjective, defaultVote, EARLY_STOPPING_DEFAULTS, ENSEMBLE, EPOCHS, NORMALIZE, REPEATS, SCHEDULE } from "./defaults.js";
import type {
  CheckpointSetting,
  ClassesSetting,
  ClipSetting,
  ColorMode,
  DataSetting,
  EarlyStoppingSetting,
  InitializerSetting,
  LossSetting,
  MetricSetting,
  ModelArgument,
  MonitoredName,
  ObjectiveSetting,
  OptimizerSetting,
  PartSetting,
  RegularizationSetting,
  ResolvedTraining,
  ScheduleSetting,
  SearchEntry,
  SearchSpec,
  TransformSetting,
  Tunable,
  TuneSetting,
  ValidationSetting,
} from "./resolved.js";

/** The resolved settings, or undefined when some value is missing or broken (already reported). */
export function resolveTraining(training: BoundTraining): ResolvedTraining | undefined {
  try {
    return resolve(training);
  } catch (e) {
    if (e instanceof Unresolvable) return undefined;
    throw e;
  }
}

function resolve(training: BoundTraining): ResolvedTraining {
  const at = (key: TrainingKey): Value | undefined => training.entries.get(key)?.value;
  const optional = <T>(key: TrainingKey, convert: (v: Value) => T): T | null => {
    const v = at(key);
    return v === undefined ? null : convert(v);
  };
  const targets: Targets = training.data?.targets ?? { kind: "unknown" };
  const severalOutputs = hasSeveralOutputs(training);
  const validationKey = at("validation");
  let data = tunable(required(at("data")), dataSetting);
  if (validationKey && !isSearchSpec(data) && (data.kind === "mnist" || data.kind === "adding_problem")) data = { ...data, validation: 0 };
  const tune = optional("tune", tuneSetting);
  const resolved: Omit<ResolvedTraining, "search"> = {
    label: training.name,
    model: { name: training.decl.model.name, args: modelArgs(training) },
    data,
    validation: validationKey ? validationSetting(validationKey) : validationSource(training) === "dataset" ? { kind: "dataset_part" } : { kind: "none" },
    folds: optional("folds", num),
    normalize: at("normalize") ? enumOf(required(at("normalize")), ["none", "standardize", "minmax"] as const) : NORMALIZE.value,
    loss: losses(required(at("loss"))),
    lossWeights: optional("loss_weights", (v) => list(v, num)),
    optimizer: tunable(required(at("optimizer")), optimizerSetting),
    schedule: at("schedule") ? tunable(required(at("schedule")), scheduleSetting) : SCHEDULE.value,
    regularization: optional("regularization", (v) => tunable(v, regularizationSetting)),
    batchSize: optional("batch_size", num) ?? BATCH_SIZE.value,
    epochs: optional("epochs", num) ?? EPOCHS.value,
    earlyStopping: optional("early_stopping", (v) => tunable(v, (c) => earlyStoppingSetting(c, training))),
    augment: optional("augment", (v) => list(v, (t) => tunable(t, transformSetting))) ?? [],
    expand: optional("expand", (v) => list(v, (t) => tunable(t, transformSetting))) ?? [],
    metrics: optional("metrics", (v) => list(v, (m) => tunable(m, metricSetting))) ?? defaultMetrics(targets),
    ensemble: optional("ensemble", num) ?? ENSEMBLE.value,
    vote: at("vote") ? enumOf(required(at("vote")), ["majority", "mean"] as const) : defaultVote(targets),
    init: optional("init", (v) => tunable(v, initializerSetting)),
    seed: optional("seed", num),
    clip: optional("clip", (v) => tunable(v, clipSetting)),
    monitor: optional("monitor", (v) => list(v, (m) => enumOf(m, ["gradient_norms", "weight_norms"] as const))) ?? [],
    checkpoint: optional("checkpoint", (v) => tunable(v, checkpointSetting)),
    initFrom: optional("init_from", str),
    freeze: optional("freeze", labels) ?? [],
    reinit: optional("reinit", labels) ?? [],
    tune,
    objective: optional("objective", objectiveSetting) ?? (tune ? defaultObjective(targets, severalOutputs) : null),
    repeats: optional("repeats", num) ?? REPEATS.value,
  };
  const search: SearchEntry[] = [];
  collectSearch(resolved, "", search);
  return { ...resolved, search };
}

// ——— settings ———

function dataSetting(value: Value): DataSetting {
  const c = ctor(value);
  const shape = (v: Value) => list(v, num);
  const parts = () => ({ test: c.optional("test", part), validation: c.optional("validation", part) });
  switch (c.name) {
    case "mnist":
      return { kind: "mnist", train: c.num("train"), validation: c.num("validation"), test: c.num("test"), flat: c.bool("flat") };
    case "adding_problem":
      return { kind: "adding_problem", length: c.num("length"), train: c.num("train"), validation: c.num("validation"), test: c.num("test") };
    case "idx":
      return { kind: "idx", images: c.str("images"), labels: c.str("labels"), shape: c.optional("shape", shape), classes: c.optional("classes", classes), ...parts() };
    case "csv":
      return {
        kind: "csv",
        path: c.str("path"),
        label: oneOrMany(c.get("label"), column),
        features: c.optional("features", (v) => oneOrMany(v, num)),
        classes: c.optional("classes", classes),
        targets: c.optional("targets", num),
        ...parts(),
      };
    case "npy":
      return {
        kind: "npy",
        x: oneOrMany(c.get("x"), str),
        y: oneOrMany(c.get("y"), str),
        shape: c.optional("shape", shape),
        classes: c.optional("classes", classes),
        targets: c.optional("targets", num),
        ...parts(),
      };
    case "json":
      return { kind: "json", path: c.str("path"), shape: c.optional("shape", shape), classes: c.optional("classes", classes), targets: c.optional("targets", num), ...parts() };
    case "images":
      return {
        kind: "images",
        path: c.str("path"),
        size: c.optional("size", (v) => {
          const [height, width, ...rest] = list(v, num);
          if (width === undefined || rest.length > 0) throw new Unresolvable();
          return [height, width] as const;
        }),
        color: colorMode(c.get("color")),
        scale: c.num("scale"),
        classes: c.optional("classes", (v) => list(v, plainString)),
        ...parts(),
      };
  }
  throw new Unresolvable();
}

/** A value written as one item or a list of them, as a list. */
function oneOrMany<T>(value: Value, convert: (v: Value) => T): T[] {
  return value.kind === "list" ? value.items.map(convert) : [convert(value)];
}

function plainString(value: Value): string {
  if (value.kind !== "string") throw new Unresolvable();
  return value.value;
}

/** A csv column: its name, or its 0-based index. */
function column(value: Value): string | number {
  if (value.kind === "string" || value.kind === "number") return value.value;
  throw new Unresolvable();
}

/** `classes: 10` or `classes: ["cat", "dog"]`; never a search space (E304). */
function classes(value: Value): ClassesSetting {
  if (value.kind === "number") return value.value;
  return list(value, plainString);
}

function colorMode(value: Value): ColorMode {
  const name = value.kind === "enum" ? (["grayscale", "rgb", "rgba"] as const).find((n) => n === value.name) : undefined;
  if (name === undefined) throw new Unresolvable();
  return name;
}

/** A `test:` or `validation:` part of a user source. */
function part(value: Value): PartSetting {
  const setting = partSetting(value);
  if (!setting) throw new Unresolvable();
  return setting;
}

function validationSetting(value: Value): ValidationSetting {
  const v = concrete(value);
  if (v.kind === "ctor") return { kind: "dataset", data: tunable(value, dataSetting) };
  return { kind: "fraction", fraction: num(value) };
}

/** `loss: mse` (one loss for every output) or `loss: [cross_entropy, mse]` (one per output), as a list. */
function losses(value: Value): Tunable<LossSetting>[] {
  return value.kind === "list" ? value.items.map((item) => tunable(item, lossSetting)) : [tunable(value, lossSetting)];
}

function lossSetting(value: Value): LossSetting {
  const c = ctor(value);
  switch (c.name) {
    case "quadratic":
    case "mse":
    case "mae":
      return { kind: c.name };
    case "huber":
      return { kind: "huber", delta: c.num("delta") };
    case "cross_entropy":
    case "binary_cross_entropy":
    case "sparse_cross_entropy":
      return { kind: c.name, fromLogits: c.bool("from_logits") };
  }
  throw new Unresolvable();
}

function optimizerSetting(value: Value): OptimizerSetting {
  const c = ctor(value);
  switch (c.name) {
    case "sgd":
      return { kind: "sgd", lr: c.num("lr"), momentum: c.num("momentum"), nesterov: c.bool("nesterov") };
    case "adagrad":
      return { kind: "adagrad", lr: c.num("lr") };
    case "adadelta":
      return { kind: "adadelta", lr: c.num("lr"), rho: c.num("rho") };
    case "rmsprop":
      return { kind: "rmsprop", lr: c.num("lr"), decay: c.num("decay"), momentum: c.num("momentum") };
    case "adam":
    case "adamax":
      return { kind: c.name, lr: c.num("lr"), beta1: c.num("beta1"), beta2: c.num("beta2"), epsilon: c.num("epsilon") };
  }
  throw new Unresolvable();
}

function scheduleSetting(value: Value): ScheduleSetting {
  const c = ctor(value);
  switch (c.name) {
    case "constant":
      return { kind: "constant" };
    case "step":
      return { kind: "step", every: c.num("every"), factor: c.num("factor") };
    case "multistep":
      return { kind: "multistep", at: list(c.get("at"), num), factor: c.num("factor") };
    case "exponential":
    case "inverse_time":
      return { kind: c.name, k: c.num("k") };
    case "on_plateau":
      return { kind: "on_plateau", monitor: c.monitored("monitor"), patience: c.num("patience"), factor: c.num("factor"), minLr: c.num("min_lr") };
    case "cosine":
      return { kind: "cosine", minLr: c.num("min_lr") };
    case "warmup":
      return { kind: "warmup", epochs: c.num("epochs"), then: tunable(c.get("then"), scheduleSetting) };
  }
  throw new Unresolvable();
}

function regularizationSetting(value: Value): RegularizationSetting {
  const c = ctor(value);
  if (c.name === "l1" || c.name === "l2") return { kind: c.name, lambda: c.num("lambda") };
  if (c.name === "l1_l2") return { kind: "l1_l2", l1: c.num("l1"), l2: c.num("l2") };
  throw new Unresolvable();
}

/** `patience(n)`; a monitor left to its default watches `val_loss` on a model with several outputs. */
function earlyStoppingSetting(value: Value, training: BoundTraining): EarlyStoppingSetting {
  const c = ctor(value);
  const defaulted = value.kind === "ctor" && !value.args.get("monitor")?.node;
  const monitor = defaulted && hasSeveralOutputs(training) ? EARLY_STOPPING_DEFAULTS.severalOutputsMonitor : c.monitored("monitor");
  return { kind: "patience", patience: c.num("n"), monitor, minDelta: c.num("min_delta") };
}

function transformSetting(value: Value): TransformSetting {
  const c = ctor(value);
  switch (c.name) {
    case "shift":
      return { kind: "shift", pixels: c.num("pixels") };
    case "rotate":
      return { kind: "rotate", degrees: c.num("degrees") };
    case "skew":
      return { kind: "skew", amount: c.num("amount") };
    case "elastic":
      return { kind: "elastic", alpha: c.num("alpha"), sigma: c.num("sigma") };
  }
  throw new Unresolvable();
}

function metricSetting(value: Value): MetricSetting {
  const c = ctor(value);
  if (c.name === "accuracy" || c.name === "loss" || c.name === "mae") return { kind: c.name };
  if (c.name === "top_k") return { kind: "top_k", k: c.num("k") };
  throw new Unresolvable();
}

function clipSetting(value: Value): ClipSetting {
  const c = ctor(value);
  if (c.name === "norm" || c.name === "value") return { kind: c.name, max: c.num("max") };
  throw new Unresolvable();
}

function checkpointSetting(value: Value): CheckpointSetting {
  return { kind: "every", epochs: ctor(value).num("epochs") };
}

function tuneSetting(value: Value): TuneSetting {
  const c = ctor(value);
  if (c.name === "grid") return { kind: "grid" };
  if (c.name === "random" || c.name === "bayesian") return { kind: c.name, trials: plainNumber(c.get("trials")) };
  throw new Unresolvable();
}

function objectiveSetting(value: Value): ObjectiveSetting {
  const c = ctor(value);
  const metric = enumOf<MonitoredName>(c.get("metric"), ["val_accuracy", "val_loss", "accuracy", "loss"]);
  if ((c.name === "maximize" || c.name === "minimize") && !isSearchSpec(metric)) return { kind: c.name, metric };
  throw new Unresolvable();
}

/**
 * The model's parameters as this training binds them (defaults included), then each search space of
 * its layers under its dimension's name (`h.units`, never a parameter's name): the runtime picks the
 * model's build by all of them.
 */
function modelArgs(training: BoundTraining): Record<string, ModelArgument> {
  const args: Record<string, ModelArgument> = {};
  for (const [name, value] of training.model?.params ?? []) args[name] = tunable(value, modelArgument);
  for (const layer of training.model ? layerSearches(training.model) : []) args[layer.name] = tunable(layer.value, modelArgument);
  return args;
}

export function modelArgument(value: Value): number | boolean | string | InitializerSetting {
  switch (value.kind) {
    case "number":
    case "bool":
    case "string":
      return value.value;
    case "enum":
      return value.name;
    case "ctor":
      return initializerSetting(value);
    default:
      throw new Unresolvable();
  }
}

/**
 * Finds every search space in resolved data, with its path (`optimizer.lr`, `augment[0].degrees`;
 * a key that is not a name is quoted in brackets: `model.args["h.units"]`).
 */
function collectSearch(value: unknown, path: string, out: SearchEntry[]): void {
  if (typeof value !== "object" || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => collectSearch(item, `${path}[${i}]`, out));
    return;
  }
  const record = value as Record<string, unknown>;
  if ("search" in record) {
    out.push({ path, space: record as SearchSpec<unknown> });
    if (Array.isArray(record.options)) record.options.forEach((o, i) => collectSearch(o, `${path}.options[${i}]`, out));
    return;
  }
  for (const [key, item] of Object.entries(record)) collectSearch(item, !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}[${JSON.stringify(key)}]` : path ? `${path}.${key}` : key, out);
}
