/**
 * The datasets a training can read (`data:` and `validation:`), as one constructor type.
 *
 * The built-in sets (`mnist`, `adding_problem`) know their shapes. User sources (`idx`, `csv`, `npy`,
 * `json`, `images`) get their shapes from the files at run time, where every row is validated; they
 * may state them as arguments, and then the compiler checks them against the model:
 *
 *     idx("train-images.idx", "train-labels.idx", shape: [28, 28, 1], classes: 10, test: 0.2)
 *     csv("digits.csv", label: "digit", features: 784, classes: 10, validation: "val.csv")
 *     csv("houses.csv", label: ["price", "days"], features: [12, 4])   // two inputs, two outputs
 *     npy(["image.npy", "meta.npy"], "y.npy", test: [["ti.npy", "tm.npy"], "ty.npy"])
 *     json("examples.json", shape: [12], classes: ["cat", "dog", "bird"])
 *     images("photos/", size: [64, 64], color: rgb, validation: 0.1)
 *
 * What each provides is in dataset-info.ts; what the signatures cannot say is checked in
 * check-dataset.ts, and the form of `test:`/`validation:` parts in dataset-parts.ts.
 */
import { BOOL, NON_NEGATIVE_INT, POSITIVE_FLOAT, POSITIVE_INT, STRING, type ParamSpec, type Signature, type ValueType } from "../schema/types.js";
import { flag, named, num } from "../schema/values.js";
import { PART } from "./dataset-parts.js";

/** The official MNIST training set (the lectures take validation from its end) and test set. */
export const MNIST_TRAINING_IMAGES = 60_000;
export const MNIST_TEST_IMAGES = 10_000;
export const MNIST_CLASSES = 10;

/** The user sources: files read at run time, with `test:`, `validation:` and `classes:` arguments. */
export const USER_SOURCES = ["idx", "csv", "npy", "json", "images"] as const;

export const PATH: ValueType = { kind: "path" };
const PATHS: ValueType = { kind: "union", what: "file or list of files", of: [PATH, { kind: "list", of: PATH, minItems: 1 }] };
const SHAPE: ValueType = { kind: "list", of: POSITIVE_INT, minItems: 1 };
const CLASS_NAMES: ValueType = { kind: "list", of: STRING, minItems: 1 };
const CLASSES: ValueType = { kind: "union", what: "class count or class names", of: [{ kind: "int", range: { min: 2 } }, CLASS_NAMES] };
const COLUMN: ValueType = { kind: "union", what: "column name or index", of: [STRING, NON_NEGATIVE_INT] };
const COLUMNS: ValueType = { kind: "union", what: "column or list of columns", of: [STRING, NON_NEGATIVE_INT, { kind: "list", of: COLUMN, minItems: 1 }] };
const FEATURES: ValueType = { kind: "union", what: "feature count or list of counts", of: [POSITIVE_INT, { kind: "list", of: POSITIVE_INT, minItems: 1 }] };
export const COLOR_MODES = ["grayscale", "rgb", "rgba"] as const;
/** Channels per pixel of each color mode. */
export const CHANNELS: Readonly<Record<(typeof COLOR_MODES)[number], number>> = { grayscale: 1, rgb: 3, rgba: 4 };

const shapeParam: ParamSpec = { name: "shape", type: SHAPE, doc: "the shape of one example, e.g. `[28, 28, 1]`; read from the file when not given" };
const classesParam: ParamSpec = {
  name: "classes",
  type: CLASSES,
  doc: "the targets are classes: their count (`10`: classes 0…9), or their names in index order (`[\"cat\", \"dog\"]`)",
};
const targetsParam: ParamSpec = { name: "targets", type: POSITIVE_INT, doc: "the targets are real vectors of this length (regression)" };

