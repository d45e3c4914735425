/**
 * Compiles a sequential tfjs-layers model into the addon's `Network`, which runs a whole training
 * step (forward, cost, backward, L1/L2, clipping, the optimizer's update) in one native call per
 * batch. TensorFlow.js spends more time recording and dispatching a step's ~80–140 small
 * operations than computing them; the compiled step has none of that. Anything it does not cover is reported as a reason,
 * and the training runs through TensorFlow.js autograd instead.
 */
import * as tf from "@tensorflow/tfjs";
import type { LossSetting, OptimizerSetting, ClipSetting, Settled } from "../core/settings.js";
import { sourceName } from "../core/layer-names.js";
import { functionsOf, type NativeAddon } from "../addon/addon.js";
import type { NetworkPlan, PlannedLayer, PlannedOptimizer } from "../core/native-plan.js";
import type { NativeLayer, NativeLayers } from "../core/native-layer.js";

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

function plannedOptimizer(optimizer: Settled<OptimizerSetting>): PlannedOptimizer {
  const none = { momentum: 0, nesterov: false, rho: 0, decay: 0, beta1: 0, beta2: 0, epsilon: BACKEND_EPSILON };
  switch (optimizer.kind) {
    case "sgd": {
      const { momentum, nesterov } = optimizer;
      return { ...none, kind: momentum > 0 || nesterov ? "momentum" : "sgd", momentum, nesterov };
    }
    case "adagrad":
      return { ...none, kind: "adagrad" };
    case "adadelta":
      return { ...none, kind: "adadelta", rho: optimizer.rho };
    case "rmsprop":
      return { ...none, kind: "rmsprop", decay: optimizer.decay, momentum: optimizer.momentum };
    case "adam":
    case "adamax":
      return { ...none, kind: optimizer.kind, beta1: optimizer.beta1, beta2: optimizer.beta2, epsilon: optimizer.epsilon };
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
  /** The addon's `Network` class; its constructor decodes the plan (net_plan.cc) and throws on a bad one. */
  networkClass(): new (plan: NetworkPlan) => NativeNetwork;
  /** The plan as the addon's decoder read it, or an error naming the layer, kind and field it refused. */
  decodeNetworkPlan(plan: NetworkPlan): NetworkPlan;
}

export type Compiled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

class Unsupported extends Error {}

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
  readonly loss: Settled<LossSetting>;
  readonly optimizer: Settled<OptimizerSetting>;
  readonly clip: Settled<ClipSetting> | null;
  /** Per layer name, the penalty coefficients as the cost uses them (l1/n, l2/(2n)). */
  readonly penalties: ReadonlyMap<string, { l1: number; l2: number }>;
  readonly metrics: readonly string[];
  /** Each layer's entry of the plan as the compiler wrote it, by tfjs layer name (a generated module's `nativeLayers`). */
  readonly nativeLayers: NativeLayers;
  /** One example's input shape as the data has it: fixes a sequence length the model leaves open. */
  readonly dataShape?: readonly number[];
}

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

function plan({ model, loss, optimizer, clip, penalties, metrics, nativeLayers, dataShape }: PlanInputs): PlannedNetwork {
  if (loss.kind === "huber") throw new Unsupported(`the ${loss.kind} cost is not compiled`);
  if ("fromLogits" in loss && loss.fromLogits) throw new Unsupported("costs from logits are not compiled");
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
    // Constraints and regularizers are not in the language; a hand-built model may have them.
    if (config.kernelConstraint || config.biasConstraint || config.kernelRegularizer || config.activityRegularizer)
      throw new Unsupported(`layer "${sourceName(layer.name)}" has a constraint or regularizer of its own`);
    const entry = Object.hasOwn(nativeLayers, layer.name) ? nativeLayers[layer.name]! : { notCompiled: `layer "${sourceName(layer.name)}" (${layer.getClassName()}) is not compiled` };
    if ("notCompiled" in entry) throw new Unsupported(entry.notCompiled);
    if ("nothing" in entry) continue;
    const planned = withSizes(entry.run, inShape, layer);
    if (planned.kind === "dense" || planned.kind === "conv2d" || planned.kind === "recurrent") layers.push({ ...planned, ...penalty });
    else layers.push(planned);
    if (layer.trainableWeights.length > 0) {
      if (!layer.trainable) throw new Unsupported(`layer "${sourceName(layer.name)}" is frozen`);
      for (const w of layer.trainableWeights) variables.push(w.read() as tf.Variable);
    }
    if (planned.kind === "batchnorm") {
      // tfjs-layers adds moving_mean, then moving_variance.
      const [movingMean, movingVariance, ...others] = layer.nonTrainableWeights;
      if (!movingMean || !movingVariance || others.length) throw new Unsupported(`batch norm layer "${sourceName(layer.name)}" has unexpected weights`);
      states.push(movingMean.read() as tf.Variable, movingVariance.read() as tf.Variable);
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
      clipMax: clip ? clip.max : 0,
      layers,
    },
    variables,
    states,
    metrics: metrics as readonly CompiledMetric[],
  };
}

/**
 * A compiler's entry with the sizes it left open (a sequence length the model leaves open) taken
 * from the layer's input as the data fixes it.
 */
function withSizes(entry: NativeLayer, inShape: readonly (number | null)[], layer: tf.layers.Layer): WithoutPenalties {
  switch (entry.kind) {
    case "recurrent": {
      const steps = entry.steps ?? inShape[1];
      if (typeof steps !== "number") throw new Unsupported(`layer "${sourceName(layer.name)}" has no fixed sequence length`);
      return { ...entry, steps };
    }
    case "dropout":
    case "activation":
      return { ...entry, size: entry.size ?? sizeOf(inShape) };
    case "batchnorm":
      return { ...entry, positions: entry.positions ?? sizeOf(inShape) / entry.channels };
    default:
      return entry;
  }
}

type WithoutPenalties = PlannedLayer extends infer L ? (L extends unknown ? Omit<L, "l1" | "l2"> : never) : never;

/** The plan back from the addon's decoder: what the compiled network is built from (the decoder's tests). */
export function decodeNetworkPlan(addon: NativeAddon, plan: NetworkPlan): NetworkPlan {
  return functionsOf<NetworkFunctions>(addon, ["decodeNetworkPlan"]).decodeNetworkPlan(plan);
}

/** Builds the native network of a plan. */
export function compileNetwork(addon: NativeAddon, plan: NetworkPlan): NativeNetwork {
  const { networkClass } = functionsOf<NetworkFunctions>(addon, ["networkClass"]);
  const Network = networkClass();
  return new Network(plan);
}
