/**
 * The datasets a training can read (`data:` and `validation:`), as one constructor type, and what each
 * provides: the per-example input shape, the kind of targets, and whether it has a validation part.
 *
 * The built-in sets (`mnist`, `adding_problem`) know their shapes. User files (`idx`, `csv`, `npy`,
 * `json`) get their shapes from the file at run time, where every row is validated; they may state
 * them as arguments, and then the compiler checks them against the model:
 *
 *     idx("train-images.idx", "train-labels.idx", shape: [28, 28, 1], classes: 10)
 *     csv("digits.csv", label: "digit", features: 784, classes: 10)
 *     npy("x.npy", "y.npy", shape: [50, 2], targets: 1)
 *     json("examples.json", shape: [12], classes: 3)
 *
 * `classes: n` means the targets are class indices 0…n−1 (one-hot `[n]` for `cross_entropy`);
 * `targets: k` means regression targets of shape `[k]`. User files have no validation part of their
 * own: the training key `validation` takes a fraction of them, or another dataset.
 */
import type { Expr, Range } from "../ast.js";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { BOOL, NON_NEGATIVE_INT, POSITIVE_INT, STRING, type ParamSpec, type Signature, type ValueType } from "../schema/types.js";
import { concrete, flag, num, type BoundArgs, type Value } from "../schema/values.js";
import { dimConst } from "../shapes/dim.js";
import type { Shape } from "../shapes/shape.js";

/** The official MNIST training set (the lectures take validation from its end) and test set. */
export const MNIST_TRAINING_IMAGES = 60_000;
export const MNIST_TEST_IMAGES = 10_000;
export const MNIST_CLASSES = 10;

const PATH: ValueType = { kind: "path" };
const SHAPE: ValueType = { kind: "list", of: POSITIVE_INT, minItems: 1 };
const CLASSES: ValueType = { kind: "int", range: { min: 2 } };
const COLUMN: ValueType = { kind: "union", what: "column name or index", of: [STRING, NON_NEGATIVE_INT] };

const shapeParam: ParamSpec = { name: "shape", type: SHAPE, doc: "the shape of one example, e.g. `[28, 28, 1]`; read from the file when not given" };
const classesParam: ParamSpec = { name: "classes", type: CLASSES, doc: "the targets are class indices 0…classes−1" };
const targetsParam: ParamSpec = { name: "targets", type: POSITIVE_INT, doc: "the targets are real vectors of this length (regression)" };

export const DATASETS: readonly Signature[] = [
  {
    name: "mnist",
    doc: "The MNIST handwritten digits: 60,000 training and 10,000 test images of 28×28 pixels, 10 classes. Validation images are taken from the end of the official training set, as in the lectures.",
    params: [
      { name: "train", type: POSITIVE_INT, default: num(50_000), doc: "training images, from the start of the official 60,000" },
      { name: "validation", type: NON_NEGATIVE_INT, default: num(10_000), doc: "validation images, from the end of the official 60,000 (0 for none)" },
      { name: "test", type: NON_NEGATIVE_INT, default: num(10_000), doc: "test images, from the official 10,000" },
      { name: "flat", type: BOOL, default: flag(false), doc: "give each image as `[784]` instead of `[28, 28, 1]`" },
    ],
  },
  {
    name: "adding_problem",
    doc: "The adding problem of Hochreiter & Schmidhuber: each example is `length` steps of (value, marker); the target is the sum of the two marked values, `[1]`.",
    params: [
      { name: "length", type: { kind: "int", range: { min: 2 } }, required: true, doc: "steps per sequence" },
      { name: "train", type: POSITIVE_INT, default: num(10_000), doc: "training sequences" },
      { name: "validation", type: NON_NEGATIVE_INT, default: num(1_000), doc: "validation sequences (0 for none)" },
      { name: "test", type: NON_NEGATIVE_INT, default: num(1_000), doc: "test sequences" },
    ],
  },
  {
    name: "idx",
    doc: "A pair of IDX files (the format MNIST is distributed in): images and labels; the shape comes from the images' header.",
    params: [
      { name: "images", type: PATH, required: true, doc: "the IDX file of examples" },
      { name: "labels", type: PATH, required: true, doc: "the IDX file of class labels" },
      shapeParam,
      classesParam,
    ],
  },
  {
    name: "csv",
    doc: "A CSV file with a header row: one example per row, the label in one column, the features in the others.",
    params: [
      { name: "path", type: PATH, required: true, doc: "the CSV file" },
      { name: "label", type: COLUMN, required: true, doc: "the label column: its name in the header, or its 0-based index" },
      { name: "features", type: POSITIVE_INT, doc: "the number of feature columns: each example is `[features]`" },
      classesParam,
      targetsParam,
    ],
  },
  {
    name: "npy",
    doc: "Two NumPy `.npy` arrays: examples and targets, with the examples on the first axis.",
    params: [
      { name: "x", type: PATH, required: true, doc: "the examples" },
      { name: "y", type: PATH, required: true, doc: "the targets" },
      shapeParam,
      classesParam,
      targetsParam,
    ],
  },
  {
    name: "json",
    doc: 'A JSON file: an array of `{"x": …, "y": …}` examples.',
    params: [{ name: "path", type: PATH, required: true, doc: "the JSON file" }, shapeParam, classesParam, targetsParam],
  },
];

export const DATASET: ValueType = { kind: "ctor", what: "dataset", ctors: DATASETS };

