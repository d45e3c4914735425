/**
 * Conv2D, FusedConv2D (bias and activation fused), Conv2DBackpropInput and Conv2DBackpropFilter
 * on oneDNN, for NHWC data and HWIO filters (all tfjs-layers uses). The window geometry is tfjs's
 * own (backend_util.computeConv2DInfo), so output sizes, rounding modes and the uneven padding of
 * 'same' are exactly its kernels'. NCHW, `prelu`, a bias other than one value per output channel,
 * and empty tensors run the JavaScript kernel.
 */
import * as tf from "@tensorflow/tfjs";
import { functionsOf, type NativeAddon } from "../addon/addon.js";
import { floatOutput, floatsOf, sizeOfShape, type KernelArgs, type KernelResult, type NativeKernel } from "./kernel.js";
import { reachPast } from "../core/geometry.js";

type Floats = Float32Array;
type Conv2DInfo = tf.backend_util.Conv2DInfo;
type Shape4 = [number, number, number, number];
type Pair = number | [number, number];
type Padding = Parameters<typeof tf.backend_util.computeConv2DInfo>[4];
type Rounding = Parameters<typeof tf.backend_util.computeConv2DInfo>[5];

interface ConvFunctions {
  /** out = activation(x ⊛ filter + bias); geometry from `windowGeometry`. */
  convForward(x: Floats, filter: Floats, bias: Floats | null, geometry: number[], activation: string, alpha: number, out: Floats): void;
  /** dx = the gradient of the convolution with respect to its input. */
  convBackwardData(dy: Floats, filter: Floats, geometry: number[], dx: Floats): void;
  /** dFilter = the gradient of the convolution with respect to its filter. */
  convBackwardFilter(x: Floats, dy: Floats, geometry: number[], dFilter: Floats): void;
}

// The activations oneDNN fuses (activation.h); the JavaScript kernel runs `prelu`.
const FUSABLE = new Set(["linear", "relu", "relu6", "elu", "sigmoid", "tanh", "leakyrelu"]);

/** A number or a pair of them (strides, dilations, filter sizes); undefined for anything else. */
export function pairOf(attribute: unknown): Pair | undefined {
  if (typeof attribute === "number") return attribute;
  if (Array.isArray(attribute) && attribute.length === 2 && typeof attribute[0] === "number" && typeof attribute[1] === "number") return [attribute[0], attribute[1]];
  return undefined;
}

/** 'same', 'valid', a number, or explicit [[0, 0], [top, bottom], [left, right], [0, 0]]. */
export function paddingOf(attribute: unknown): Padding | undefined {
  if (attribute === "same" || attribute === "valid" || typeof attribute === "number") return attribute;
  const isPair = (p: unknown): p is [number, number] => Array.isArray(p) && p.length === 2 && p.every((n) => typeof n === "number");
  if (Array.isArray(attribute) && attribute.length === 4 && attribute.every(isPair)) return attribute as Padding;
  return undefined;
}

/** The rounding mode; null when it is not one tfjs knows (its kernel reports that). */
export function roundingOf(attribute: unknown): Rounding | null {
  if (attribute === undefined || attribute === null) return undefined;
  return attribute === "floor" || attribute === "round" || attribute === "ceil" ? attribute : null;
}

export function isShape4(shape: readonly number[] | undefined): shape is Shape4 {
  return shape !== undefined && shape.length === 4;
}

/**
 * The padding after the input that gives oneDNN tfjs's output size: oneDNN's is
 * ⌊(in + before + after − span) / stride⌋ + 1. tfjs's rounding can leave the last window ending up
 * to stride − 1 before the input's end, which a padding of 0 gives too. It leaves more only where
 * tfjs sizes an output wrongly (numeric padding sizes both axes with the filter's height, so a
 * non-square filter gets a short width): null, and the JavaScript kernel reproduces that.
 */
function trailingPad(inSize: number, outSize: number, stride: number, size: number, dilation: number, before: number): number | null {
  const needed = reachPast(inSize, outSize, size, stride, dilation) - before;
  return needed > -stride ? Math.max(0, needed) : null;
}

/**
 * The numbers the addon's window functions take (conv_geometry.h), or null when a size is not
 * positive or a padding is negative: the JavaScript kernel handles (or reports) those.
 */
