/**
 * Element-wise kernels: binary operations with broadcasting (comparisons and logical ones give
 * bool tensors, stored as 0/1 bytes like the cpu backend does), unary operations, AddN, Select,
 * Cast and EluGrad. float32 only (bool for the logical ones); other dtypes run the JavaScript
 * kernel.
 */
import * as tf from "@tensorflow/tfjs";
import { functionsOf, type NativeAddon } from "../addon/addon.js";
import { floatOutput, floatsOf, sizeOfShape, type CpuBackend, type KernelArgs, type KernelResult, type NativeKernel } from "./kernel.js";

type Floats = Float32Array;
type Bools = Uint8Array;

/** out = op(a, b); the shapes are passed only when neither operand is out's size or a single value. */
type BinaryFunction<In, Out> = (a: In, b: In, out: Out, aShape?: number[], bShape?: number[], outShape?: number[]) => void;
/** out = op(x) element by element; attributes follow. */
type UnaryFunction = (x: Floats, out: Floats, ...attributes: number[]) => void;

// Kernel name → addon function, by input and output types.
const ARITHMETIC = {
  Add: "add",
  Sub: "sub",
  Multiply: "multiply",
  RealDiv: "realDiv",
  Maximum: "maximum",
  Minimum: "minimum",
  SquaredDifference: "squaredDifference",
  Pow: "pow",
} as const;
const COMPARISONS = { Greater: "greater", GreaterEqual: "greaterEqual", Less: "less", LessEqual: "lessEqual", Equal: "equal", NotEqual: "notEqual" } as const;
const LOGICAL = { LogicalAnd: "logicalAnd", LogicalOr: "logicalOr" } as const;

/** Unary kernels with the attributes their addon function takes after (x, out). */
const UNARY: Record<string, { readonly fn: string; readonly attributes?: (attrs: tf.NamedAttrMap) => number[] }> = {
  Relu: { fn: "relu" },
  Relu6: { fn: "relu6" },
  Neg: { fn: "neg" },
  Square: { fn: "square" },
  Sqrt: { fn: "sqrt" },
  Rsqrt: { fn: "rsqrt" },
  Reciprocal: { fn: "reciprocal" },
  Abs: { fn: "abs" },
  Sign: { fn: "sign" },
  Floor: { fn: "floor" },
  Exp: { fn: "exp" },
  Sigmoid: { fn: "sigmoid" },
  Tanh: { fn: "tanh" },
  Elu: { fn: "elu" },
  Log: { fn: "log" },
  Log1p: { fn: "log1p" },
  Softplus: { fn: "softplus" },
  Step: { fn: "step", attributes: (attrs) => [Number(attrs.alpha ?? 0)] },
  LeakyRelu: { fn: "leakyRelu", attributes: (attrs) => [Number(attrs.alpha)] },
  ClipByValue: { fn: "clipByValue", attributes: (attrs) => [Number(attrs.clipValueMin), Number(attrs.clipValueMax)] },
};

type ElementwiseFunctions = Record<(typeof ARITHMETIC)[keyof typeof ARITHMETIC], BinaryFunction<Floats, Floats>> &
  Record<(typeof COMPARISONS)[keyof typeof COMPARISONS], BinaryFunction<Floats, Bools>> &
  Record<(typeof LOGICAL)[keyof typeof LOGICAL], BinaryFunction<Bools, Bools>> & {
    readonly [unary: string]: unknown;
    eluGrad(dy: Floats, y: Floats, out: Floats): void;
    addN(inputs: Floats[], out: Floats): void;
    select(condition: Bools, t: Floats, e: Floats, out: Floats): void;
    castToInt(x: Floats, out: Int32Array): void;
    castToBool(x: Floats, out: Bools): void;
  };

