/**
 * A shape is the list of a tensor's per-example dimensions; the batch axis is implicit, as in Keras'
 * `inputShape`, so `[28, 28, 1]` describes one image.
 */
import { dimConst, dimEquals, dimToJson, dimToString, isConst, mul, type Dim } from "./dim.js";

/** The per-example dimensions of a tensor, outermost first. */
export type Shape = readonly Dim[];

/** Prints a shape as the language writes it: `[24, 24, 20]`, `[T - 2, 8]`. */
export function shapeToString(shape: Shape): string {
  return `[${shape.map(dimToString).join(", ")}]`;
}

/** Whether two shapes have the same rank and equal dimensions. */
export function shapeEquals(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => dimEquals(d, b[i]));
}

/** The JSON form used by `nnc summary`: numbers for constant dimensions, strings for symbolic ones (`["T - 2", 8]`). */
export function shapeToJson(shape: Shape): (number | string)[] {
  return shape.map(dimToJson);
}

/** The number of values in one example, which `flatten` produces; 1 for a scalar shape `[]`. */
export function product(shape: Shape): Dim {
  return shape.reduce(mul, dimConst(1));
}

/** Whether every dimension is a known integer, as `flatten` and `dense` weights need. */
export function isFullyConstant(shape: Shape): boolean {
  return shape.every(isConst);
}
