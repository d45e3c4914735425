/**
 * A run whose cost or weights stop being finite numbers has diverged. Both ways of running a step
 * (autograd and the compiled network) report it the same way: the step's cost, then the weights
 * its update wrote; and no model or checkpoint with a NaN or an infinity is ever written.
 */
import type * as tf from "@tensorflow/tfjs";
import { sourceName } from "../core/layer-names.js";
import { loadNativeAddon } from "../addon/addon.js";

/** Thrown when the cost or the weights stop being finite numbers. */
export class TrainingDiverged extends Error {
  override readonly name = "TrainingDiverged";
}

/** The addon's vectorized check (about 15× faster than the loop below), looked up on first use; null without the addon. */
let native: ((values: Float32Array) => boolean) | null | undefined;

function nativeCheck(): ((values: Float32Array) => boolean) | null {
  if (native === undefined) {
    const { addon } = loadNativeAddon();
    native = addon && typeof addon.allFinite === "function" ? (addon.allFinite as (values: Float32Array) => boolean) : null;
  }
  return native;
}

/** Whether every value is finite. NaN and ±∞ make `v - v` NaN; one comparison at the end. */
export function allFinite(values: ArrayLike<number>): boolean {
  const check = values instanceof Float32Array && values.length > 256 ? nativeCheck() : null;
  if (check) return check(values as Float32Array);
  let probe = 0;
  for (let i = 0; i < values.length; i++) probe += values[i]! - values[i]!;
  return probe === 0;
}

/**
 * Whether a tensor's values are all finite. `dataSync` hands out the cpu and native backends' own
 * buffer (no copy); integer tensors are always finite.
 */
export function tensorFinite(t: tf.Tensor): boolean {
  if (t.dtype !== "float32") return true;
  return allFinite(t.dataSync() as Float32Array);
}

/** The index of the first tensor holding a NaN or an infinity, or −1. */
export function firstNonFinite(tensors: readonly tf.Tensor[]): number {
  return tensors.findIndex((t) => !tensorFinite(t));
}

/** The first layer of a model with a weight that is not finite (its name and the weight's), or null. */
export function nonFiniteWeight(model: tf.LayersModel): { layer: string; weight: string } | null {
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      if (!tensorFinite(w.read())) return { layer: sourceName(layer.name), weight: w.originalName.split("/").pop() ?? w.originalName };
    }
  }
  return null;
}
