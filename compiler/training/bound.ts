/**
 * A training after its entries are bound: each key's value, the model it trains, and what its data
 * provides. Training rules read this; nothing here reports.
 */
import type { Expr, Range, TrainDecl, TrainEntry } from "../../grammar/ast.js";
import type { ModelGraph } from "../checker/graph.js";
import { SEARCH_SPACES } from "../schema/bind.js";
import { concrete, type BoundArgs, type SearchSpace, type Value } from "../schema/values.js";
import type { DataFacts } from "./check-data-files.js";
import { datasetInfo, type DatasetInfo } from "./dataset-info.js";
import type { TrainingKey } from "./keys.js";
import { layerSearches, type LayerSearch } from "./layer-searches.js";

export interface BoundEntry {
  readonly entry: TrainEntry;
  readonly value: Value;
}

export interface BoundTraining {
  readonly decl: TrainDecl;
  /** The label, or the model's name. */
  readonly name: string;
  /** The trained model, elaborated with the training's arguments; undefined when unknown. */
  readonly model?: ModelGraph;
  /** The first entry of each known key (a duplicate is E101 and ignored). */
  readonly entries: ReadonlyMap<TrainingKey, BoundEntry>;
  /** What `data` provides; undefined when `data` is missing or wrong (already reported). */
  readonly data?: DatasetInfo;
  /** `data`, and a dataset given as the `validation` key, with what each provides (when known). */
  readonly datasets: readonly DatasetEntry[];
}

/** A dataset a training reads: its key, its entry, and what it provides. */
export interface DatasetEntry {
  readonly key: "data" | "validation";
  readonly entry: BoundEntry;
  readonly info: DatasetInfo;
}

/**
 * `facts` holds what the data files' headers say about each dataset key (check-data-files.ts),
 * for what the dataset's arguments leave open.
 */
export function boundTraining(
  decl: TrainDecl,
  model: ModelGraph | undefined,
  entries: ReadonlyMap<TrainingKey, BoundEntry>,
  facts: ReadonlyMap<"data" | "validation", DataFacts> = new Map(),
): BoundTraining {
  const datasets: DatasetEntry[] = [];
  for (const key of ["data", "validation"] as const) {
    const entry = entries.get(key);
    const info = entry && datasetInfo(entry.value, facts.get(key));
    if (entry && info) datasets.push({ key, entry, info });
  }
  const data = datasets.find((d) => d.key === "data")?.info;
  return { decl, name: decl.label?.name || decl.model.name, model, entries, data, datasets };
}

/** A key's bound value, when the key is given. */
export function valueOf(training: BoundTraining, key: TrainingKey): Value | undefined {
  return training.entries.get(key)?.value;
}

/** A key's value expression, when the key is given. */
export function exprOf(training: BoundTraining, key: TrainingKey): Expr | undefined {
  return training.entries.get(key)?.entry.value;
}

/** A constructor value (`sgd(lr: 0.1)`), search spaces replaced by their representative. */
export function ctorOf(value: Value | undefined): { readonly name: string; readonly args: BoundArgs } | undefined {
  const v = value && concrete(value);
  return v?.kind === "ctor" ? { name: v.signature.name, args: v.args } : undefined;
}

/** The concrete number of a key whose value is a number. */
export function numberAt(training: BoundTraining, key: TrainingKey): number | undefined {
  const v = valueOf(training, key);
  const c = v && concrete(v);
  return c?.kind === "number" ? c.value : undefined;
}

/** Whether the trained model has several outputs (a loss and targets per output). */
export function hasSeveralOutputs(training: BoundTraining): boolean {
  return (training.model?.outputs.length ?? 0) > 1;
}

/**
 * The metric a monitor argument watches (`early_stopping: patience(3)`'s `monitor`): as written;
 * when not written, `val_loss` for a model with several outputs (their accuracies are not one
 * number), else the signature's default.
 */
export function watchedMetric(training: BoundTraining, args: BoundArgs, param: string): string | undefined {
  if (!args.get(param)?.node && hasSeveralOutputs(training)) return "val_loss";
  return enumArg(args, param);
}

/** One model output's loss: the constructor and the expression that gives it. */
export interface OutputLoss {
  readonly name: string;
  readonly args: BoundArgs;
  readonly at: Expr;
}

/**
 * The `loss` of each model output, in output order: one loss written for all, or the list's item for
 * each. An entry is undefined when its loss is unknown, or when the list's length fits neither one
 * nor the number of outputs (reported by the losses-per-output rule).
 */
export function outputLosses(training: BoundTraining): (OutputLoss | undefined)[] {
  const outputs = training.model?.outputs.length ?? 0;
  const entry = training.entries.get("loss");
  if (!entry) return Array.from({ length: outputs }, () => undefined);
  const expr = entry.entry.value;
  const value = concrete(entry.value);
  const written: { value: Value; at: Expr }[] =
    value.kind === "list" ? value.items.map((item, i) => ({ value: item, at: expr.kind === "List" ? (expr.items[i] ?? expr) : expr })) : [{ value, at: expr }];
  const pick = (i: number) => (written.length === 1 ? written[0] : written.length === outputs ? written[i] : undefined);
  return Array.from({ length: outputs }, (_, i) => {
    const chosen = pick(i);
    const loss = chosen && ctorOf(chosen.value);
    return loss && chosen ? { ...loss, at: chosen.at } : undefined;
  });
}