/** A bool tensor's values in place, or undefined when it has another dtype or representation. */
export function boolsOf(backend: CpuBackend, tensor: tf.TensorInfo | undefined): Uint8Array | undefined {
  if (!tensor || tensor.dtype !== "bool") return undefined;
  const values = backend.data.get(tensor.dataId).values;
  return values instanceof Uint8Array ? values : undefined;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The broadcast output of a binary kernel, computed by `fn` when both inputs read as `valuesOf` says. */
function binary<In extends Floats | Bools, Out extends Floats | Bools>(
  fn: BinaryFunction<In, Out>,
  valuesOf: (backend: CpuBackend, tensor: tf.TensorInfo | undefined) => In | undefined,
  output: { readonly dtype: "float32" | "bool"; readonly make: (size: number) => Out },
  { inputs, backend }: KernelArgs,
): KernelResult | null {
  const { a, b } = inputs;
  const av = valuesOf(backend, a), bv = valuesOf(backend, b);
  if (!a || !b || !av || !bv) return null;
  const shape = sameShape(a.shape, b.shape) ? a.shape.slice() : tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const size = sizeOfShape(shape);
  const out = output.make(size);
  const simple = (av.length === size || av.length === 1) && (bv.length === size || bv.length === 1);
  if (size > 0) {
    if (simple) fn(av, bv, out);
    else fn(av, bv, out, a.shape, b.shape, shape);
  }
  return backend.makeTensorInfo(shape, output.dtype, out);
}

const FLOATS = { dtype: "float32", make: (size: number) => new Float32Array(size) } as const;
const BOOLS = { dtype: "bool", make: (size: number) => new Uint8Array(size) } as const;

function unary(fn: UnaryFunction, attributes: number[], { inputs, backend }: KernelArgs): KernelResult | null {
  const { x } = inputs;
  const xv = floatsOf(backend, x);
  if (!x || !xv) return null;
  const out = new Float32Array(xv.length);
  if (out.length > 0) fn(xv, out, ...attributes);
  return floatOutput(backend, x.shape, out);
}

function eluGrad(addon: ElementwiseFunctions, { inputs, backend }: KernelArgs): KernelResult | null {
  const { dy, y } = inputs;
  const dyv = floatsOf(backend, dy), yv = floatsOf(backend, y);
  if (!y || !dyv || !yv || dyv.length !== yv.length) return null;
  const out = new Float32Array(yv.length);
  if (out.length > 0) addon.eluGrad(dyv, yv, out);
  return floatOutput(backend, y.shape, out);
}

// AddN's inputs are a list of same-shaped tensors (tfjs passes an array as the input map).
function addN(addon: ElementwiseFunctions, { inputs, backend }: KernelArgs): KernelResult | null {
  const tensors = Object.values(inputs);
  const first = tensors[0];
  if (!first) return null;
  const values: Floats[] = [];
  for (const tensor of tensors) {
    const v = floatsOf(backend, tensor);
    if (!tensor || !v || !sameShape(tensor.shape, first.shape)) return null;
    values.push(v);
  }
  const out = new Float32Array(sizeOfShape(first.shape));
  if (out.length > 0) addon.addN(values, out);
  return floatOutput(backend, first.shape, out);
}

// tfjs's where() broadcasts all three to one shape; a per-row condition falls back.
function select(addon: ElementwiseFunctions, { inputs, backend }: KernelArgs): KernelResult | null {
  const { condition, t, e } = inputs;
  const cv = boolsOf(backend, condition), tv = floatsOf(backend, t), ev = floatsOf(backend, e);
  if (!t || !cv || !tv || !ev || cv.length !== tv.length || ev.length !== tv.length) return null;
  const out = new Float32Array(tv.length);
  if (out.length > 0) addon.select(cv, tv, ev, out);
  return floatOutput(backend, t.shape, out);
}

// float32 → int32 or bool; every other cast is a copy or a relabelling in JavaScript already.
function cast(addon: ElementwiseFunctions, { inputs, backend, attrs }: KernelArgs): KernelResult | null {
  const { x } = inputs;
  const xv = floatsOf(backend, x);
  if (!x || !xv) return null;
  if (attrs.dtype === "int32") {
    const out = new Int32Array(xv.length);
    if (out.length > 0) addon.castToInt(xv, out);
    return backend.makeTensorInfo(x.shape, "int32", out);
  }
  if (attrs.dtype === "bool") {
    const out = new Uint8Array(xv.length);
    if (out.length > 0) addon.castToBool(xv, out);
    return backend.makeTensorInfo(x.shape, "bool", out);
  }
  return null;
}

export function elementwiseKernels(native: NativeAddon): NativeKernel[] {
  const unaryNames = Object.values(UNARY).map((u) => u.fn);
  const binaryNames = [...Object.values(ARITHMETIC), ...Object.values(COMPARISONS), ...Object.values(LOGICAL)];
  const addon = functionsOf<ElementwiseFunctions>(native, [...binaryNames, ...unaryNames, "eluGrad", "addN", "select", "castToInt", "castToBool"]);
  const kernels: NativeKernel[] = [];
  for (const [name, fn] of Object.entries(ARITHMETIC)) kernels.push({ name, run: (args) => binary(addon[fn], floatsOf, FLOATS, args) });
  for (const [name, fn] of Object.entries(COMPARISONS)) kernels.push({ name, run: (args) => binary(addon[fn], floatsOf, BOOLS, args) });
  for (const [name, fn] of Object.entries(LOGICAL)) kernels.push({ name, run: (args) => binary(addon[fn], boolsOf, BOOLS, args) });
  for (const [name, { fn, attributes }] of Object.entries(UNARY)) {
    const run = addon[fn] as UnaryFunction;
    kernels.push({ name, run: (args) => unary(run, attributes ? attributes(args.attrs) : [], args) });
  }
  kernels.push(
    { name: "EluGrad", run: (args) => eluGrad(addon, args) },
    { name: "AddN", run: (args) => addN(addon, args) },
    { name: "Select", run: (args) => select(addon, args) },
    { name: "Cast", run: (args) => cast(addon, args) },
  );
  return kernels;
}
