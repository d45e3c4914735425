/**
 * Sliding windows, shared by the convolutions and the pooling layers: reading the window's
 * arguments (`kernel` or `size`, `stride`, `dilation`: one integer for every spatial axis, or a list
 * with one per axis) and the length of each spatial axis after the window has slid over it:
 *
 *     valid: floor((H − d(k − 1) − 1) / s) + 1        same: ceil(H / s)
 *
 * Symbolic lengths stay symbolic (`T - 2`). A window that does not fit its input — a constant
 * output length ≤ 0 — is E201.
 */
import { add, ceilDiv, constValue, dimConst, dimToString, floorDiv, isConst, isPositive, mul, sub, type Dim } from "../shapes/dim.js";
import { POSITIVE_DIM, POSITIVE_INT, type ValueType } from "../schema/types.js";
import { arg, concrete, type BoundArgs, type Value } from "../schema/values.js";
import type { ShapeProblem } from "./layer.js";
import { enumArg } from "./common.js";
import { slidLength, type Arithmetic, type Padding } from "../../runtime/core/geometry.js";

/** A window size: one integer for every spatial axis, or a list with one per axis (`[3, 5]`). */
export const WINDOW_SIZE: ValueType = {
  kind: "union",
  what: "window size",
  of: [POSITIVE_DIM, { kind: "list", of: POSITIVE_DIM, minItems: 1 }],
};

/** A step (stride or dilation): one integer for every spatial axis, or a list with one per axis. */
export const WINDOW_STEP: ValueType = {
  kind: "union",
  what: "step",
  of: [POSITIVE_INT, { kind: "list", of: POSITIVE_INT, minItems: 1 }],
};

export type { Padding };

/** A window as it slides over `size.length` spatial axes. */
export interface Window {
  /** The kernel or pool size per axis; may be symbolic (a block's `int` parameter). */
  readonly size: readonly Dim[];
  readonly stride: readonly number[];
  readonly dilation: readonly number[];
  readonly padding: Padding;
}

/** The names a layer gives its window arguments. */
export interface WindowArgs {
  /** `kernel` for convolutions, `size` for pooling. */
  readonly size: string;
  /** Pooling has no dilation. */
  readonly dilation?: string;
  /** When true, a missing `stride` means "the window's size" (pooling). */
  readonly strideDefaultsToSize?: boolean;
}

/** Windows already read, by the arguments they were read from, so that each is read once. */
const read = new WeakMap<BoundArgs, Window>();

/**
 * The window of arguments that checked (their shape inference read and recorded it), for counting
 * parameters, code generation and the native plan.
 */
export function checkedWindow(layer: string, args: BoundArgs, axes: number, names: WindowArgs): Window {
  const window = read.get(args) ?? readWindow(layer, args, axes, names, () => undefined);
  if (!window) throw new Error(`${layer}: its window did not check`);
  return window;
}

/**
 * Reads the window arguments of `layer` for `axes` spatial axes. Reports a problem and returns
 * undefined when one is wrong; returns undefined quietly when one was already reported as wrong.
 */
export function readWindow(
  layer: string,
  args: BoundArgs,
  axes: number,
  names: WindowArgs,
  report: (problem: ShapeProblem) => void,
): Window | undefined {
  const size = perAxis(layer, args, names.size, axes, report);
  if (!size) return undefined;
  let stride: readonly number[] | undefined;
  if (names.strideDefaultsToSize && isAbsent(args, "stride")) {
    const constant = size.map(constValue);
    if (constant.some((s) => s === undefined)) {
      report({
        code: "E104",
        message: `${layer} needs a known stride, but its size ${size.map(dimToString).join("×")} is symbolic and the stride defaults to the size`,
        argument: names.size,
        help: "give `stride:` explicitly",
      });
      return undefined;
    }
    stride = constant as number[];
  } else {
    stride = constants(layer, "stride", perAxis(layer, args, "stride", axes, report), report);
  }
  if (!stride) return undefined;
  const dilation = names.dilation ? constants(layer, names.dilation, perAxis(layer, args, names.dilation, axes, report), report) : size.map(() => 1);
  if (!dilation) return undefined;
  if (stride.some((s) => s > 1) && dilation.some((d) => d > 1)) {
    report({
      code: "E105",
      message: `${layer} cannot combine stride ${stride.join("×")} with dilation ${dilation.join("×")}`,
      argument: names.dilation,
      help: "TensorFlow.js needs either the stride or the dilation to be 1: use `stride: 1` with a dilation, or `dilation: 1` with a stride",
    });
    return undefined;
  }
  const padding = (enumArg(args, "padding") ?? "valid") as Padding;
  const window = { size, stride, dilation, padding };
  read.set(args, window);
  return window;
}

