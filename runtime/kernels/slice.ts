/**
 * Slice, SplitV and Unpack: boxes copied natively as contiguous runs. tfjs's cpu versions move one
 * element at a time through index arrays; an LSTM splits its gate pre-activations every time step,
 * and that loop was most of its training time. The cpu SplitV and Unpack call that slice directly,
 * not through the registry, so they are replaced too.
 */
import * as tf from "@tensorflow/tfjs";
import { functionsOf, type NativeAddon } from "../addon/addon.js";
import { sizeOfShape, type CpuBackend, type KernelArgs, type KernelResult, type NativeKernel } from "./kernel.js";

type Values = Float32Array | Int32Array | Uint8Array;

interface SliceFunctions {
  /** out = input[begin : begin + size] on every axis of the row-major `shape`. */
  slice(input: Values, shape: number[], begin: number[], size: number[], out: Values): void;
}

/** The values of a float32, int32 or bool tensor in place; undefined for strings and complex. */
function valuesOf(backend: CpuBackend, tensor: tf.TensorInfo | undefined): Values | undefined {
  if (!tensor || (tensor.dtype !== "float32" && tensor.dtype !== "int32" && tensor.dtype !== "bool")) return undefined;
  const values = backend.data.get(tensor.dataId).values;
  return values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array ? values : undefined;
}

function emptyLike(values: Values, length: number): Values {
  return new (values.constructor as new (length: number) => Values)(length);
}

function box(addon: SliceFunctions, backend: CpuBackend, x: tf.TensorInfo, values: Values, begin: number[], size: number[], outShape = size): tf.TensorInfo {
  const out = emptyLike(values, sizeOfShape(size));
  addon.slice(values, x.shape, begin, size, out);
  return backend.makeTensorInfo(outShape, x.dtype, out);
}

function slice(addon: SliceFunctions, { inputs, backend, attrs }: KernelArgs): KernelResult | null {
  const { x } = inputs;
  const values = valuesOf(backend, x);
  if (!x || !values) return null;
  const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin as number | number[], attrs.size as number | number[] | undefined);
  tf.slice_util.assertParamsValid(x as tf.Tensor, begin, size);
  return box(addon, backend, x, values, begin, size);
}

function splitV(addon: SliceFunctions, { inputs, backend, attrs }: KernelArgs): KernelResult | null {
  const { x } = inputs;
  const values = valuesOf(backend, x);
  if (!x || !values) return null;
  const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0]!;
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits as number | number[], axis);
  const begin = x.shape.map(() => 0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const part = box(addon, backend, x, values, [...begin], size);
    begin[axis]! += s;
    return part;
  });
}

function unpack(addon: SliceFunctions, { inputs, backend, attrs }: KernelArgs): KernelResult | null {
  const { value } = inputs;
  const values = valuesOf(backend, value);
  if (!value || !values) return null;
  const rank = value.shape.length;
  const axis = (attrs.axis as number) < 0 ? (attrs.axis as number) + rank : (attrs.axis as number);
  const outShape = value.shape.filter((_, a) => a !== axis);
  const size = [...value.shape];
  size[axis] = 1;
  return Array.from({ length: value.shape[axis]! }, (_, i) => {
    const begin = value.shape.map((_, a) => (a === axis ? i : 0));
    return box(addon, backend, value, values, begin, size, outShape);
  });
}

export function sliceKernels(native: NativeAddon): NativeKernel[] {
  const addon = functionsOf<SliceFunctions>(native, ["slice"]);
  return [
    { name: "Slice", run: (args) => slice(addon, args) },
    { name: "SplitV", run: (args) => splitV(addon, args) },
    { name: "Unpack", run: (args) => unpack(addon, args) },
  ];
}
