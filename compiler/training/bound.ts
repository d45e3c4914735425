/**
 * A training after its entries are bound: each key's value, the model it trains, and what its data
 * provides. Training rules read this; nothing here reports.
 */
import type { Expr, Range, TrainDecl, TrainEntry } from "../ast.js";
import type { ModelGraph } from "../checker/graph.js";
import { SEARCH_SPACES } from "../schema/bind.js";
import { concrete, type BoundArgs, type SearchSpace, type Value } from "../schema/values.js";
import { datasetInfo, type DatasetInfo } from "./datasets.js";
import type { TrainingKey } from "./keys.js";

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
}

export function boundTraining(decl: TrainDecl, model: ModelGraph | undefined, entries: ReadonlyMap<TrainingKey, BoundEntry>): BoundTraining {
  return { decl, name: decl.label?.name || decl.model.name, model, entries, data: datasetInfo(entries.get("data")?.value) };
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
  readonly range: Range;
  /** `optimizer.lr`, `model.hidden`, `augment[1].degrees`. */
  readonly path: string;
  /** The training key it is in, or undefined for a model argument. */
  readonly key?: TrainingKey;
}

/** Every search space of a training's values and model arguments, in source order. */
export function searchSpaces(training: BoundTraining): FoundSearch[] {
  const found: FoundSearch[] = [];
  const walk = (value: Value, path: string, key: TrainingKey | undefined): void => {
    if (value.kind === "search") {
      found.push({ kind: value.space.kind, range: value.space.range, path, key });
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
      found.push({ kind: arg.value.callee.name as SearchSpace["kind"], range: arg.value.range, path: `model.${name}` });
    }
  });
  for (const [key, { value }] of training.entries) walk(value, key, key);
  return found.sort((a, b) => a.range.start.offset - b.range.start.offset);
}
