/**
 * Cutting examples into batches. Each batch is copied into fresh typed arrays that the tensors then
 * own (the cpu backend keeps the array it is given, so a shared buffer would be overwritten).
 */
import * as tf from "@tensorflow/tfjs";
import { sizeOf, type Column, type Examples } from "../data/examples.js";

export interface Batch {
  /** One tensor per model input. */
  readonly xs: readonly tf.Tensor[];
  /** One tensor per model output. */
  readonly ys: readonly tf.Tensor[];
  readonly size: number;
}

/** The element type of each model input. */
export type InputDtypes = readonly ("float32" | "int32")[];

/** The rows `order[start … end-1]` of a column (or `start … end-1` without an order), copied. */
export function rowsOf(column: Column, order: ArrayLike<number> | null, start: number, end: number): Float32Array {
  const size = sizeOf(column.shape);
  if (order === null) return column.values.slice(start * size, end * size);
  const out = new Float32Array((end - start) * size);
  for (let i = start; i < end; i++) {
    const r = order[i];
    out.set(column.values.subarray(r * size, (r + 1) * size), (i - start) * size);
  }
  return out;
}

/** The rows `order[start … end-1]` of `data` as tensors. */
export function makeBatch(data: Examples, order: ArrayLike<number> | null, start: number, end: number, dtypes: InputDtypes): Batch {
  const size = end - start;
  const xs = data.inputs.map((column, i) => {
    const x = rowsOf(column, order, start, end);
    return dtypes[i] === "int32" ? tf.tensor(Int32Array.from(x), [size, ...column.shape], "int32") : tf.tensor(x, [size, ...column.shape]);
  });
  const ys = data.targets.map((column) => tf.tensor(rowsOf(column, order, start, end), [size, ...column.shape]));
  return { xs, ys, size };
}

export function disposeBatch(batch: Batch): void {
  for (const t of batch.xs) t.dispose();
  for (const t of batch.ys) t.dispose();
}

/** A model applied to a batch's inputs: one tensor per output, whatever the model's arity. */
export function applyModel(model: tf.LayersModel, xs: readonly tf.Tensor[], training: boolean): tf.Tensor[] {
  const out = model.apply(xs.length === 1 ? xs[0] : [...xs], { training });
  return Array.isArray(out) ? (out as tf.Tensor[]) : [out as tf.Tensor];
}