/** What a dataset's targets are: class indices, real vectors, or not known until the file is read. */
export type Targets =
  | { readonly kind: "classes"; readonly classes: number }
  | { readonly kind: "regression"; readonly shape: Shape }
  | { readonly kind: "unknown" };

/** What a dataset provides, as far as the compiler can know it. */
export interface DatasetInfo {
  /** The constructor: `mnist`, `csv`, … */
  readonly name: string;
  /** The shape of one example, or undefined when it comes from the file at run time. */
  readonly example?: Shape;
  /** Which argument fixed the example shape (`flat`, `length`, `shape`, `features`), for messages. */
  readonly exampleFrom?: string;
  readonly targets: Targets;
  /** Whether the dataset has a validation part of its own. */
  readonly hasValidation: boolean;
  /** The number of training examples, when known. */
  readonly trainSize?: number;
  /** Whether examples are images (`augment` and `expand` apply); undefined when not known. */
  readonly images?: boolean;
}

/** What a bound dataset value provides; undefined when the value is unknown (already reported). */
export function datasetInfo(value: Value | undefined): DatasetInfo | undefined {
  const v = value && concrete(value);
  if (!v || v.kind !== "ctor") return undefined;
  const args = v.args;
  switch (v.signature.name) {
    case "mnist": {
      const flat = bool(args, "flat") ?? false;
      return {
        name: "mnist",
        example: flat ? shape([784]) : shape([28, 28, 1]),
        exampleFrom: flat ? "flat" : undefined,
        targets: { kind: "classes", classes: MNIST_CLASSES },
        hasValidation: (number(args, "validation") ?? 0) > 0,
        trainSize: number(args, "train"),
        images: true,
      };
    }
    case "adding_problem": {
      const length = number(args, "length");
      return {
        name: "adding_problem",
        example: length === undefined ? undefined : shape([length, 2]),
        exampleFrom: "length",
        targets: { kind: "regression", shape: shape([1]) },
        hasValidation: (number(args, "validation") ?? 0) > 0,
        trainSize: number(args, "train"),
        images: false,
      };
    }
    default: {
      const features = number(args, "features");
      const given = numbers(args, "shape");
      const example = features !== undefined ? shape([features]) : given && shape(given);
      return {
        name: v.signature.name,
        example,
        exampleFrom: features !== undefined ? "features" : given ? "shape" : undefined,
        targets: userTargets(args),
        hasValidation: false,
        images: example ? example.length >= 2 : undefined,
      };
    }
  }
}

function userTargets(args: BoundArgs): Targets {
  const classes = number(args, "classes");
  if (classes !== undefined) return { kind: "classes", classes };
  const targets = number(args, "targets");
  if (targets !== undefined) return { kind: "regression", shape: shape([targets]) };
  return { kind: "unknown" };
}

/**
 * Checks what the signature cannot say about a dataset: MNIST has only 60,000 training and 10,000
 * test images (E105), and a user file gives either `classes` or `targets`, not both (E303).
 */
export function checkDataset(value: Value, expr: Expr, ctx: { readonly file: string; report(d: Diagnostic): void }): void {
  const v = concrete(value);
  if (v.kind !== "ctor") return;
  const args = v.args;
  const at = (name: string): Range => args.get(name)?.node?.range ?? expr.range;
  const outOfRange = (range: Range, message: string, help: string): void =>
    ctx.report(diagnostic({ code: "E105", file: ctx.file, range, message, help }));
  if (v.signature.name === "mnist") {
    const train = number(args, "train") ?? 0;
    const validation = number(args, "validation") ?? 0;
    const test = number(args, "test") ?? 0;
    if (train > MNIST_TRAINING_IMAGES) {
      outOfRange(at("train"), `mnist has ${MNIST_TRAINING_IMAGES} training images; \`train: ${train}\` asks for more`, `use at most \`train: ${MNIST_TRAINING_IMAGES - validation}\` next to \`validation: ${validation}\``);
    } else if (train + validation > MNIST_TRAINING_IMAGES) {
      const culprit = args.get("validation")?.node ? "validation" : "train";
      outOfRange(
        at(culprit),
        `mnist has ${MNIST_TRAINING_IMAGES} training images, but train ${train} + validation ${validation} = ${train + validation}`,
        `validation images come from the end of the training set: lower \`train\` to ${MNIST_TRAINING_IMAGES - validation} or \`validation\` to ${MNIST_TRAINING_IMAGES - train}`,
      );
    }
    if (test > MNIST_TEST_IMAGES) {
      outOfRange(at("test"), `mnist has ${MNIST_TEST_IMAGES} test images; \`test: ${test}\` asks for more`, `use at most \`test: ${MNIST_TEST_IMAGES}\``);
    }
    return;
  }
  const classes = args.get("classes")?.node;
  const targets = args.get("targets")?.node;
  if (classes && targets) {
    ctx.report(
      diagnostic({
        code: "E303",
        file: ctx.file,
        range: targets.range,
        message: `\`${v.signature.name}\` is given both \`classes\` (classification) and \`targets\` (regression)`,
        labels: [{ file: ctx.file, range: classes.range, message: "classes given here" }],
        help: "keep `classes` for class labels, or `targets` for real-valued targets",
      }),
    );
  }
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

function numbers(args: BoundArgs, name: string): number[] | undefined {
  const v = args.get(name)?.value;
  const c = v && concrete(v);
  if (c?.kind !== "list") return undefined;
  const items = c.items.map(concrete);
  return items.every((i) => i.kind === "number") ? items.map((i) => (i.kind === "number" ? i.value : 0)) : undefined;
}