/** Dimensions as the window geometry (runtime/core/geometry.ts) computes with them. */
const DIMS: Arithmetic<Dim> = { constant: dimConst, add, sub, mul, floorDiv: (a, n) => floorDiv(a, n), ceilDiv: (a, n) => ceilDiv(a, n) };

/** The length of one spatial axis of `input` after the window has slid over it. */
export function slide(input: Dim, size: Dim, stride: number, dilation: number, padding: Padding): Dim {
  return slidLength(DIMS, input, size, stride, dilation, padding);
}

/**
 * Slides `window` over the spatial axes `spatial`; the E201 problem when it does not fit (a constant
 * output length ≤ 0), otherwise the output lengths.
 */
export function slideAll(
  layer: string,
  spatial: readonly Dim[],
  window: Window,
  help: string,
): { readonly output: readonly Dim[] } | { readonly problem: ShapeProblem } {
  const output = spatial.map((h, i) => slide(h, window.size[i], window.stride[i], window.dilation[i], window.padding));
  const fits = output.every((d) => (isConst(d) ? (constValue(d) ?? 0) > 0 : isPositive(d) !== false));
  if (fits) return { output };
  const size = window.size.map(dimToString).join("×");
  const dilated = window.dilation.some((d) => d > 1)
    ? ` (dilated to ${window.size.map((k, i) => dimToString(add(mul(dimConst(window.dilation[i]), sub(k, dimConst(1))), dimConst(1)))).join("×")})`
    : "";
  return {
    problem: {
      code: "E201",
      message: `${layer} window ${size}${dilated} does not fit its input ${spatial.map(dimToString).join("×")}`,
      help,
    },
  };
}

function isAbsent(args: BoundArgs, name: string): boolean {
  const v = arg(args, name);
  return v === undefined;
}

/** One value per spatial axis, from an integer or a list; undefined when wrong or unknown. */
function perAxis(layer: string, args: BoundArgs, name: string, axes: number, report: (problem: ShapeProblem) => void): Dim[] | undefined {
  const v = arg(args, name);
  if (!v) return undefined;
  const c = concrete(v);
  if (c.kind !== "list") {
    const d = asDim(c);
    return d ? Array.from({ length: axes }, () => d) : undefined;
  }
  if (c.items.length !== axes && c.items.length !== 1) {
    report({
      code: "E104",
      message: `the ${name} of ${layer} is one integer or a list of ${axes}, one per spatial axis; found a list of ${c.items.length}`,
      argument: name,
      help: axes === 1 ? `write \`${name}: ${valueText(c.items[0])}\`` : `write one integer for every axis, or ${axes} in a list`,
    });
    return undefined;
  }
  const dims = c.items.map(asDim);
  if (dims.some((d) => d === undefined)) return undefined;
  return c.items.length === 1 ? Array.from({ length: axes }, () => dims[0]!) : (dims as Dim[]);
}

/** Strides and dilations must be known integers. */
function constants(layer: string, name: string, dims: Dim[] | undefined, report: (problem: ShapeProblem) => void): number[] | undefined {
  if (!dims) return undefined;
  const values = dims.map(constValue);
  if (values.every((v): v is number => v !== undefined)) return values;
  report({
    code: "E104",
    message: `the ${name} of ${layer} must be a known integer, found ${dims.map(dimToString).join("×")}`,
    argument: name,
    help: `give \`${name}:\` a number`,
  });
  return undefined;
}

function asDim(value: Value): Dim | undefined {
  if (value.kind === "number") return dimConst(value.value);
  if (value.kind === "dim") return value.dim;
  return undefined;
}

function valueText(value: Value | undefined): string {
  if (value?.kind === "number") return String(value.value);
  if (value?.kind === "dim") return dimToString(value.dim);
  return "…";
}
