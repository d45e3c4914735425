/**
 * One elaborated layer → the TypeScript expression that constructs its tfjs-layers counterpart.
 * Arguments come from the checked graph, so every value here is concrete; names and strings go
 * through `literal`. Layers tfjs-layers lacks (`l2pool`) construct the runtime's own layer classes.
 */
import { helperLayerName, tfjsName } from "../../runtime/core/layer-names.js";
import type { LayerNode } from "../checker/graph.js";
import type { BoundArgs, Value } from "../schema/values.js";
import { arg, concrete } from "../schema/values.js";
import { boolArg, dimArg, enumArg, numArg } from "../layers/common.js";
import { readWindow } from "../layers/window.js";
import { constValue, type Dim } from "../shapes/dim.js";
import type { Shape } from "../shapes/shape.js";
import { initializerSetting } from "../training/resolve.js";
import type { InitializerSetting } from "../training/resolved.js";
import { literal } from "./literal.js";

/** tfjs activation names for the language's; leaky_relu has none and becomes its own layer. */
const TFJS_ACTIVATION: Record<string, string> = {
  linear: "linear",
  sigmoid: "sigmoid",
  tanh: "tanh",
  relu: "relu",
  elu: "elu",
  softplus: "softplus",
  softmax: "softmax",
};

export interface LayerCode {
  /** The expression constructing the layer. */
  readonly construct: string;
  /**
   * A second layer applied after it (`leaky_relu` as a dense layer's activation), named after the
   * layer (`dense_2.leaky_relu`, runtime/core/layer-names.ts) so that its name does not depend on what
   * else the process built.
   */
  readonly then?: string;
  /** Per-layer `l1:`/`l2:` overrides. */
  readonly penalty?: { readonly l1?: number; readonly l2?: number };
}

export class CodegenError extends Error {
  override readonly name = "CodegenError";
}

function known(d: Dim | undefined, what: string): number {
  const v = d === undefined ? undefined : constValue(d);
  if (v === undefined) throw new CodegenError(`${what} must be a known number to generate code`);
  return v;
}

function props(entries: Record<string, string | undefined>): string {
  return `{ ${Object.entries(entries)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ")} }`;
}

/** The fan-in of a weight matrix whose rows read `inputs` values (for N(0, 1/√n_in)). */
function initializerCode(setting: InitializerSetting, fanIn: number): string {
  return `nnc.initializer(${literal(setting)}, ${fanIn})`;
}

interface InitChoice {
  readonly args: BoundArgs;
  readonly name: string;
  readonly fanIn: number;
}

/**
 * The user's own initializer, or for weights the training's `init` falling back to the layer's
 * default. Biases keep their own default (zeros): `init` is about weights, as in the lectures.
 */
function weightInit({ args, name, fanIn }: InitChoice): string {
  const bound = args.get(name);
  if (!bound) return `undefined`;
  const setting = initializerSetting(concrete(bound.value));
  if (bound.node || name === "bias_init") return initializerCode(setting, fanIn);
  return `nnc.initializer(options.init ?? ${literal(setting)}, ${fanIn})`;
}

/** The activation tfjs-layers' constructor takes, and the layer to apply after it for one it does not. */
function activationOf(args: BoundArgs, layer: string | undefined): { name: string | undefined; then?: string } {
  const a = enumArg(args, "activation");
  if (a === undefined || a === "linear") return { name: a === undefined ? undefined : literal("linear") };
  if (a === "leaky_relu") return { name: literal("linear"), then: `tf.layers.leakyReLU(${props({ alpha: "0.01", name: layer === undefined ? undefined : literal(helperLayerName(layer, "leaky_relu")) })})` };
  return { name: literal(TFJS_ACTIVATION[a] ?? a) };
}

function penaltyOf(args: BoundArgs): LayerCode["penalty"] {
  const l1 = numArg(args, "l1");
  const l2 = numArg(args, "l2");
  return l1 === undefined && l2 === undefined ? undefined : { ...(l1 !== undefined ? { l1 } : {}), ...(l2 !== undefined ? { l2 } : {}) };
}

function lastDim(shape: Shape, what: string): number {
  return known(shape[shape.length - 1], what);
}

/**
 * A layer given as an argument (`bidirectional(lstm(32))`), constructed without a name of its own;
 * the layer it needs after it (a leaky_relu activation) is named after the wrapper, `owner`.
 */
