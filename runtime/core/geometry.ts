/**
 * The geometry of a window sliding over one spatial axis, as TensorFlow (and so tfjs-layers)
 * defines it, written once for the checker (symbolic lengths), the native kernels and the compiled
 * network's planner (numbers):
 *
 *     valid: out = floor((in − d(k − 1) − 1) / s) + 1, no padding
 *     same:  out = ceil(in / s), padding max((out − 1)·s + d(k − 1) + 1 − in, 0) split with the extra after
 *
 * for window size k, stride s and dilation d.
 */

export type Padding = "valid" | "same";

/** The arithmetic the formulas need, so that the checker can run them on symbolic lengths. */
export interface Arithmetic<T> {
  constant(n: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  floorDiv(a: T, n: number): T;
  ceilDiv(a: T, n: number): T;
}

export const NUMBERS: Arithmetic<number> = {
  constant: (n) => n,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  floorDiv: (a, n) => Math.floor(a / n),
  ceilDiv: (a, n) => Math.ceil(a / n),
};

/** The length of an axis of length `input` after a window of `size` has slid over it. */
export function slidLength<T>(math: Arithmetic<T>, input: T, size: T, stride: number, dilation: number, padding: Padding): T {
  if (padding === "same") return stride === 1 ? input : math.ceilDiv(input, stride);
  // floor((H − d(k − 1) − 1) / s) + 1 = floor((H − d·k + d − 1 + s) / s)
  const span = math.add(math.sub(input, math.mul(math.constant(dilation), size)), math.constant(dilation - 1 + stride));
  return stride === 1 ? span : math.floorDiv(span, stride);
}

/**
 * How far the windows of an output of length `output` reach past an input of length `input`: the
 * padding they need in all, negative when the last window ends before the input does.
 */
export function reachPast(input: number, output: number, size: number, stride: number, dilation: number): number {
  return (output - 1) * stride + (size - 1) * dilation + 1 - input;
}

/** The padding before and after one axis: none for `valid`; for `same` the total split with the extra after. */
export function paddingOf(padding: Padding, input: number, output: number, size: number, stride: number, dilation: number): [number, number] {
  if (padding === "valid") return [0, 0];
  const total = Math.max(reachPast(input, output, size, stride, dilation), 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}
