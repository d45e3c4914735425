/**
 * Softmax over the last axis (the only one tfjs's cpu kernel supports; any other `dim` runs it,
 * to fail as it does), one native pass per row instead of five JavaScript kernels.
 */
import { functionsOf, type NativeAddon } from "../addon/addon.js";
import { floatOutput, floatsOf, type KernelArgs, type KernelResult, type NativeKernel } from "./kernel.js";

interface SoftmaxFunctions {
  /** out = softmax of each consecutive `rowLength` values of logits. */
  softmax(logits: Float32Array, out: Float32Array, rowLength: number): void;
}

function softmax(addon: SoftmaxFunctions, { inputs, backend, attrs }: KernelArgs): KernelResult | null {
  const { logits } = inputs;
  const values = floatsOf(backend, logits);
  if (!logits || !values || values.length === 0) return null;
  const rank = logits.shape.length;
  const dim = attrs.dim === -1 ? rank - 1 : attrs.dim;
  if (rank === 0 || dim !== rank - 1) return null;
  const out = new Float32Array(values.length);
  addon.softmax(values, out, logits.shape[rank - 1]!);
  return floatOutput(backend, logits.shape, out);
}

export function softmaxKernels(native: NativeAddon): NativeKernel[] {
  const addon = functionsOf<SoftmaxFunctions>(native, ["softmax"]);
  return [{ name: "Softmax", run: (args) => softmax(addon, args) }];
}
