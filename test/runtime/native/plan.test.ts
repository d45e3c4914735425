/**
 * The addon's plan decoder (runtime/addon/src/net_plan.cc): every planned layer kind and the
 * optimizer come back from it as they went in, and a bad entry is refused with a message naming
 * the layer, its kind and the field.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadNativeAddon } from "../../../runtime/addon/addon.js";
import { compileNetwork, decodeNetworkPlan } from "../../../runtime/compiled/network.js";
import type { NetworkPlan, PlannedLayer, PlannedOptimizer } from "../../../runtime/core/native-plan.js";
import { nativeAvailable } from "../../support/native-oracle.js";

const size = fc.integer({ min: 1, max: 64 });
const real = fc.double({ noNaN: true, noDefaultInfinity: true });
const activation = fc.constantFrom("linear", "relu", "sigmoid", "tanh", "softmax");

/** The output size along one axis that the window gives (the decoder's rule), or 0 when none fits. */
function outputSize(input: number, filter: number, stride: number, dilation: number, before: number, after: number): number {
  const span = (filter - 1) * dilation + 1;
  return input + before + after >= span ? Math.floor((input + before + after - span) / stride) + 1 : 0;
}

const pair = (max: number) => fc.tuple(fc.integer({ min: 1, max }), fc.integer({ min: 1, max }));
const window = fc.record({
  input: fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 8 })),
  filter: pair(5),
  strides: pair(3),
  dilation: pair(3),
  pad: fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3), fc.nat(3)),
});
type Window = typeof window extends fc.Arbitrary<infer T> ? T : never;
function spatialOutput(w: Window, dilation: [number, number]): [number, number] {
  const [top, bottom, left, right] = w.pad;
  return [outputSize(w.input[0], w.filter[0], w.strides[0], dilation[0], top, bottom), outputSize(w.input[1], w.filter[1], w.strides[1], dilation[1], left, right)];
}

const dense = fc.record({ kind: fc.constant("dense" as const), inputs: size, units: size, activation, bias: fc.boolean(), l1: real, l2: real });
const conv2d = fc
  .tuple(window, fc.integer({ min: 1, max: 16 }), activation, fc.boolean(), real, real)
  .map(([w, filters, activation, bias, l1, l2]): PlannedLayer => {
    const [height, width] = spatialOutput(w, w.dilation);
    return { kind: "conv2d", input: [...w.input], output: [height, width, filters], kernel: [...w.filter], strides: [...w.strides], dilation: [...w.dilation], pad: [...w.pad], activation, bias, l1, l2 };
  })
  .filter((l) => l.kind === "conv2d" && l.output[0]! > 0 && l.output[1]! > 0);
const pool = fc
  .tuple(window, fc.constantFrom("maxpool" as const, "avgpool" as const))
  .map(([w, kind]): PlannedLayer => {
    const [height, width] = spatialOutput(w, [1, 1]);
    return { kind, input: [...w.input], output: [height, width, w.input[2]], pool: [...w.filter], strides: [...w.strides], pad: [...w.pad] };
  })
  .filter((l) => (l.kind === "maxpool" || l.kind === "avgpool") && l.output[0]! > 0 && l.output[1]! > 0);
const recurrent = fc.record({
  kind: fc.constant("recurrent" as const),
  cell: fc.constantFrom("rnn" as const, "lstm" as const, "gru" as const, "gru_reset_after" as const),
  steps: size,
  features: size,
  units: size,
  activation,
  bias: fc.boolean(),
  returnSequences: fc.boolean(),
  l1: real,
  l2: real,
});
const batchnorm = fc.record({ kind: fc.constant("batchnorm" as const), positions: size, channels: size, momentum: real, epsilon: real, center: fc.boolean(), scale: fc.boolean() });
const dropout = fc.record({ kind: fc.constant("dropout" as const), size, rate: real });
const activationLayer = fc.record({ kind: fc.constant("activation" as const), size, activation });
const layer: fc.Arbitrary<PlannedLayer> = fc.oneof(dense, conv2d, pool, recurrent, batchnorm, dropout, activationLayer);

const optimizer: fc.Arbitrary<PlannedOptimizer> = fc.record({
  kind: fc.constantFrom("sgd" as const, "momentum" as const, "adagrad" as const, "adadelta" as const, "rmsprop" as const, "adam" as const, "adamax" as const),
  momentum: real,
  nesterov: fc.boolean(),
  rho: real,
  decay: real,
  beta1: real,
  beta2: real,
  epsilon: real,
});

const plan: fc.Arbitrary<NetworkPlan> = fc.record({
  inputSize: size,
  outputSize: size,
  loss: fc.constantFrom("quadratic" as const, "mse" as const, "mae" as const, "cross_entropy" as const, "binary_cross_entropy" as const),
  optimizer,
  clip: fc.constantFrom("none" as const, "value" as const, "norm" as const),
  clipMax: real,
  layers: fc.array(layer, { maxLength: 6 }),
});

/** A plan around one layer, everything else valid. */
function planOf(layer: unknown, changes: Partial<Record<keyof NetworkPlan, unknown>> = {}): NetworkPlan {
  const optimizer: PlannedOptimizer = { kind: "sgd", momentum: 0, nesterov: false, rho: 0, decay: 0, beta1: 0, beta2: 0, epsilon: 1e-7 };
  return { inputSize: 4, outputSize: 4, loss: "mse", optimizer, clip: "none", clipMax: 0, layers: [layer as PlannedLayer], ...changes } as NetworkPlan;
}

