/**
 * What a bound dataset value provides, as far as the compiler can know it before reading files: how
 * many model inputs and outputs it feeds, the shape of each input's examples, what its targets are,
 * and whether it has a validation part. Training rules compare this with the model.
 */
import { concrete, type BoundArgs, type Value } from "../schema/values.js";
import { dimConst } from "../shapes/dim.js";
import type { Shape } from "../shapes/shape.js";
import type { DataFacts } from "./check-data-files.js";
import { CHANNELS, MNIST_CLASSES, isUserSource } from "./datasets.js";

/**
 * What a dataset's targets are: classes (their count, when known), real vectors, or not known until
 * the files are read. `perExample` is true when a source gives one label per example (mnist, csv,
 * images), so a class output is `[classes]`; otherwise labels may be sequences (`[T, classes]`).
 */
export type Targets =
  | { readonly kind: "classes"; readonly classes?: number; readonly perExample: boolean }
  | { readonly kind: "regression"; readonly shape: Shape }
  | { readonly kind: "unknown" };

/** How many model inputs or outputs a dataset feeds: a count, or `any` when examples name them (json). */
export type TensorCount = number | "any";

export interface DatasetInfo {
  /** The constructor: `mnist`, `csv`, … */
  readonly name: string;
  readonly inputCount: TensorCount;
  /**
   * The shape of each input's examples, in input order; an entry is undefined when it comes from
   * the files at run time. With `inputCount: "any"`, entry 0 is the shape of a single input's examples.
   */
  readonly examples: readonly (Shape | undefined)[];
  /** Which argument fixed the example shapes (`flat`, `length`, `shape`, `features`, `size`), for messages. */
  readonly exampleFrom?: string;
  /**
   * For each input whose example shape was read from a file's header rather than stated: where, for
   * messages (`"iris.csv" has 5 columns: 4 features and 1 label`).
   */
  readonly exampleOrigins?: readonly (string | undefined)[];
  /** Whether examples are real values that cannot be integer token ids (`int32` inputs). */
  readonly realValued: boolean;
  readonly outputCount: TensorCount;
  /** The targets of the data's one output; `unknown` when it feeds several. */
  readonly targets: Targets;
  /** Where the class count was read when no argument states it (an image folder's class folders), for messages. */
  readonly targetsOrigin?: string;
  /** Whether the dataset has a validation part of its own. */
  readonly hasValidation: boolean;
  /** The number of training examples, when known. */
  readonly trainSize?: number;
  /** Whether examples are images (`augment` and `expand` apply); undefined when not known. */
  readonly images?: boolean;
}

/** The one example shape of a dataset that feeds one input (or any number), when known. */
export function singleExample(info: DatasetInfo): Shape | undefined {
  return info.inputCount === 1 || info.inputCount === "any" ? info.examples[0] : undefined;
}

/**
 * What a bound dataset value provides; undefined when the value is unknown (already reported).
 * `facts` is what its files' headers say (check-data-files.ts), for what the arguments leave open.
 */
export function datasetInfo(value: Value | undefined, facts?: DataFacts): DatasetInfo | undefined {
  const v = value && concrete(value);
  if (!v || v.kind !== "ctor") return undefined;
  const args = v.args;
  const name = v.signature.name;
  switch (name) {
    case "mnist": {
      const flat = bool(args, "flat") ?? false;
      return {
        name,
        inputCount: 1,
        examples: [flat ? shape([784]) : shape([28, 28, 1])],
        exampleFrom: flat ? "flat" : undefined,
        realValued: true,
        outputCount: 1,
        targets: { kind: "classes", classes: MNIST_CLASSES, perExample: true },
        hasValidation: (number(args, "validation") ?? 0) > 0,
        trainSize: number(args, "train"),
        images: true,
      };
    }
    case "adding_problem": {
      const length = number(args, "length");
      return {
        name,
        inputCount: 1,
        examples: [length === undefined ? undefined : shape([length, 2])],
        exampleFrom: "length",
        realValued: true,
        outputCount: 1,
        targets: { kind: "regression", shape: shape([1]) },
        hasValidation: (number(args, "validation") ?? 0) > 0,
        trainSize: number(args, "train"),
        images: false,
      };
    }
    case "images": {
      const size = numbers(args, "size");
      const color = enumName(args, "color") as keyof typeof CHANNELS | undefined;
      const channels = color && CHANNELS[color];
      const stated = size?.length === 2 && channels ? shape([...size, channels]) : undefined;
      const read = !args.get("size")?.node ? facts?.examples[0] : undefined;
      const classes = classCount(args) ?? facts?.classes?.count;
      return {
        name,
        inputCount: 1,
        examples: [stated ?? (read && shape(read))],
        exampleFrom: args.get("size")?.node ? "size" : undefined,
        exampleOrigins: read ? [facts?.origins[0]] : undefined,
        realValued: true,
        outputCount: 1,
        targets: { kind: "classes", classes, perExample: true },
        targetsOrigin: classCount(args) === undefined ? facts?.classes?.origin : undefined,
        hasValidation: args.has("validation"),
        images: true,
      };
    }
    default:
      return isUserSource(name) ? userFileInfo(name, args, facts) : undefined;
  }
}