/** `test:` and `validation:` of a user source; `files` says what its own files are. */
function partParams(files: string): ParamSpec[] {
  const form = (part: string) =>
    `a fraction of the training files split off as the ${part} part (\`0.1\`, seeded by the training's \`seed\`), or ${files}`;
  return [
    { name: "test", type: PART, doc: `the test part: ${form("test")}` },
    { name: "validation", type: PART, doc: `the validation part: ${form("validation")}; not together with the training key \`validation\`` },
  ];
}

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
    doc: "A pair of IDX files (the format MNIST is distributed in): examples and class labels, for a model with one input and one output. The shape comes from the examples' header; integer examples may feed an `int32` input.",
    params: [
      { name: "images", type: PATH, required: true, doc: "the IDX file of examples" },
      { name: "labels", type: PATH, required: true, doc: "the IDX file of class labels" },
      shapeParam,
      classesParam,
      ...partParams("two IDX files of its own, `[images, labels]`"),
    ],
  },
  {
    name: "csv",
    doc: "A CSV file with a header row, one example per row: label columns (one per model output) and feature columns (the others, left to right, shared among the model's inputs). Class labels may be numbers or names.",
    params: [
      { name: "path", type: PATH, required: true, doc: "the CSV file" },
      {
        name: "label",
        type: COLUMNS,
        required: true,
        doc: "the label column, by its name in the header or its 0-based index; a list gives one column per model output, in output order",
      },
      {
        name: "features",
        type: FEATURES,
        doc: "how many feature columns each example has (`784`: one input of `[784]`); a list gives one count per model input, taken left to right among the non-label columns. Default: every non-label column, for one input",
      },
      classesParam,
      targetsParam,
      ...partParams("a CSV file of its own with the same columns"),
    ],
  },
  {
    name: "npy",
    doc: "NumPy `.npy` arrays, examples on the first axis: one file of examples per model input and one file of targets per model output.",
    params: [
      { name: "x", type: PATHS, required: true, doc: "the examples: one file, or a list with one file per model input, in input order" },
      { name: "y", type: PATHS, required: true, doc: "the targets: one file, or a list with one file per model output, in output order" },
      shapeParam,
      classesParam,
      targetsParam,
      ...partParams("files of its own, `[x, y]`, with x and y written as in `x:` and `y:`"),
    ],
  },
  {
    name: "json",
    doc: 'A JSON file: an array of `{"x": …, "y": …}` examples. For a model with several inputs or outputs, `x` and `y` are objects keyed by the input and output names.',
    params: [
      { name: "path", type: PATH, required: true, doc: "the JSON file" },
      { ...shapeParam, doc: "the shape of one example, for a model with one input, e.g. `[12]`; read from the file when not given" },
      classesParam,
      targetsParam,
      ...partParams("a JSON file of its own"),
    ],
  },
  {
    name: "images",
    doc: "A folder of images (PNG or JPEG) with one subfolder per class; the subfolder names are the class names, sorted unless `classes` lists them. Each image is one example of shape `[height, width, channels]`.",
    params: [
      { name: "path", type: PATH, required: true, doc: "the folder; each subfolder holds the images of one class" },
      {
        name: "size",
        type: SHAPE,
        doc: "`[height, width]` every image is resized to; without it every image must already have the same size, known only when they are read",
      },
      {
        name: "color",
        type: { kind: "enum", what: "color mode", values: COLOR_MODES },
        default: named("rgb"),
        doc: "`grayscale` (1 channel), `rgb` (3) or `rgba` (4)",
      },
      { name: "scale", type: POSITIVE_FLOAT, default: num(1 / 255), doc: "each pixel value 0…255 is multiplied by this (1 / 255: values in [0, 1])" },
      { name: "classes", type: CLASS_NAMES, doc: "the subfolder names in class-index order; every subfolder must be listed" },
      ...partParams("a folder of its own with the same subfolders"),
    ],
  },
];

export const DATASET: ValueType = { kind: "ctor", what: "dataset", ctors: DATASETS };

/** Whether a dataset name is a user source. */
export function isUserSource(name: string): name is (typeof USER_SOURCES)[number] {
  return (USER_SOURCES as readonly string[]).includes(name);
}