export function windowGeometry(info: Conv2DInfo): number[] | null {
  const sizes = [info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels];
  const window = [info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth];
  const { top, left } = info.padInfo;
  const bottom = trailingPad(info.inHeight, info.outHeight, info.strideHeight, info.filterHeight, info.dilationHeight, top);
  const right = trailingPad(info.inWidth, info.outWidth, info.strideWidth, info.filterWidth, info.dilationWidth, left);
  if (bottom === null || right === null) return null;
  // Padding in the one order the addon uses everywhere: top, bottom, left, right.
  const geometry = [...sizes, ...window, top, bottom, left, right];
  if (!geometry.every(Number.isInteger) || ![...sizes, ...window].every((n) => n > 0) || top < 0 || left < 0) return null;
  return geometry;
}

/** tfjs's geometry for an NHWC convolution with these attributes, or null if unsupported. */
function convInfo(xShape: readonly number[] | undefined, filterShape: readonly number[] | undefined, attrs: tf.NamedAttrMap, dilationsAttr: unknown): Conv2DInfo | null {
  if (!isShape4(xShape) || !isShape4(filterShape) || xShape[3] !== filterShape[2]) return null;
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== "NHWC") return null;
  const strides = pairOf(attrs.strides), dilations = pairOf(dilationsAttr), pad = paddingOf(attrs.pad), rounding = roundingOf(attrs.dimRoundingMode);
  if (strides === undefined || dilations === undefined || pad === undefined || rounding === null) return null;
  return tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, dilations, pad, rounding, false, "channelsLast");
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function convForward(addon: ConvFunctions, { inputs, backend, attrs }: KernelArgs, fused: boolean): KernelResult | null {
  const { x, filter } = inputs;
  const xv = floatsOf(backend, x), fv = floatsOf(backend, filter);
  if (!x || !filter || !xv || !fv) return null;
  const activation = fused ? String(attrs.activation ?? "linear") : "linear";
  if (!FUSABLE.has(activation) || (fused && inputs.preluActivationWeights)) return null;
  const info = convInfo(x.shape, filter.shape, attrs, attrs.dilations ?? 1);
  const geometry = info && windowGeometry(info);
  if (!info || !geometry) return null;
  let bias: Floats | null = null;
  if (fused && inputs.bias) {
    const bv = floatsOf(backend, inputs.bias);
    if (!bv || inputs.bias.shape.length !== 1 || bv.length !== info.outChannels) return null;
    bias = bv;
  }
  const out = new Float32Array(sizeOfShape(info.outShape));
  addon.convForward(xv, fv, bias, geometry, activation, Number(attrs.leakyreluAlpha ?? 0.2), out);
  return floatOutput(backend, info.outShape, out);
}

// tfjs's gradient kernels take no dilations: its conv2d gradient supports none.
function convBackwardData(addon: ConvFunctions, { inputs, backend, attrs }: KernelArgs): KernelResult | null {
  const { dy, filter } = inputs;
  const dyv = floatsOf(backend, dy), fv = floatsOf(backend, filter);
  const inputShape = Array.isArray(attrs.inputShape) ? attrs.inputShape.map(Number) : undefined;
  if (!dy || !filter || !dyv || !fv || !inputShape) return null;
  const info = convInfo(inputShape, filter.shape, attrs, 1);
  const geometry = info && windowGeometry(info);
  if (!info || !geometry || !sameShape(dy.shape, info.outShape)) return null;
  const dx = new Float32Array(sizeOfShape(info.inShape));
  addon.convBackwardData(dyv, fv, geometry, dx);
  return floatOutput(backend, info.inShape, dx);
}

function convBackwardFilter(addon: ConvFunctions, { inputs, backend, attrs }: KernelArgs): KernelResult | null {
  const { x, dy } = inputs;
  const xv = floatsOf(backend, x), dyv = floatsOf(backend, dy);
  const filterShape = Array.isArray(attrs.filterShape) ? attrs.filterShape.map(Number) : undefined;
  if (!x || !dy || !xv || !dyv || !filterShape) return null;
  const info = convInfo(x.shape, filterShape, attrs, 1);
  const geometry = info && windowGeometry(info);
  if (!info || !geometry || !sameShape(dy.shape, info.outShape)) return null;
  const dFilter = new Float32Array(sizeOfShape(info.filterShape));
  addon.convBackwardFilter(xv, dyv, geometry, dFilter);
  return floatOutput(backend, info.filterShape, dFilter);
}

export function convKernels(native: NativeAddon): NativeKernel[] {
  const addon = functionsOf<ConvFunctions>(native, ["convForward", "convBackwardData", "convBackwardFilter"]);
  return [
    { name: "Conv2D", run: (args) => convForward(addon, args, false) },
    { name: "FusedConv2D", run: (args) => convForward(addon, args, true) },
    { name: "Conv2DBackpropInput", run: (args) => convBackwardData(addon, args) },
    { name: "Conv2DBackpropFilter", run: (args) => convBackwardFilter(addon, args) },
  ];
}
