/**
 * Random valid layer stacks, built twice: as nnc layer calls (name and arguments) and with
 * `tf.layers` (functional API). fast-check generates plain numbers (`Choice`); `step` turns each
 * into a layer that fits the current shape, reading the shape from TensorFlow.js, so that nnc's own
 * inference never steers the generator it is tested by.
 */
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import type { DType } from "../../compiler/schema/values.js";
import { layer, type Given } from "./harness.js";
import { gruResetAfter } from "../../runtime/layers/gru.js";

export type TfLayer = tf.layers.Layer;
type Dims = readonly number[];

/** A model input; `null` is a sequence length left unknown (nnc's `T`). */
export interface Input {
  readonly shape: readonly (number | null)[];
  readonly dtype: DType;
}

/** One layer of a generated stack, for both sides. */
export interface Step {
  readonly name: string;
  readonly given: Record<string, Given>;
  /** Indices of the input tensors (0 is the model input, step i makes tensor i + 1). */
  readonly inputs: readonly number[];
  readonly tf: TfLayer;
}

export interface Net {
  readonly input: Input;
  readonly steps: readonly Step[];
  readonly tfInput: tf.SymbolicTensor;
  readonly tfOutputs: readonly tf.SymbolicTensor[];
}

/** Random numbers that a step's interpreter turns into a valid layer for the current shape. */
export interface Choice {
  readonly pick: number;
  readonly r: readonly number[];
}

export const choiceArb: fc.Arbitrary<Choice> = fc.record({ pick: fc.nat({ max: 1000 }), r: fc.array(fc.nat({ max: 1000 }), { minLength: 8, maxLength: 8 }) });

export type InputKind = "image" | "sequence" | "vector" | "tokens";

export const inputArb = fc.record({
  kind: fc.constantFrom<InputKind>("image", "image", "sequence", "sequence", "vector", "tokens"),
  a: fc.integer({ min: 1, max: 12 }),
  b: fc.integer({ min: 1, max: 12 }),
  c: fc.integer({ min: 1, max: 3 }),
});

export const stackArb = fc.record({ input: inputArb, choices: fc.array(choiceArb, { minLength: 1, maxLength: 6 }) });

/** `lo + r mod (hi − lo + 1)` */
const within = (r: number, lo: number, hi: number): number => lo + (r % (hi - lo + 1));

const ACTIVATION_LAYERS = ["relu", "sigmoid", "tanh", "softmax", "leaky_relu", "elu", "softplus", "linear"] as const;
/** tfjs's recurrent layers; a `gru` is tfjs's own only with `reset_after: false` (else the runtime's GRUResetAfter). */
const RECURRENT = {
  rnn: (a: { units: number; returnSequences: boolean }) => tf.layers.simpleRNN(a),
  lstm: (a: { units: number; returnSequences: boolean }) => tf.layers.lstm(a),
  gru: (a: { units: number; returnSequences: boolean; resetAfter?: boolean }) => (a.resetAfter === false ? tf.layers.gru({ units: a.units, returnSequences: a.returnSequences }) : gruResetAfter(a)),
} as const;

/** Builds a random valid stack on both sides, driving the choices by TensorFlow.js' shapes. */
export class Builder {
  readonly steps: Step[] = [];
  readonly tfTensors: tf.SymbolicTensor[];

  constructor(
    readonly input: Input,
    readonly tfInput: tf.SymbolicTensor,
  ) {
    this.tfTensors = [tfInput];
  }

  get current(): number {
    return this.tfTensors.length - 1;
  }

  shapeOf(tensor: number): Dims {
    return this.tfTensors[tensor].shape.slice(1).map((d) => d ?? -1);
  }

  add(name: string, given: Record<string, Given>, layer: TfLayer, inputs: readonly number[] = [this.current]): number {
    const tfIn = inputs.map((i) => this.tfTensors[i]);
    const out = layer.apply(tfIn.length === 1 ? tfIn[0] : tfIn) as tf.SymbolicTensor;
    this.steps.push({ name, given, inputs, tf: layer });
    this.tfTensors.push(out);
    return this.current;
  }