/** Every loss written, each with its expression (a list's items, or the one loss). */
export function writtenLosses(training: BoundTraining): OutputLoss[] {
  const entry = training.entries.get("loss");
  if (!entry) return [];
  const expr = entry.entry.value;
  const value = concrete(entry.value);
  const items = value.kind === "list" ? value.items.map((item, i) => ({ item, at: expr.kind === "List" ? (expr.items[i] ?? expr) : expr })) : [{ item: value, at: expr }];
  return items.flatMap(({ item, at }) => {
    const loss = ctorOf(item);
    return loss ? [{ ...loss, at }] : [];
  });
}

/** The name of an enum argument of a constructor (`monitor: val_loss` → "val_loss"). */
export function enumArg(args: BoundArgs, name: string): string | undefined {
  const v = args.get(name)?.value;
  const c = v && concrete(v);
  return c?.kind === "enum" ? c.name : undefined;
}

export function numberArg(args: BoundArgs, name: string): number | undefined {
  const v = args.get(name)?.value;
  const c = v && concrete(v);
  return c?.kind === "number" ? c.value : undefined;
}

export function boolArg(args: BoundArgs, name: string): boolean | undefined {
  const v = args.get(name)?.value;
  const c = v && concrete(v);
  return c?.kind === "bool" ? c.value : undefined;
}

/**
 * Where validation data comes from: the `validation` key, k-fold cross-validation, the dataset's own
 * validation part, or nowhere.
 */
export function validationSource(training: BoundTraining): "key" | "folds" | "dataset" | "none" {
  if (training.entries.has("validation")) return "key";
  if (training.entries.has("folds")) return "folds";
  return training.data?.hasValidation ? "dataset" : "none";
}

/** A search space found in a training: its kind, where it is written, and the setting it is in. */
export interface FoundSearch {
  readonly kind: SearchSpace["kind"];
  /** The file it is written in: the training's, or the model's for a layer's space. */
  readonly file: string;
  readonly range: Range;
  /** `optimizer.lr`, `model.hidden`, `augment[1].degrees`, `h.units` (a layer's argument). */
  readonly path: string;
  /** The training key it is in, or undefined for a model or layer argument. */
  readonly key?: TrainingKey;
  /** Set for a space written in one of the model's layers. */
  readonly layer?: LayerSearch;
  /** The bound value of a model argument's space; undefined for the others. */
  readonly value?: Value;
}

/**
 * Every search space of a training's values, model arguments and model layers: the training's (in
 * `file`) in source order, then the layers' in layer order.
 */
export function searchSpaces(training: BoundTraining, file: string): FoundSearch[] {
  const found: FoundSearch[] = [];
  const walk = (value: Value, path: string, key: TrainingKey | undefined): void => {
    if (value.kind === "search") {
      found.push({ kind: value.space.kind, file, range: value.space.range, path, key });
      value.space.options.forEach((o, i) => walk(o, `${path}.options[${i}]`, key));
    } else if (value.kind === "ctor") {
      for (const [name, a] of value.args) walk(a.value, `${path}.${name}`, key);
    } else if (value.kind === "list") {
      value.items.forEach((item, i) => walk(item, `${path}[${i}]`, key));
    }
  };
  const params = [...(training.model?.params.keys() ?? [])];
  training.decl.args.forEach((arg, i) => {
    if (arg.value.kind === "Call" && (SEARCH_SPACES as readonly string[]).includes(arg.value.callee.name)) {
      const name = arg.name?.name ?? params[i] ?? String(i);
      const value = training.model?.params.get(name);
      found.push({ kind: arg.value.callee.name as SearchSpace["kind"], file, range: arg.value.range, path: `model.${name}`, value });
    }
  });
  for (const [key, { value }] of training.entries) walk(value, key, key);
  found.sort((a, b) => a.range.start.offset - b.range.start.offset);
  const layers = training.model ? layerSearches(training.model) : [];
  return [...found, ...layers.map((layer): FoundSearch => ({ kind: layer.space.kind, file: layer.space.file, range: layer.space.range, path: layer.name, layer }))];
}

/**
 * Training keys whose value a search may not choose (E304), each with the reason: they say how the
 * search runs or what its trials are compared on, so every trial must share them.
 */
export const UNSEARCHABLE_KEYS: Partial<Record<TrainingKey, { readonly why: string; readonly help: string }>> = {
  tune: { why: "says how to search", help: "write a single value" },
  objective: { why: "ranks the trials, so every trial must be ranked by the same one", help: "write a single value" },
  seed: {
    why: "is the same for every trial, so that the ranking compares the searched values and not the luck of the draw",
    help: "write one seed; to rank trials on several seeds, add `repeats: 3` (seeds seed, seed + 1, seed + 2)",
  },
  repeats: { why: "says how many times each trial trains, so every trial must train as often", help: "write a single value" },
  ensemble: {
    why: "would change how many networks a trial trains: a search ranks one network per trial",
    help: "search with one network, then train `ensemble: n` with the values the search found",
  },
  folds: { why: "would change the validation data the trials are ranked on", help: "write a single value" },
  validation: { why: "would change the validation data the trials are ranked on", help: "write a single value" },
};
