/**
 * Cutting examples into batches. Each batch is copied into a fresh typed array that the tensor then
 * owns (the cpu backend keeps the array it is given, so a shared buffer would be overwritten).
 */
import * as tf from "@tensorflow/tfjs";
import { sizeOf, type Examples } from "../data/examples.js";

export interface Batch {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
  readonly size: number;
}

/** The rows `order[start … end-1]` of `data` as tensors. */
export function makeBatch(data: Examples, order: ArrayLike<number> | null, start: number, end: number, inputDtype: "float32" | "int32"): Batch {
  const xs = sizeOf(data.xShape);
  const ys = sizeOf(data.yShape);
  const size = end - start;
  let x: Float32Array;
  let y: Float32Array;
  if (order === null) {
    x = data.x.slice(start * xs, end * xs);
    y = data.y.slice(start * ys, end * ys);
  } else {
    x = new Float32Array(size * xs);
    y = new Float32Array(size * ys);
    for (let i = 0; i < size; i++) {
      const r = order[start + i];
      x.set(data.x.subarray(r * xs, (r + 1) * xs), i * xs);
      y.set(data.y.subarray(r * ys, (r + 1) * ys), i * ys);
    }
  }
  const xTensor = inputDtype === "int32" ? tf.tensor(Int32Array.from(x), [size, ...data.xShape], "int32") : tf.tensor(x, [size, ...data.xShape]);
  return { x: xTensor, y: tf.tensor(y, [size, ...data.yShape]), size };
}
