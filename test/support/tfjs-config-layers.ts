/**
 * The compiled step's plan entries read back from a tfjs-layers model's configs, as nnc's planner
 * read them before each layer definition stated its own (compiler/layers/*.ts `native`). Kept as an
 * independent oracle: the compiler's entries must equal these (test/layers/native-plan.test.ts), and
 * tests that plan a hand-built tfjs model pass them explicitly.
 */
import * as tf from "@tensorflow/tfjs";
import type { NativeEntry, NativeLayers } from "../../runtime/core/native-layer.js";
import { sourceName } from "../../runtime/core/layer-names.js";

const NATIVE_ACTIVATIONS = new Set(["linear", "relu", "sigmoid", "tanh", "softmax"]);
const CELLS: Readonly<Record<string, "rnn" | "lstm" | "gru" | "gru_reset_after">> = { SimpleRNN: "rnn", LSTM: "lstm", GRU: "gru", GRUResetAfter: "gru_reset_after" };

function pair(value: unknown): [number, number] {
  const list = Array.isArray(value) ? value : [value, value];
  return [list[0] as number, list[1] as number];
}

/** TF's padding of one axis, computed independently of runtime/core/geometry.ts. */
function padding(mode: string, size: number, out: number, kernel: number, stride: number, dilation: number): [number, number] {
  if (mode === "valid") return [0, 0];
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function count(shape: readonly (number | null)[]): number | null {
  return shape.some((d) => d === null) ? null : (shape as number[]).reduce((a, b) => a * b, 1);
}

function entryOf(layer: tf.layers.Layer): NativeEntry {
  const config = layer.getConfig();
  const name = sourceName(layer.name);
  if (Array.isArray(layer.input)) return { notCompiled: `layer "${name}" (${layer.getClassName()}) is not compiled` };
  const inShape = (layer.input as tf.SymbolicTensor).shape.slice(1);
  const outShape = (layer.outputShape as (number | null)[]).slice(1);
  const activation = (): { activation: string } | { notCompiled: string } => {
    const a = String(config.activation ?? "linear");
    return NATIVE_ACTIVATIONS.has(a) ? { activation: a } : { notCompiled: `layer "${name}" has activation ${a}` };
  };
  switch (layer.getClassName()) {
    case "Dense": {
      if (inShape.length !== 1) return { notCompiled: `dense layer "${name}" has a rank-${inShape.length} input` };
      const a = activation();
      return "notCompiled" in a ? a : { run: { kind: "dense", inputs: inShape[0]!, units: Number(config.units), ...a, bias: Boolean(config.useBias) } };
    }
    case "Conv2D":
    case "MaxPooling2D":
    case "AveragePooling2D": {
      if (inShape.some((d) => d === null) || outShape.some((d) => d === null)) return { notCompiled: `layer "${name}" does not have an [h, w, c] shape` };
      const input = inShape as number[], output = outShape as number[];
      const conv = layer.getClassName() === "Conv2D";
      const kernel = pair(conv ? config.kernelSize : config.poolSize), strides = pair(config.strides ?? config.poolSize), dilation = conv ? pair(config.dilationRate) : [1, 1];
      const mode = String(config.padding);
      const pad = [...padding(mode, input[0]!, output[0]!, kernel[0], strides[0], dilation[0]!), ...padding(mode, input[1]!, output[1]!, kernel[1], strides[1], dilation[1]!)];
      if (!conv) return { run: { kind: layer.getClassName() === "MaxPooling2D" ? "maxpool" : "avgpool", input, output, pool: kernel, strides, pad } };
      const a = activation();
      return "notCompiled" in a ? a : { run: { kind: "conv2d", input, output, kernel, strides, dilation, pad, ...a, bias: Boolean(config.useBias) } };
    }
    case "SimpleRNN":
    case "LSTM":
    case "GRU":
    case "GRUResetAfter": {
      const cell = CELLS[layer.getClassName()]!;
      if (cell !== "rnn" && config.recurrentActivation !== "sigmoid") return { notCompiled: `layer "${name}" has ${String(config.recurrentActivation)} gates` };
      if (Number(config.dropout) > 0) return { notCompiled: `layer "${name}" has dropout` };
      const a = activation();
      if ("notCompiled" in a) return a;
      if (a.activation === "softmax") return { notCompiled: `layer "${name}" has activation softmax` };
      return { run: { kind: "recurrent", cell, steps: inShape[0] ?? null, features: inShape[1]!, units: Number(config.units), ...a, bias: Boolean(config.useBias), returnSequences: Boolean(config.returnSequences) } };
    }
    case "BatchNormalization": {
      const channels = inShape[inShape.length - 1]!;
      const values = count(inShape);
      return { run: { kind: "batchnorm", positions: values === null ? null : values / channels, channels, momentum: Number(config.momentum), epsilon: Number(config.epsilon), center: Boolean(config.center), scale: Boolean(config.scale) } };
    }
    case "Flatten":
      return { nothing: true };
    case "Dropout":
      return { run: { kind: "dropout", size: count(inShape), rate: Number(config.rate) } };
    case "Activation": {
      const a = activation();
      return "notCompiled" in a ? a : { run: { kind: "activation", size: count(inShape), ...a } };
    }
    default:
      return { notCompiled: `layer "${name}" (${layer.getClassName()}) is not compiled` };
  }
}

/** Every layer's entry of a tfjs-layers model, by tfjs name. */
export function nativeLayersFromConfigs(model: tf.LayersModel): NativeLayers {
  return Object.fromEntries(model.layers.filter((l) => l.getClassName() !== "InputLayer").map((l) => [l.name, entryOf(l)]));
}
