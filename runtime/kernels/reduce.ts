/**
 * Reductions on float32 tensors over any axes, read in place (tfjs's JavaScript kernels first
 * transpose the reduced axes innermost): Sum, Mean, Prod, Max, Min, and ArgMax/ArgMin (int32).
 */
import * as tf from "@tensorflow/tfjs";
import { functionsOf, type NativeAddon } from "../addon/addon.js";
import { floatOutput, floatsOf, sizeOfShape, type KernelArgs, type KernelResult, type NativeKernel } from "./kernel.js";

type Floats = Float32Array;

/** out = the reduction of x (of `shape`) over `axes` (non-negative); out has the kept dimensions. */
type ReduceFunction = (x: Floats, shape: number[], axes: number[], out: Floats) => void;
/** x is [outer, count, inner]: out[o, i] = the index of the first largest (smallest) x[o, ·, i]. */
type ArgFunction = (x: Floats, outer: number, count: number, inner: number, out: Int32Array) => void;

// Kernel name → addon function and the attribute holding its axes (Max names it differently).
const REDUCTIONS = {
  Sum: { fn: "sum", axisAttr: "axis" },
  Mean: { fn: "mean", axisAttr: "axis" },
  Prod: { fn: "prod", axisAttr: "axis" },
  Max: { fn: "max", axisAttr: "reductionIndices" },
  Min: { fn: "min", axisAttr: "axis" },
} as const;
const ARG_REDUCTIONS = { ArgMax: "argMax", ArgMin: "argMin" } as const;

type ReduceFunctions = Record<(typeof REDUCTIONS)[keyof typeof REDUCTIONS]["fn"], ReduceFunction> &
  Record<(typeof ARG_REDUCTIONS)[keyof typeof ARG_REDUCTIONS], ArgFunction>;

/** The attribute's axes, made non-negative; undefined when it is not a number or a list of them. */
function axesOf(attribute: unknown, shape: number[]): number[] | undefined {
  if (typeof attribute !== "number" && !(Array.isArray(attribute) && attribute.every((a) => typeof a === "number"))) return undefined;
  return tf.util.parseAxisParam(attribute, shape);
}

function reduce(fn: ReduceFunction, axisAttr: string, { inputs, backend, attrs }: KernelArgs): KernelResult | null {
  const { x } = inputs;
  const xv = floatsOf(backend, x);
  if (!x || !xv || xv.length === 0) return null;
  const axes = axesOf(attrs[axisAttr], x.shape);
  if (!axes) return null;
  const [outShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
  const out = new Float32Array(sizeOfShape(outShape));
  fn(xv, x.shape, axes, out);
  return floatOutput(backend, attrs.keepDims ? tf.backend_util.expandShapeToKeepDim(outShape, axes) : outShape, out);
}

// tfjs reduces the first of the axes it is given.
function argReduce(fn: ArgFunction, { inputs, backend, attrs }: KernelArgs): KernelResult | null {
  const { x } = inputs;
  const xv = floatsOf(backend, x);
  const axis = x ? axesOf(attrs.axis, x.shape)?.[0] : undefined;
  if (!x || !xv || xv.length === 0 || axis === undefined) return null;
  const outShape = x.shape.filter((_, i) => i !== axis);
  const out = new Int32Array(sizeOfShape(outShape));
  fn(xv, sizeOfShape(x.shape.slice(0, axis)), x.shape[axis]!, sizeOfShape(x.shape.slice(axis + 1)), out);
  return backend.makeTensorInfo(outShape, "int32", out);
}

export function reduceKernels(native: NativeAddon): NativeKernel[] {
  const names = [...Object.values(REDUCTIONS).map((r) => r.fn), ...Object.values(ARG_REDUCTIONS)];
  const addon = functionsOf<ReduceFunctions>(native, names);
  return [
    ...Object.entries(REDUCTIONS).map(([name, { fn, axisAttr }]): NativeKernel => ({ name, run: (args) => reduce(addon[fn], axisAttr, args) })),
    ...Object.entries(ARG_REDUCTIONS).map(([name, fn]): NativeKernel => ({ name, run: (args) => argReduce(addon[fn], args) })),
  ];
}
