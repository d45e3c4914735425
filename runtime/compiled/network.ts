/**
 * Compiles a sequential tfjs-layers model into the addon's `Network`, which runs a whole training
 * step (forward, cost, backward, L1/L2, clipping, the optimizer's update) in one native call per
 * batch. TensorFlow.js spends more time recording and dispatching a step's ~80–140 small
 * operations than computing them; the compiled step has none of that. Anything it does not cover is reported as a reason,
 * and the training runs through TensorFlow.js autograd instead.
 */
import * as tf from "@tensorflow/tfjs";
import type { LossSetting, OptimizerSetting, ClipSetting } from "../core/settings.js";
import { settled } from "../core/settings.js";
import { sourceName } from "../core/layer-names.js";
import { functionsOf, type NativeAddon } from "../addon/addon.js";
import type { NetworkPlan, PlannedLayer, PlannedOptimizer } from "./plan.js";

/**
 * The names of each parameter's optimizer state arrays, in the order tfjs's optimizer of the same
 * kind saves them (`getWeights`: `iter`, then every parameter's first slot, then every second).
 */
export const OPTIMIZER_SLOTS: Readonly<Record<PlannedOptimizer["kind"], readonly string[]>> = {
  sgd: [],
  momentum: ["momentum"],
  adagrad: ["accumulator"],
  adadelta: ["accum_grad", "accum_var"],
  rmsprop: ["rms", "momentum"],
  adam: ["m", "v"],
  adamax: ["m", "v"],
};

/** tfjs's float32 epsilon, which its AdaGrad, AdaDelta and RMSProp use. */
const BACKEND_EPSILON = 1e-7;

function plannedOptimizer(optimizer: OptimizerSetting): PlannedOptimizer {
  const none = { momentum: 0, nesterov: false, rho: 0, decay: 0, beta1: 0, beta2: 0, epsilon: BACKEND_EPSILON };
  switch (optimizer.kind) {
    case "sgd": {
      const momentum = settled(optimizer.momentum, "optimizer.momentum");
      const nesterov = settled(optimizer.nesterov, "optimizer.nesterov");
      return { ...none, kind: momentum > 0 || nesterov ? "momentum" : "sgd", momentum, nesterov };
    }
    case "adagrad":
      return { ...none, kind: "adagrad" };
    case "adadelta":
      return { ...none, kind: "adadelta", rho: settled(optimizer.rho, "optimizer.rho") };
    case "rmsprop":
      return { ...none, kind: "rmsprop", decay: settled(optimizer.decay, "optimizer.decay"), momentum: settled(optimizer.momentum, "optimizer.momentum") };
    case "adam":
    case "adamax":
      return { ...none, kind: optimizer.kind, beta1: settled(optimizer.beta1), beta2: settled(optimizer.beta2), epsilon: settled(optimizer.epsilon) };
  }
}

/** The addon's compiled network, as the JavaScript side sees it. */
export interface NativeNetwork {
  /**
   * One step on rows order[from … to-1] of x/y (rows from … to-1 when order is null). `out` gets
   * the mean cost, the number correct, the summed absolute error, each variable's squared gradient
   * norm, and last the index of the first array not finite after the step (variables, then
   * states) or −1: its length is 4 + the number of variables.
   */
  step(x: Float32Array, y: Float32Array, order: Uint32Array | null, from: number, to: number, weights: Float32Array[], lr: number, seed: number, out: Float64Array, states: Float32Array[]): void;
  /** Summed cost, correct predictions and absolute error over the first `count` rows, without dropout, into out[0…2]. */
  evaluate(x: Float32Array, y: Float32Array, count: number, weights: Float32Array[], out: Float64Array, states: Float32Array[]): void;
  /** Slot `slot` of parameter k's optimizer state (OPTIMIZER_SLOTS), a view on native memory. */
  state(k: number, slot: number): Float32Array;
  /** How many updates the optimizer has made. */
  steps(): number;
  /** Sets that count after a checkpoint (Adam's and Adamax's bias corrections depend on it). */
  restoreSteps(steps: number): void;
  parameterCount(): number;
}

interface NetworkFunctions {
  networkClass(): new (plan: NetworkPlan) => NativeNetwork;
}

const ACTIVATIONS = new Set(["linear", "relu", "sigmoid", "tanh", "softmax"]);