const goodDense = { kind: "dense", inputs: 4, units: 4, activation: "relu", bias: true, l1: 0, l2: 0 };
const goodConv = { kind: "conv2d", input: [6, 6, 2], output: [4, 4, 3], kernel: [3, 3], strides: [1, 1], dilation: [1, 1], pad: [0, 0, 0, 0], activation: "linear", bias: false, l1: 0, l2: 0 };
const goodPool = { kind: "maxpool", input: [6, 6, 2], output: [3, 3, 2], pool: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] };
const OPTIMIZERS = "sgd, momentum, adagrad, adadelta, rmsprop, adam, adamax";

describe.skipIf(!nativeAvailable)("the addon's plan decoder", () => {
  const addon = () => loadNativeAddon().addon!;

  it("gives back every planned layer kind and the optimizer as they went in", () => {
    fc.assert(
      fc.property(plan, (p) => {
        expect(decodeNetworkPlan(addon(), p)).toEqual(p);
      }),
      { numRuns: 300 },
    );
  });

  it("reads padding as top, bottom, left, right", () => {
    // Only the bottom padding makes the height 5; the width stays 4.
    const layer = { ...goodConv, output: [5, 4, 3], pad: [0, 1, 0, 0] };
    expect(decodeNetworkPlan(addon(), planOf(layer)).layers[0]).toEqual(layer);
    expect(() => decodeNetworkPlan(addon(), planOf({ ...layer, pad: [0, 0, 1, 0] }))).toThrow("layer 0 (conv2d): output is not the size");
  });

  const refused: [string, NetworkPlan, string][] = [
    ["a missing field", planOf({ ...goodDense, units: undefined }), "layer 0 (dense): units must be a positive integer"],
    ["an absent field", planOf((({ l2: _, ...rest }) => rest)(goodDense)), "layer 0 (dense): l2 is missing"],
    ["a fractional size", planOf({ ...goodDense, inputs: 2.5 }), "layer 0 (dense): inputs must be a positive integer"],
    ["an unknown activation", planOf({ ...goodDense, activation: "gelu" }), 'layer 0 (dense): activation must be one of linear, relu, sigmoid, tanh, softmax, not "gelu"'],
    ["a number for a flag", planOf({ ...goodDense, bias: 1 }), "layer 0 (dense): bias must be true or false"],
    ["an infinite penalty", planOf({ ...goodDense, l1: Infinity }), "layer 0 (dense): l1 must be a finite number"],
    ["an unknown kind", planOf({ kind: "lstm", units: 3 }), 'layer 0: kind must be one of dense, conv2d, maxpool, avgpool, recurrent, batchnorm, dropout, activation, not "lstm"'],
    ["a layer that is not an object", planOf(3), "layer 0 must be an object"],
    ["a padding of three numbers", planOf({ ...goodConv, pad: [0, 0, 0] }), "layer 0 (conv2d): pad must be an array of 4 non-negative integers"],
    ["a negative padding", planOf({ ...goodConv, pad: [0, -1, 0, 0] }), "layer 0 (conv2d): pad must be an array of 4 non-negative integers"],
    ["a kernel of one number", planOf({ ...goodConv, kernel: [3] }), "layer 0 (conv2d): kernel must be an array of 2 positive integers"],
    ["an output the window does not give", planOf({ ...goodConv, output: [5, 4, 3] }), "layer 0 (conv2d): output is not the size its input, kernel, strides, dilation and pad give"],
    ["a pooling that changes the channels", planOf({ ...goodPool, output: [3, 3, 4] }), "layer 0 (maxpool): output must have as many channels as the input"],
    ["an unknown cell", planOf({ kind: "recurrent", cell: "gru2", steps: 2, features: 2, units: 2, activation: "tanh", bias: true, returnSequences: false, l1: 0, l2: 0 }), 'layer 0 (recurrent): cell must be one of rnn, lstm, gru, gru_reset_after, not "gru2"'],
    ["an unknown optimizer", planOf(goodDense, { optimizer: { ...planOf(goodDense).optimizer, kind: "lamb" } }), `optimizer: kind must be one of ${OPTIMIZERS}, not "lamb"`],
    ["an optimizer without beta2", planOf(goodDense, { optimizer: (({ beta2: _, ...rest }) => rest)(planOf(goodDense).optimizer) }), "optimizer: beta2 is missing"],
    ["an unknown loss", planOf(goodDense, { loss: "huber" }), 'the plan: loss must be one of quadratic, mse, mae, cross_entropy, binary_cross_entropy, not "huber"'],
    ["layers that are not an array", planOf(goodDense, { layers: {} }), "the plan: layers must be an array"],
  ];
  for (const [what, bad, message] of refused) {
    it(`refuses ${what}`, () => {
      expect(() => decodeNetworkPlan(addon(), bad)).toThrow(message);
    });
  }

  it("refuses a bad plan when a network is compiled from it, with the decoder's message", () => {
    expect(() => compileNetwork(addon(), planOf({ ...goodDense, bias: "yes" }))).toThrow("cannot compile the network: layer 0 (dense): bias must be true or false");
  });
});
