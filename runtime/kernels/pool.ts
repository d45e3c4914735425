/**
 * MaxPool, AvgPool, MaxPoolGrad and AvgPoolGrad on oneDNN, for NHWC data, with tfjs's own window
 * geometry (backend_util.computePool2DInfo). pool.cc explains how each kernel counts padding as
 * tfjs's do. A window lying wholly in the padding (explicit padding at least the filter's size)
 * runs the JavaScript kernel, whose -∞ and 0/0 there oneDNN does not reproduce.
 */
import * as tf from "@tensorflow/tfjs";
import { functionsOf, type NativeAddon } from "../addon/addon.js";
import { floatOutput, floatsOf, sizeOfShape, type KernelArgs, type KernelResult, type NativeKernel } from "./kernel.js";
import { isShape4, pairOf, paddingOf, roundingOf, sameShape, windowGeometry } from "./conv.js";

type Floats = Float32Array;

interface PoolFunctions {
  /** out = the max or the mean (of the in-bounds elements) of each window of x. */
  pool(x: Floats, geometry: number[], kind: "max" | "avg", out: Floats): void;
  /** dx = dy routed to each window's first largest element of x. */
  maxPoolGrad(dy: Floats, x: Floats, geometry: number[], dx: Floats): void;
  /** dx = dy spread evenly over each whole window (padding included, as tfjs does). */
  avgPoolGrad(dy: Floats, geometry: number[], dx: Floats): void;
}

/**
 * tfjs's geometry and the addon's numbers for pooling x of `shape`, or null when unsupported.
 * AvgPoolGrad's JavaScript kernel ignores the rounding mode, so it passes `withRounding` false.
 */
function poolGeometry(shape: readonly number[] | undefined, attrs: tf.NamedAttrMap, withRounding: boolean): { info: tf.backend_util.Conv2DInfo; geometry: number[] } | null {
  const filterSize = pairOf(attrs.filterSize), strides = pairOf(attrs.strides), pad = paddingOf(attrs.pad);
  const rounding = withRounding ? roundingOf(attrs.dimRoundingMode) : undefined;
  if (!isShape4(shape) || filterSize === undefined || strides === undefined || pad === undefined || rounding === null) return null;
  const info = tf.backend_util.computePool2DInfo(shape, filterSize, strides, 1, pad, rounding);
  const geometry = windowGeometry(info);
  if (!geometry) return null;
  const { top, left } = info.padInfo;
  // The first window must reach into the input, and the last start inside it.
  const firstInside = top < info.filterHeight && left < info.filterWidth;
  const lastInside = (info.outHeight - 1) * info.strideHeight - top < info.inHeight && (info.outWidth - 1) * info.strideWidth - left < info.inWidth;
  return firstInside && lastInside ? { info, geometry } : null;
}

function pool(addon: PoolFunctions, { inputs, backend, attrs }: KernelArgs, kind: "max" | "avg"): KernelResult | null {
  const { x } = inputs;
  const xv = floatsOf(backend, x);
  const window = x && xv ? poolGeometry(x.shape, attrs, true) : null;
  // tfjs's 1×1 pooling that keeps the shape is the identity, NaN included (oneDNN's max skips NaN).
  const identity = window !== null && window.info.filterHeight * window.info.filterWidth === 1 && sameShape(window.info.inShape, window.info.outShape);
  if (!xv || !window || identity) return null;
  const out = new Float32Array(sizeOfShape(window.info.outShape));
  addon.pool(xv, window.geometry, kind, out);
  return floatOutput(backend, window.info.outShape, out);
}

function maxPoolGrad(addon: PoolFunctions, { inputs, backend, attrs }: KernelArgs): KernelResult | null {
  const { dy, input } = inputs;
  const dyv = floatsOf(backend, dy), xv = floatsOf(backend, input);
  const window = input && xv ? poolGeometry(input.shape, attrs, true) : null;
  if (!dy || !dyv || !xv || !window || !sameShape(dy.shape, window.info.outShape)) return null;
  const dx = new Float32Array(xv.length);
  addon.maxPoolGrad(dyv, xv, window.geometry, dx);
  return floatOutput(backend, window.info.inShape, dx);
}

function avgPoolGrad(addon: PoolFunctions, { inputs, backend, attrs }: KernelArgs): KernelResult | null {
  const { dy, input } = inputs;
  const dyv = floatsOf(backend, dy);
  const window = input ? poolGeometry(input.shape, attrs, false) : null;
  if (!dy || !dyv || !window || !sameShape(dy.shape, window.info.outShape)) return null;
  const dx = new Float32Array(sizeOfShape(window.info.inShape));
  addon.avgPoolGrad(dyv, window.geometry, dx);
  return floatOutput(backend, window.info.inShape, dx);
}

export function poolKernels(native: NativeAddon): NativeKernel[] {
  const addon = functionsOf<PoolFunctions>(native, ["pool", "maxPoolGrad", "avgPoolGrad"]);
  return [
    { name: "MaxPool", run: (args) => pool(addon, args, "max") },
    { name: "AvgPool", run: (args) => pool(addon, args, "avg") },
    { name: "MaxPoolGrad", run: (args) => maxPoolGrad(addon, args) },
    { name: "AvgPoolGrad", run: (args) => avgPoolGrad(addon, args) },
  ];
}
