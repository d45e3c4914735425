/**
 * What every native kernel shares: reading a tensor's values in place from the cpu backend,
 * making an output, and falling back to the JavaScript kernel for anything the addon does not
 * cover (other dtypes, unsupported attributes, an addon error).
 */
import * as tf from "@tensorflow/tfjs";

type TensorInfo = tf.TensorInfo;

/** The part of tfjs's cpu backend the kernels use (its class is not exported by @tensorflow/tfjs). */
export interface CpuBackend {
  readonly data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array | Int32Array | Uint8Array): TensorInfo;
}

export interface KernelArgs {
  readonly inputs: tf.NamedTensorInfoMap;
  readonly backend: CpuBackend;
  readonly attrs: tf.NamedAttrMap;
}

export type KernelResult = TensorInfo | TensorInfo[];

/**
 * A native kernel: returns its result, or `null` to let the JavaScript kernel run instead. The
 * registration catches addon errors and falls back as well, so a kernel never fails a training
 * that the JavaScript backend could run.
 */
export interface NativeKernel {
  readonly name: string;
  run(args: KernelArgs): KernelResult | null;
}

/** A float32 tensor's values in place, or undefined when it has another dtype or representation. */
export function floatsOf(backend: CpuBackend, tensor: TensorInfo | undefined): Float32Array | undefined {
  if (!tensor || tensor.dtype !== "float32") return undefined;
  const values = backend.data.get(tensor.dataId).values;
  return values instanceof Float32Array ? values : undefined;
}

export function sizeOfShape(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** A new float32 output that owns `values`. */
export function floatOutput(backend: CpuBackend, shape: number[], values: Float32Array): TensorInfo {
  return backend.makeTensorInfo(shape, "float32", values);
}