export type Compiled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

class Unsupported extends Error {}

function activationOf(layer: tf.layers.Layer, config: tf.serialization.ConfigDict): string {
  const name = String(config.activation ?? "linear");
  if (!ACTIVATIONS.has(name)) throw new Unsupported(`layer "${sourceName(layer.name)}" has activation ${name}`);
  return name;
}

function pair(value: unknown, what: string): [number, number] {
  const list = Array.isArray(value) ? value : [value, value];
  if (list.length !== 2 || !list.every((v) => typeof v === "number")) throw new Unsupported(`${what} is not a pair of numbers`);
  return [list[0] as number, list[1] as number];
}

/** TF's padding for one spatial axis: 'valid' none; 'same' the total split with the extra at the end. */
function padding(mode: string, size: number, out: number, kernel: number, stride: number, dilation: number): [number, number] {
  if (mode === "valid") return [0, 0];
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function spatial(shape: readonly (number | null)[], layer: tf.layers.Layer): number[] {
  const dims = shape.slice(1);
  if (dims.length !== 3 || dims.some((d) => d === null)) throw new Unsupported(`layer "${sourceName(layer.name)}" does not have an [h, w, c] shape`);
  return dims as number[];
}

function sizeOf(shape: readonly (number | null)[]): number {
  return shape.slice(1).reduce<number>((a, d) => a * (d ?? NaN), 1);
}

function shapeOf(value: tf.SymbolicTensor | tf.SymbolicTensor[] | tf.Shape | tf.Shape[]): (number | null)[] {
  if (Array.isArray(value) && value.length && (Array.isArray(value[0]) || value[0] instanceof tf.SymbolicTensor)) throw new Unsupported("a layer has several inputs or outputs");
  if (value instanceof tf.SymbolicTensor) return value.shape;
  return value as (number | null)[];
}

/** A plain chain: every layer's one input is the previous layer's output. */
function chain(model: tf.LayersModel): tf.layers.Layer[] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Unsupported("the model has several inputs or outputs");
  const layers = model.layers.filter((l) => l.getClassName() !== "InputLayer");
  let previous: tf.SymbolicTensor = model.inputs[0]!;
  for (const layer of layers) {
    if (layer.inboundNodes.length !== 1) throw new Unsupported(`layer "${sourceName(layer.name)}" is used more than once`);
    const inputs = layer.inboundNodes[0]!.inputTensors;
    if (inputs.length !== 1 || inputs[0] !== previous) throw new Unsupported(`layer "${sourceName(layer.name)}" does not follow the previous layer (the model branches)`);
    previous = layer.output as tf.SymbolicTensor;
  }
  if (previous !== model.outputs[0]) throw new Unsupported("the model's output is not its last layer");
  return layers;
}

export interface PlanInputs {
  readonly model: tf.LayersModel;
  readonly loss: LossSetting;
  readonly optimizer: OptimizerSetting;
  readonly clip: ClipSetting | null;
  /** Per layer name, the penalty coefficients as the cost uses them (l1/n, l2/(2n)). */
  readonly penalties: ReadonlyMap<string, { l1: number; l2: number }>;
  readonly metrics: readonly string[];
  /** One example's input shape as the data has it: fixes a sequence length the model leaves open. */
  readonly dataShape?: readonly number[];
}

const CELLS: Readonly<Record<string, "rnn" | "lstm" | "gru">> = { SimpleRNN: "rnn", LSTM: "lstm", GRU: "gru" };

/** The metrics the compiled network computes besides the cost. */
export type CompiledMetric = "accuracy" | "mae";
const COMPILED_METRICS: readonly string[] = ["accuracy", "mae"] satisfies CompiledMetric[];

/**
 * What a model compiles to: the plan, its trained variables and the ones its layers update
 * themselves (batch norm's moving statistics), both in plan order, and the metrics it reports.
 */
export interface PlannedNetwork {
  readonly plan: NetworkPlan;
  readonly variables: tf.Variable[];
  readonly states: tf.Variable[];
  readonly metrics: readonly CompiledMetric[];
}

/** The plan of a model, or why it cannot be compiled. */
export function planNetwork(input: PlanInputs): Compiled<PlannedNetwork> {
  try {
    return { ok: true, value: plan(input) };
  } catch (error) {
    if (error instanceof Unsupported) return { ok: false, reason: error.message };
    throw error;
  }
}