  net(): Net {
    return { input: this.input, steps: this.steps, tfInput: this.tfInput, tfOutputs: this.tfTensors.slice(1) };
  }
}

/**
 * Starts a stack on a random input. With `symbolic`, a sequence's length is unknown: `T` for nnc,
 * `null` for TensorFlow.js.
 */
export function startBuilder(input: { readonly kind: InputKind; readonly a: number; readonly b: number; readonly c: number }, symbolic = false): Builder {
  const known: number[] =
    input.kind === "image"
      ? [within(input.a, 3, 12), within(input.b, 3, 12), input.c]
      : input.kind === "sequence"
        ? [within(input.a, 2, 8), within(input.b, 1, 4)]
        : input.kind === "vector"
          ? [within(input.a * input.b, 1, 24)]
          : [within(input.a, 2, 8)];
  const dtype: DType = input.kind === "tokens" ? "int32" : "float32";
  const dims = symbolic && (input.kind === "sequence" || input.kind === "tokens") ? [null, ...known.slice(1)] : known;
  return new Builder({ shape: dims, dtype }, tf.input({ shape: dims, dtype }));
}

/** A size TensorFlow.js does not know (nnc's `T`) counts as this large when choosing windows. */
const UNKNOWN_SIZE = 8;

/**
 * Appends one random valid layer (or a merge of two branches) for the current shape. Layers that
 * need every size known (`flatten`, `reshape`) are left out while a size is unknown.
 */
export function step(b: Builder, choice: Choice): void {
  const known = b.shapeOf(b.current);
  const complete = known.every((d) => d >= 0);
  const s = known.map((d) => (d < 0 ? UNKNOWN_SIZE : d));
  const r = choice.r;
  if (b.input.dtype === "int32" && b.steps.length === 0) {
    const vocab = within(r[0], 2, 20);
    const dim = within(r[1], 1, 6);
    b.add("embedding", { vocab, dim }, tf.layers.embedding({ inputDim: vocab, outputDim: dim }));
    return;
  }
  const options: (() => void)[] = [() => dense(b, r), () => normalization(b, r), () => activation(b, r), () => merge(b, r)];
  if (s.length === 1) options.push(() => repeatStep(b, r));
  if (s.length === 2) {
    options.push(
      () => conv(b, r, s, 1),
      () => conv(b, r, s, 1),
      () => pool(b, r, s, 1),
      () => recurrent(b, r),
      () => bidirectional(b, r),
      () => timeDistributed(b, r),
    );
  }
  if (s.length === 3) {
    options.push(
      () => conv(b, r, s, 2),
      () => conv(b, r, s, 2),
      () => conv(b, r, s, 2),
      () => pool(b, r, s, 2),
      () => pool(b, r, s, 2),
      () => globalPool(b, r),
      () => timeDistributed(b, r),
    );
  }
  if (complete && s.length > 1) options.push(() => b.add("flatten", {}, tf.layers.flatten()));
  if (complete) options.push(() => reshapeStep(b, r, s));
  options[choice.pick % options.length]();
}

function dense(b: Builder, r: readonly number[]): void {
  const units = within(r[0], 1, 6);
  const useBias = r[1] % 4 !== 0;
  b.add("dense", { units, use_bias: useBias }, tf.layers.dense({ units, useBias }));
}

function normalization(b: Builder, r: readonly number[]): void {
  switch (r[0] % 3) {
    case 0:
      b.add("batchnorm", {}, tf.layers.batchNormalization({ momentum: 0.99, epsilon: 0.001 }));
      return;
    case 1:
      b.add("layernorm", {}, tf.layers.layerNormalization({ epsilon: 0.001 }));
      return;
    default: {
      const rate = (r[1] % 90) / 100;
      b.add("dropout", { rate }, tf.layers.dropout({ rate }));
    }
  }
}

