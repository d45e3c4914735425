/**
 * BatchMatMul and _FusedMatMul on oneDNN. Batch dimensions are flattened; broadcasting is
 * supported where one side's batch is 1 or both batch shapes are equal (tfjs-layers never needs
 * more); anything else, and `prelu`, runs the JavaScript kernel.
 */
import { functionsOf, type NativeAddon } from "../addon/addon.js";
import { floatOutput, floatsOf, sizeOfShape, type KernelArgs, type KernelResult, type NativeKernel } from "./kernel.js";

type Floats = Float32Array;

interface MatMulFunctions {
  /** out = activation(op(a) × op(b) + bias); shapes are the stored [batch, rows, cols]. */
  matMul(a: Floats, aShape: number[], b: Floats, bShape: number[], transposeA: boolean, transposeB: boolean, bias: Floats | null, activation: string, alpha: number, out: Floats): void;
}

const FUSABLE = new Set(["linear", "relu", "relu6", "elu", "sigmoid", "tanh", "leakyrelu"]);

function matMul(addon: MatMulFunctions, { inputs, backend, attrs }: KernelArgs, fused: boolean): KernelResult | null {
  const { a, b } = inputs;
  if (!a || !b) return null;
  const av = floatsOf(backend, a), bv = floatsOf(backend, b);
  if (!av || !bv || a.shape.length < 2 || b.shape.length < 2) return null;
  const transposeA = Boolean(attrs.transposeA), transposeB = Boolean(attrs.transposeB);
  const activation = fused ? String(attrs.activation ?? "linear") : "linear";
  if (!FUSABLE.has(activation) || (fused && inputs.preluActivationWeights)) return null;

  const aOuter = a.shape.slice(0, -2), bOuter = b.shape.slice(0, -2);
  const aBatch = sizeOfShape(aOuter), bBatch = sizeOfShape(bOuter);
  let outer: number[];
  if (aBatch === bBatch && aOuter.length === bOuter.length && aOuter.every((d, i) => d === bOuter[i])) outer = aOuter;
  else if (bBatch === 1 && bOuter.length <= aOuter.length) outer = aOuter;
  else if (aBatch === 1 && aOuter.length <= bOuter.length) outer = bOuter;
  else return null;

  const [aRows, aCols] = a.shape.slice(-2);
  const [bRows, bCols] = b.shape.slice(-2);
  const m = transposeA ? aCols : aRows, k = transposeA ? aRows : aCols;
  const kB = transposeB ? bCols : bRows, n = transposeB ? bRows : bCols;
  if (k !== kB) return null;

  let bias: Float32Array | null = null;
  if (fused && inputs.bias) {
    const bv2 = floatsOf(backend, inputs.bias);
    if (!bv2 || bv2.length !== n) return null;
    bias = bv2;
  }
  const shape = [...outer, m, n];
  const out = new Float32Array(sizeOfShape(shape));
  if (out.length > 0 && k > 0) addon.matMul(av, [aBatch, aRows, aCols], bv, [bBatch, bRows, bCols], transposeA, transposeB, bias, activation, Number(attrs.leakyreluAlpha ?? 0.2), out);
  else if (out.length > 0) return null;
  return floatOutput(backend, shape, out);
}

export function matMulKernels(native: NativeAddon): NativeKernel[] {
  const addon = functionsOf<MatMulFunctions>(native, ["matMul"]);
  return [
    { name: "BatchMatMul", run: (args) => matMul(addon, args, false) },
    { name: "_FusedMatMul", run: (args) => matMul(addon, args, true) },
  ];
}