function plan({ model, loss, optimizer, clip, penalties, metrics, dataShape }: PlanInputs): PlannedNetwork {
  if (loss.kind === "huber") throw new Unsupported(`the ${loss.kind} cost is not compiled`);
  if ("fromLogits" in loss && settled(loss.fromLogits)) throw new Unsupported("costs from logits are not compiled");
  const unknownMetric = metrics.find((m) => !COMPILED_METRICS.includes(m));
  if (unknownMetric) throw new Unsupported(`the ${unknownMetric} metric is not compiled`);
  const layers: PlannedLayer[] = [];
  const variables: tf.Variable[] = [];
  const states: tf.Variable[] = [];
  // A sequence length the model leaves open (`input seq: [T, 2]`) is the data's.
  const modelInput = shapeOf(model.inputs[0]!);
  const steps = modelInput.length === 3 && modelInput[1] === null ? dataShape?.[0] : undefined;
  const concrete = (shape: (number | null)[]) => (steps !== undefined && shape.length === 3 && shape[1] === null ? [shape[0]!, steps, shape[2]!] : shape);
  for (const layer of chain(model)) {
    const config = layer.getConfig();
    const inShape = concrete(shapeOf(layer.input as tf.SymbolicTensor));
    const outShape = concrete(shapeOf(layer.outputShape));
    if (!(sizeOf(outShape) > 0)) throw new Unsupported(`layer "${sourceName(layer.name)}" has an empty output`);
    const penalty = penalties.get(layer.name) ?? { l1: 0, l2: 0 };
    if (!layer.trainable && layer.trainableWeights.length === 0 && layer.weights.length > 0) throw new Unsupported(`layer "${sourceName(layer.name)}" is frozen`);
    if (config.kernelConstraint || config.biasConstraint || config.kernelRegularizer || config.activityRegularizer)
      throw new Unsupported(`layer "${sourceName(layer.name)}" has a constraint or regularizer of its own`);
    const params = (): void => {
      if (!layer.trainable) throw new Unsupported(`layer "${sourceName(layer.name)}" is frozen`);
      for (const w of layer.trainableWeights) variables.push(w.read() as tf.Variable);
    };
    switch (layer.getClassName()) {
      case "Dense": {
        if (inShape.length !== 2) throw new Unsupported(`dense layer "${sourceName(layer.name)}" has a rank-${inShape.length - 1} input`);
        layers.push({ kind: "dense", inputs: inShape[1]!, units: Number(config.units), activation: activationOf(layer, config), bias: Boolean(config.useBias), ...penalty });
        params();
        break;
      }
      case "Conv2D": {
        if (config.dataFormat !== "channelsLast") throw new Unsupported(`conv layer "${sourceName(layer.name)}" is not channels-last`);
        const input = spatial(inShape, layer), output = spatial(outShape, layer);
        const kernel = pair(config.kernelSize, "kernelSize"), strides = pair(config.strides, "strides"), dilation = pair(config.dilationRate, "dilationRate");
        const mode = String(config.padding);
        const [top, bottom] = padding(mode, input[0]!, output[0]!, kernel[0], strides[0], dilation[0]);
        const [left, right] = padding(mode, input[1]!, output[1]!, kernel[1], strides[1], dilation[1]);
        layers.push({ kind: "conv2d", input, output, kernel, strides, dilation, pad: [top, bottom, left, right], activation: activationOf(layer, config), bias: Boolean(config.useBias), ...penalty });
        params();
        break;
      }
      case "MaxPooling2D":
      case "AveragePooling2D": {
        if (config.dataFormat !== "channelsLast") throw new Unsupported(`pooling layer "${sourceName(layer.name)}" is not channels-last`);
        const input = spatial(inShape, layer), output = spatial(outShape, layer);
        const pool = pair(config.poolSize, "poolSize"), strides = pair(config.strides ?? config.poolSize, "strides");
        const mode = String(config.padding);
        const [top, bottom] = padding(mode, input[0]!, output[0]!, pool[0], strides[0], 1);
        const [left, right] = padding(mode, input[1]!, output[1]!, pool[1], strides[1], 1);
        layers.push({ kind: layer.getClassName() === "MaxPooling2D" ? "maxpool" : "avgpool", input, output, pool, strides, pad: [top, bottom, left, right] });
        break;
      }
      case "SimpleRNN":
      case "LSTM":
      case "GRU": {
        const cell = CELLS[layer.getClassName()]!;
        if (cell !== "rnn" && config.recurrentActivation !== "sigmoid") throw new Unsupported(`layer "${sourceName(layer.name)}" has ${String(config.recurrentActivation)} gates`);
        if (config.returnState || config.goBackwards || config.stateful || config.resetAfter) throw new Unsupported(`layer "${sourceName(layer.name)}" returns states, runs backwards, keeps state or resets after`);
        if (Number(config.dropout) > 0 || Number(config.recurrentDropout) > 0) throw new Unsupported(`layer "${sourceName(layer.name)}" has dropout`);
        if (inShape.length !== 3 || inShape[1] === null || inShape[2] === null) throw new Unsupported(`layer "${sourceName(layer.name)}" has no fixed sequence length`);
        const activation = activationOf(layer, config);
        if (activation === "softmax") throw new Unsupported(`layer "${sourceName(layer.name)}" has activation softmax`);
        const { recurrentRegularizer, biasRegularizer, recurrentConstraint } = config;
        if (recurrentRegularizer || biasRegularizer || recurrentConstraint) throw new Unsupported(`layer "${sourceName(layer.name)}" has a constraint or regularizer of its own`);
        layers.push({ kind: "recurrent", cell, steps: inShape[1], features: inShape[2], units: Number(config.units), activation, bias: Boolean(config.useBias), returnSequences: Boolean(config.returnSequences), ...penalty });
        params();
        break;
      }
      case "BatchNormalization": {
        const rank = inShape.length - 1;
        const axis = Number(config.axis);
        if (axis !== -1 && axis !== rank) throw new Unsupported(`batch norm layer "${sourceName(layer.name)}" does not normalize the last axis`);
        const channels = inShape[rank];
        if (typeof channels !== "number") throw new Unsupported(`batch norm layer "${sourceName(layer.name)}" has no fixed channel count`);
        layers.push({ kind: "batchnorm", positions: sizeOf(inShape) / channels, channels, momentum: Number(config.momentum), epsilon: Number(config.epsilon), center: Boolean(config.center), scale: Boolean(config.scale) });
        params();
        // tfjs-layers adds moving_mean, then moving_variance.
        const [movingMean, movingVariance, ...others] = layer.nonTrainableWeights;
        if (!movingMean || !movingVariance || others.length) throw new Unsupported(`batch norm layer "${sourceName(layer.name)}" has unexpected weights`);
        states.push(movingMean.read() as tf.Variable, movingVariance.read() as tf.Variable);
        break;
      }
      case "Flatten":
        // NHWC rows are already flat in tfjs's order: nothing to run.
        break;
      case "Dropout":
        if (config.noiseShape) throw new Unsupported(`dropout layer "${sourceName(layer.name)}" has a noise shape`);
        layers.push({ kind: "dropout", size: sizeOf(inShape), rate: Number(config.rate) });
        break;
      case "Activation":
        layers.push({ kind: "activation", size: sizeOf(inShape), activation: activationOf(layer, config) });
        break;
      default:
        throw new Unsupported(`layer "${sourceName(layer.name)}" (${layer.getClassName()}) is not compiled`);
    }
  }
  const inputShape = concrete(shapeOf(model.inputs[0]!));
  const outputShape = concrete(shapeOf(model.outputs[0]!));
  return {
    plan: {
      inputSize: sizeOf(inputShape),
      outputSize: sizeOf(outputShape),
      loss: loss.kind === "sparse_cross_entropy" ? "cross_entropy" : loss.kind,
      optimizer: plannedOptimizer(optimizer),
      clip: clip ? clip.kind : "none",
      clipMax: clip ? settled(clip.max, "clip.max") : 0,
      layers,
    },
    variables,
    states,
    metrics: metrics as readonly CompiledMetric[],
  };
}

/** Builds the native network of a plan. */
export function compileNetwork(addon: NativeAddon, plan: NetworkPlan): NativeNetwork {
  const { networkClass } = functionsOf<NetworkFunctions>(addon, ["networkClass"]);
  const Network = networkClass();
  return new Network(plan);
}