function activation(b: Builder, r: readonly number[]): void {
  const name = ACTIVATION_LAYERS[r[0] % ACTIVATION_LAYERS.length];
  if (name === "leaky_relu") {
    b.add(name, {}, tf.layers.leakyReLU({ alpha: 0.01 }));
    return;
  }
  b.add(name, {}, tf.layers.activation({ activation: name }));
}

function repeatStep(b: Builder, r: readonly number[]): void {
  const n = within(r[0], 1, 4);
  b.add("repeat", { n }, tf.layers.repeatVector({ n }));
}

/** A random factorization of the input's size, with one size written as -1 for nnc half the time. */
function reshapeStep(b: Builder, r: readonly number[], s: Dims): void {
  const total = s.reduce((x, y) => x * y, 1);
  const divisors = Array.from({ length: total }, (_, i) => i + 1).filter((d) => total % d === 0);
  const first = divisors[r[0] % divisors.length];
  const rest = total / first;
  const restDivisors = divisors.filter((d) => rest % d === 0);
  const second = restDivisors[r[1] % restDivisors.length];
  const target = [[total], [first, rest], [first, second, rest / second]][r[2] % 3];
  const written = r[3] % 2 === 0 ? target.map((d, i) => (i === r[4] % target.length ? -1 : d)) : target;
  // TensorFlow.js leaves a -1 unresolved in its static shapes, so it gets the sizes written out.
  b.add("reshape", { shape: written }, tf.layers.reshape({ targetShape: target }));
}

/** A convolution that fits: the dilated kernel is at most the input on every axis for `valid`. */
function conv(b: Builder, r: readonly number[], s: Dims, axes: 1 | 2): void {
  const padding = r[0] % 2 === 0 ? "valid" : "same";
  const dilation = r[1] % 4 === 0 ? 2 : 1;
  const stride = dilation > 1 ? 1 : within(r[2], 1, 3);
  const spatial = s.slice(0, axes);
  const kernel = spatial.map((h, i) => {
    const fit = padding === "valid" ? Math.floor((h - 1) / dilation) + 1 : 5;
    return within(r[3 + i], 1, Math.max(1, Math.min(5, fit)));
  });
  const filters = within(r[5], 1, 4);
  const useBias = r[6] % 5 !== 0;
  const kernelGiven: Given = axes === 1 || kernel[0] !== kernel[1] || r[7] % 2 === 0 ? (axes === 1 ? kernel[0] : kernel) : kernel[0];
  const given: Record<string, Given> = { filters, kernel: kernelGiven, padding, use_bias: useBias };
  if (stride !== 1 || r[7] % 3 === 0) given.stride = stride;
  if (dilation !== 1 || r[7] % 3 === 1) given.dilation = dilation;
  if (axes === 2) {
    b.add("conv2d", given, tf.layers.conv2d({ filters, kernelSize: kernel, strides: stride, padding, dilationRate: dilation, useBias }));
  } else {
    b.add("conv1d", given, tf.layers.conv1d({ filters, kernelSize: kernel[0], strides: stride, padding, dilationRate: dilation, useBias }));
  }
}

function pool(b: Builder, r: readonly number[], s: Dims, axes: 1 | 2): void {
  const padding = r[0] % 2 === 0 ? "valid" : "same";
  const max = r[1] % 2 === 0;
  const spatial = s.slice(0, axes);
  const size = spatial.map((h, i) => within(r[2 + i], 1, Math.max(1, Math.min(3, padding === "valid" ? h : 3))));
  const strideGiven = r[4] % 2 === 0;
  const stride = strideGiven ? spatial.map((_, i) => within(r[5 + i], 1, 3)) : size;
  const given: Record<string, Given> = { size: axes === 1 ? size[0] : size, padding };
  if (strideGiven) given.stride = axes === 1 ? stride[0] : stride;
  if (axes === 2) {
    const args = { poolSize: size as [number, number], strides: stride as [number, number], padding } as const;
    b.add(max ? "maxpool" : "avgpool", given, max ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args));
  } else {
    const args = { poolSize: size[0], strides: stride[0], padding } as const;
    b.add(max ? "maxpool1d" : "avgpool1d", given, max ? tf.layers.maxPooling1d(args) : tf.layers.averagePooling1d(args));
  }
}

