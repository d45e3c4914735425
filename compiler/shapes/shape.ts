/**
 * A shape is the list of a tensor's per-example dimensions; the batch axis is implicit.
 */
import { dimConst, dimEquals, dimToJson, dimToString, isConst, mul, type Dim } from "./dim.js";

export type Shape = readonly Dim[];

/** `[24, 24, 20]`, `[T - 2, 8]`. */
export function shapeToString(shape: Shape): string {
  return `[${shape.map(dimToString).join(", ")}]`;
}

export function shapeEquals(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => dimEquals(d, b[i]));
}

/** Numbers for constant dimensions, strings for symbolic ones (`["T - 2", 8]`). */
export function shapeToJson(shape: Shape): (number | string)[] {
  return shape.map(dimToJson);
}

/** The number of values in one example (what `flatten` gives). */
export function product(shape: Shape): Dim {
  return shape.reduce(mul, dimConst(1));
}

export function isFullyConstant(shape: Shape): boolean {
  return shape.every(isConst);
}