/** idx, csv, npy, json: shapes and targets as their arguments state them, else as their files' headers say. */
function userFileInfo(name: string, args: BoundArgs, facts: DataFacts | undefined): DatasetInfo {
  const features = featureCounts(args);
  const given = numbers(args, "shape");
  const inputCount: TensorCount = name === "json" ? "any" : name === "csv" ? (features?.length ?? 1) : name === "npy" ? (count(args, "x") ?? 1) : 1;
  const outputCount: TensorCount = name === "json" ? "any" : name === "csv" ? (count(args, "label") ?? 1) : name === "npy" ? (count(args, "y") ?? 1) : 1;
  // `shape:` describes one input's examples; with several npy inputs it is an error (check-dataset.ts).
  const stated: (Shape | undefined)[] = features ? features.map((n) => shape([n])) : inputCount === 1 || inputCount === "any" ? [given && shape(given)] : [];
  // What the headers say fills what the arguments leave open (one entry per input; json: none).
  const read = typeof inputCount === "number" && facts ? facts.examples.slice(0, inputCount) : [];
  const examples = Array.from({ length: Math.max(stated.length, read.length) }, (_, i) => stated[i] ?? (read[i] && shape(read[i]!)));
  const fromFiles = examples.map((e, i) => (e && !stated[i] ? facts?.origins[i] : undefined));
  const single = examples.length === 1 ? examples[0] : undefined;
  return {
    name,
    inputCount,
    examples,
    exampleFrom: features ? "features" : given ? "shape" : undefined,
    exampleOrigins: fromFiles.some((o) => o !== undefined) ? fromFiles : undefined,
    realValued: false,
    outputCount,
    targets: outputCount === 1 || outputCount === "any" ? userTargets(args, name === "csv") : { kind: "unknown" },
    hasValidation: args.has("validation"),
    images: features ? false : single ? single.length >= 2 : undefined,
  };
}

function userTargets(args: BoundArgs, perExample: boolean): Targets {
  if (args.has("classes")) return { kind: "classes", classes: classCount(args), perExample };
  const targets = number(args, "targets");
  if (targets !== undefined) return { kind: "regression", shape: shape([targets]) };
  return { kind: "unknown" };
}

/**
 * `classes: 10` or `classes: ["cat", "dog"]` → the count; undefined when not given, unknown, or a
 * list that is reported as wrong (fewer than two names, or a name twice).
 */
function classCount(args: BoundArgs): number | undefined {
  const v = args.get("classes")?.value;
  const c = v && concrete(v);
  if (c?.kind === "number") return c.value;
  if (c?.kind !== "list") return undefined;
  const names = new Set(c.items.map((i) => (i.kind === "string" ? i.value : undefined)));
  return names.size === c.items.length && !names.has(undefined) && names.size >= 2 ? names.size : undefined;
}

/** csv `features: n` or `features: [a, b]` as a list of counts; undefined when absent or unknown. */
function featureCounts(args: BoundArgs): number[] | undefined {
  const single = number(args, "features");
  return single !== undefined ? [single] : numbers(args, "features");
}

/** The length of a list argument, 1 for a single item, undefined when unknown. */
function count(args: BoundArgs, name: string): number | undefined {
  const v = args.get(name)?.value;
  const c = v && concrete(v);
  if (!c || c.kind === "unknown") return undefined;
  return c.kind === "list" ? c.items.length : 1;
}

function shape(dims: readonly number[]): Shape {
  return dims.map(dimConst);
}

function number(args: BoundArgs, name: string): number | undefined {
  const v = args.get(name)?.value;
  const c = v && concrete(v);
  return c?.kind === "number" ? c.value : undefined;
}

function bool(args: BoundArgs, name: string): boolean | undefined {
  const v = args.get(name)?.value;
  const c = v && concrete(v);
  return c?.kind === "bool" ? c.value : undefined;
}

function enumName(args: BoundArgs, name: string): string | undefined {
  const v = args.get(name)?.value;
  const c = v && concrete(v);
  return c?.kind === "enum" ? c.name : undefined;
}

function numbers(args: BoundArgs, name: string): number[] | undefined {
  const v = args.get(name)?.value;
  const c = v && concrete(v);
  if (c?.kind !== "list") return undefined;
  const items = c.items.map(concrete);
  return items.every((i) => i.kind === "number") ? items.map((i) => (i.kind === "number" ? i.value : 0)) : undefined;
}