function innerLayer(value: Value | undefined, input: Shape, owner: string | undefined): LayerCode {
  const v = value && concrete(value);
  if (!v || v.kind !== "layer") throw new CodegenError("a wrapper needs a layer argument");
  return construct(v.layer, v.args, [input], undefined, owner);
}

/** `name` is the layer's (none for a wrapper's inner layer); a helper layer after it is named after `owner`. */
function construct(layer: string, args: BoundArgs, inputs: readonly Shape[], name: string | undefined, owner: string | undefined = name): LayerCode {
  const input = inputs[0] ?? [];
  // tfjs-layers rejects names starting with `_`: they are given to it as `nn-_h` (runtime/core/layer-names.ts).
  const named = name === undefined ? undefined : literal(tfjsName(name));
  switch (layer) {
    case "dense": {
      const activation = activationOf(args, owner);
      return {
        construct: `tf.layers.dense(${props({
          units: String(known(dimArg(args, "units"), "dense units")),
          activation: activation.name,
          useBias: String(boolArg(args, "use_bias") ?? true),
          kernelInitializer: weightInit({ args, name: "init", fanIn: lastDim(input, "dense input width") }),
          biasInitializer: weightInit({ args, name: "bias_init", fanIn: lastDim(input, "dense input width") }),
          name: named,
        })})`,
        then: activation.then,
        penalty: penaltyOf(args),
      };
    }
    case "conv2d":
    case "conv1d": {
      const axes = layer === "conv2d" ? 2 : 1;
      const w = readWindow(layer, args, axes, { size: "kernel", dilation: "dilation" }, () => undefined);
      if (!w) throw new CodegenError(`${layer} window`);
      const size = w.size.map((d) => known(d, `${layer} kernel`));
      const channels = lastDim(input, `${layer} input channels`);
      const fanIn = size.reduce((a, b) => a * b, 1) * channels;
      const activation = activationOf(args, owner);
      const pick = (values: readonly number[]) => (axes === 2 ? literal(values) : String(values[0]));
      return {
        construct: `tf.layers.${layer}(${props({
          filters: String(known(dimArg(args, "filters"), `${layer} filters`)),
          kernelSize: pick(size),
          strides: pick(w.stride),
          padding: literal(w.padding),
          dilationRate: pick(w.dilation),
          activation: activation.name,
          useBias: String(boolArg(args, "use_bias") ?? true),
          kernelInitializer: weightInit({ args, name: "init", fanIn }),
          biasInitializer: weightInit({ args, name: "bias_init", fanIn }),
          name: named,
        })})`,
        then: activation.then,
        penalty: penaltyOf(args),
      };
    }
    case "maxpool":
    case "avgpool":
    case "l2pool":
    case "maxpool1d":
    case "avgpool1d": {
      const axes = layer.endsWith("1d") ? 1 : 2;
      const w = readWindow(layer, args, axes, { size: "size", strideDefaultsToSize: true }, () => undefined);
      if (!w) throw new CodegenError(`${layer} window`);
      const size = w.size.map((d) => known(d, `${layer} size`));
      const pick = (values: readonly number[]) => (axes === 2 ? literal(values) : String(values[0]));
      const config = props({ poolSize: pick(size), strides: pick(w.stride), padding: literal(w.padding), name: named });
      const ctor = {
        maxpool: "tf.layers.maxPooling2d",
        avgpool: "tf.layers.averagePooling2d",
        maxpool1d: "tf.layers.maxPooling1d",
        avgpool1d: "tf.layers.averagePooling1d",
        l2pool: "nnc.l2Pooling2d",
      }[layer];
      return { construct: `${ctor}(${config})` };
    }
    case "global_avgpool":
    case "global_maxpool": {
      const kind = layer === "global_avgpool" ? "globalAveragePooling" : "globalMaxPooling";
      return { construct: `tf.layers.${kind}${input.length === 2 ? "1d" : "2d"}(${props({ name: named })})` };
    }
    case "flatten":
      return { construct: `tf.layers.flatten(${props({ name: named })})` };
    case "reshape":
      throw new CodegenError("reshape is emitted with its output shape");
    case "repeat":
      return { construct: `tf.layers.repeatVector(${props({ n: String(known(dimArg(args, "n"), "repeat n")), name: named })})` };
    case "dropout":
      return { construct: `tf.layers.dropout(${props({ rate: String(numArg(args, "rate") ?? 0), name: named })})` };
    case "batchnorm":
      return {
        construct: `tf.layers.batchNormalization(${props({ momentum: String(numArg(args, "momentum") ?? 0.99), epsilon: String(numArg(args, "epsilon") ?? 0.001), name: named })})`,
      };
    case "layernorm":
      return { construct: `tf.layers.layerNormalization(${props({ epsilon: String(numArg(args, "epsilon") ?? 0.001), name: named })})` };
    case "leaky_relu":
      return { construct: `tf.layers.leakyReLU(${props({ alpha: String(numArg(args, "alpha") ?? 0.01), name: named })})` };
    case "relu":
    case "sigmoid":
    case "tanh":
    case "softmax":
    case "elu":
    case "softplus":
    case "linear":
      return { construct: `tf.layers.activation(${props({ activation: literal(TFJS_ACTIVATION[layer]), name: named })})` };
    case "embedding":
      return {
        construct: `tf.layers.embedding(${props({
          inputDim: String(known(dimArg(args, "vocab"), "embedding vocab")),
          outputDim: String(known(dimArg(args, "dim"), "embedding dim")),
          embeddingsInitializer: weightInit({ args, name: "init", fanIn: 1 }),
          name: named,
        })})`,
      };
    case "rnn":
    case "lstm":
    case "gru": {
      const ctor = { rnn: "simpleRNN", lstm: "lstm", gru: "gru" }[layer];
      const activation = enumArg(args, "activation") ?? "tanh";
      const units = known(dimArg(args, "units"), `${layer} units`);
      if (activation === "leaky_relu") throw new CodegenError(`${layer} cannot use leaky_relu as its activation in tfjs`);
      return {
        construct: `tf.layers.${ctor}(${props({
          units: String(units),
          activation: literal(TFJS_ACTIVATION[activation] ?? activation),
          // Gates are logistic, as in the lectures, Keras 2 and PyTorch; tfjs defaults to a hard sigmoid.
          recurrentActivation: layer === "rnn" ? undefined : literal("sigmoid"),
          returnSequences: String(boolArg(args, "return_sequences") ?? false),
          dropout: String(numArg(args, "dropout") ?? 0),
          kernelInitializer: weightInit({ args, name: "init", fanIn: lastDim(input, `${layer} input features`) }),
          recurrentInitializer: initializerCode({ kind: "orthogonal" }, units),
          name: named,
        })})`,
      };
    }
    case "bidirectional":
      return {
        construct: `tf.layers.bidirectional(${props({
          layer: `${innerLayer(arg(args, "layer"), input, name).construct} as tf.RNN`,
          mergeMode: literal(enumArg(args, "merge") ?? "concat"),
          name: named,
        })})`,
      };
    case "time_distributed": {
      // An activation applied per element after the wrapper is the same as inside it, step by step.
      const inner = innerLayer(arg(args, "layer"), input.slice(1), name);
      return { construct: `tf.layers.timeDistributed(${props({ layer: inner.construct, name: named })})`, then: inner.then };
    }
    case "add":
    case "multiply":
    case "average":
    case "maximum":
      return { construct: `tf.layers.${layer}(${props({ name: named })})` };
    case "concat": {
      const axis = numArg(args, "axis") ?? -1;
      const rank = input.length;
      // tfjs counts the batch axis; nnc does not. A normalized positive axis avoids tfjs's
      // handling of negative axes in concatenate's shape inference.
      const normalized = axis < 0 ? rank + axis : axis;
      return { construct: `tf.layers.concatenate(${props({ axis: String(normalized + 1), name: named })})` };
    }
    default:
      throw new CodegenError(`no code generation for layer ${layer}`);
  }
}

/** The code for one node of a model graph. */
export function emitLayer(node: LayerNode): LayerCode {
  const inputs = node.inputs.map((t) => t.shape);
  if (node.def.name === "reshape") {
    const output = node.output?.shape;
    if (!output) throw new CodegenError("reshape without an output shape");
    return { construct: `tf.layers.reshape(${props({ targetShape: literal(output.map((d) => known(d, "reshape size"))), name: literal(tfjsName(node.name)) })})` };
  }
  return construct(node.def.name, node.args, inputs, node.name);
}