function globalPool(b: Builder, r: readonly number[]): void {
  if (r[0] % 2 === 0) b.add("global_avgpool", {}, tf.layers.globalAveragePooling2d({}));
  else b.add("global_maxpool", {}, tf.layers.globalMaxPooling2d({}));
}

function recurrentArgs(r: readonly number[]): { name: keyof typeof RECURRENT; units: number; returnSequences: boolean; resetAfter: boolean; given: Record<string, Given> } {
  const names = Object.keys(RECURRENT) as (keyof typeof RECURRENT)[];
  const name = names[r[0] % names.length];
  const units = within(r[1], 1, 5);
  const returnSequences = r[2] % 2 === 0;
  // gru in both forms: its default (reset after) or, given, reset_after: false (tfjs's GRU).
  const resetAfter = r[4] % 3 !== 0;
  const given: Record<string, Given> = { units, return_sequences: returnSequences };
  if (name === "gru" && !resetAfter) given.reset_after = false;
  return { name, units, returnSequences, resetAfter, given };
}

function recurrent(b: Builder, r: readonly number[]): void {
  const { name, units, returnSequences, resetAfter, given } = recurrentArgs(r);
  b.add(name, given, RECURRENT[name]({ units, returnSequences, resetAfter }));
}

function bidirectional(b: Builder, r: readonly number[]): void {
  const { name, units, returnSequences, resetAfter, given } = recurrentArgs(r);
  const merges = ["concat", "sum", "mul", "ave"] as const;
  const merge = merges[r[3] % merges.length];
  const inner = layer(name, given);
  b.add("bidirectional", { layer: inner, merge }, tf.layers.bidirectional({ layer: RECURRENT[name]({ units, returnSequences, resetAfter }) as tf.RNN, mergeMode: merge }));
}

function timeDistributed(b: Builder, r: readonly number[]): void {
  const units = within(r[0], 1, 5);
  b.add("time_distributed", { layer: layer("dense", { units }) }, tf.layers.timeDistributed({ layer: tf.layers.dense({ units }) }));
}

/** Two branches from the current tensor, merged element-wise or concatenated on a random axis. */
function merge(b: Builder, r: readonly number[]): void {
  const x = b.current;
  const s = b.shapeOf(x).map((d) => (d < 0 ? UNKNOWN_SIZE : d));
  const rank = s.length;
  if (r[0] % 2 === 0) {
    const last = s[rank - 1];
    const y = b.add("dense", { units: last }, tf.layers.dense({ units: last }), [x]);
    const kinds = ["add", "multiply", "average", "maximum"] as const;
    const kind = kinds[r[1] % kinds.length];
    const make = { add: tf.layers.add, multiply: tf.layers.multiply, average: tf.layers.average, maximum: tf.layers.maximum }[kind];
    b.add(kind, {}, make({}), r[2] % 2 === 0 ? [x, y] : [y, x]);
    return;
  }
  const axis = within(r[1], -rank, rank - 1);
  const normalized = axis < 0 ? axis + rank : axis;
  let y: number;
  if (normalized === rank - 1) {
    const units = within(r[2], 1, 5);
    y = b.add("dense", { units }, tf.layers.dense({ units }), [x]);
  } else {
    y = b.add("layernorm", {}, tf.layers.layerNormalization({ epsilon: 0.001 }), [x]);
  }
  const given: Record<string, Given> = r[3] % 3 === 0 && axis === -1 ? {} : { axis };
  // TensorFlow.js counts the batch axis (nnc's axis 0 is its axis 1), and at run time it joins along
  // the last axis for every negative axis, so it gets the axis counted from the front.
  b.add("concat", given, tf.layers.concatenate({ axis: normalized + 1 }), [x, y]);
}

