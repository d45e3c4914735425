import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectSameResults, nativeAvailable, onBothBackends, runsNatively, valuesFor } from "../../support/native-oracle.js";

type Shape4 = [number, number, number, number];
type Padding = Parameters<typeof tf.backend_util.computeConv2DInfo>[4];

// Those the JavaScript kernel has (it has no fused tanh).
const ACTIVATIONS = ["linear", "relu", "relu6", "elu", "sigmoid", "leakyrelu"] as const;

const padding: fc.Arbitrary<Padding> = fc.oneof(
  fc.constantFrom<Padding>("valid", "same"),
  fc.integer({ min: 0, max: 2 }),
  // Up to 4: a window can then lie wholly in the padding.
  fc.tuple(fc.nat(4), fc.nat(4), fc.nat(4), fc.nat(4)).map(([top, bottom, left, right]): Padding => [[0, 0], [top, bottom], [left, right], [0, 0]]),
);

// The input is at least the (dilated) filter's span (shapesOf), so every padding has a non-empty output.
const convCase = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  inChannels: fc.integer({ min: 1, max: 4 }),
  outChannels: fc.integer({ min: 1, max: 5 }),
  filter: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
  extra: fc.tuple(fc.nat(6), fc.nat(6)),
  strides: fc.constantFrom<[number, number]>([1, 1], [2, 2], [1, 2], [3, 2]),
  dilations: fc.constantFrom<[number, number]>([1, 1], [1, 1], [2, 2], [2, 1]),
  pad: padding,
  rounding: fc.constantFrom(undefined, "floor", "round", "ceil"),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
});
type ConvCase = typeof convCase extends fc.Arbitrary<infer T> ? T : never;

/** The shapes and attributes of a case; the backprop kernels take no dilations (tfjs has none there). */
function shapesOf(c: ConvCase, dilated: boolean) {
  const dilations: [number, number] = dilated ? c.dilations : [1, 1];
  const span = (size: number, dilation: number) => (size - 1) * dilation + 1;
  // Both at least the larger span: with numeric padding tfjs sizes both axes by the filter's height.
  const largest = Math.max(span(c.filter[0], dilations[0]), span(c.filter[1], dilations[1]));
  const x: Shape4 = [c.batch, largest + c.extra[0], largest + c.extra[1], c.inChannels];
  const filter: Shape4 = [c.filter[0], c.filter[1], c.inChannels, c.outChannels];
  // tfjs accepts a rounding mode with numeric padding only.
  const rounding = typeof c.pad === "string" ? undefined : c.rounding;
  const attrs: tf.NamedAttrMap = { strides: c.strides, pad: c.pad, dataFormat: "NHWC", ...(rounding ? { dimRoundingMode: rounding } : {}) };
  const info = tf.backend_util.computeConv2DInfo(x, filter, c.strides, dilations, c.pad, rounding, false, "channelsLast");
  return { x, filter, dilations, attrs, dy: info.outShape };
}

const input = (shape: readonly number[], seed: number) => tf.tensor(valuesFor(shape, seed), [...shape]);
const runKernel = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap) => tf.engine().runKernel(name, inputs, attrs) as tf.Tensor;

describe.skipIf(!nativeAvailable)("native convolution against tfjs's JavaScript kernels", () => {
  it("Conv2D: shapes, strides, paddings, dilations and rounding modes", async () => {
    await fc.assert(
      fc.asyncProperty(convCase, async (c) => {
        const { x, filter, dilations, attrs } = shapesOf(c, true);
        expectSameResults(await onBothBackends(() => runKernel("Conv2D", { x: input(x, c.seed), filter: input(filter, c.seed + 1) }, { ...attrs, dilations })));
      }),
      { numRuns: 120 },
    );
  });

  it("FusedConv2D: bias and every fusable activation", async () => {
    await fc.assert(
      fc.asyncProperty(convCase, fc.constantFrom(...ACTIVATIONS), fc.boolean(), async (c, activation, withBias) => {
        const { x, filter, dilations, attrs } = shapesOf(c, true);
        const results = await onBothBackends(() =>
          runKernel(
            "FusedConv2D",
            { x: input(x, c.seed), filter: input(filter, c.seed + 1), ...(withBias ? { bias: input([c.outChannels], c.seed + 2) } : {}) },
            { ...attrs, dilations, activation, leakyreluAlpha: 0.3 },
          ),
        );
        expectSameResults(results);
      }),
      { numRuns: 60 },
    );
  });

  it("Conv2DBackpropInput", async () => {
    await fc.assert(
      fc.asyncProperty(convCase, async (c) => {
        const { x, filter, dy, attrs } = shapesOf(c, false);
        expectSameResults(await onBothBackends(() => runKernel("Conv2DBackpropInput", { dy: input(dy, c.seed), filter: input(filter, c.seed + 1) }, { ...attrs, inputShape: x })));
      }),
      { numRuns: 100 },
    );
  });

  it("Conv2DBackpropFilter", async () => {
    await fc.assert(
      fc.asyncProperty(convCase, async (c) => {
        const { x, filter, dy, attrs } = shapesOf(c, false);
        expectSameResults(await onBothBackends(() => runKernel("Conv2DBackpropFilter", { x: input(x, c.seed), dy: input(dy, c.seed + 1) }, { ...attrs, filterShape: filter })));
      }),
      { numRuns: 100 },
    );
  });

  it("agrees at the lectures' sizes, where the kernels run on every thread", async () => {
    // Batches just large enough for two threads (2 MFLOP); the JavaScript filter gradient is slow.
    for (const [x, filter, seed] of [[[4, 28, 28, 1], [5, 5, 1, 20], 1], [[2, 12, 12, 20], [5, 5, 20, 40], 2]] as [Shape4, Shape4, number][]) {
      const attrs = { strides: 1, pad: "valid", dataFormat: "NHWC", dilations: 1 };
      const dy = tf.backend_util.computeConv2DInfo(x, filter, 1, 1, "valid").outShape;
      const results = await onBothBackends(() => [
        runKernel("FusedConv2D", { x: input(x, seed), filter: input(filter, seed + 1), bias: input([filter[3]], seed + 2) }, { ...attrs, activation: "relu" }),
        runKernel("Conv2DBackpropInput", { dy: input(dy, seed + 3), filter: input(filter, seed + 1) }, { ...attrs, inputShape: x }),
        runKernel("Conv2DBackpropFilter", { x: input(x, seed), dy: input(dy, seed + 3) }, { ...attrs, filterShape: filter }),
      ]);
      expectSameResults(results);
    }
  });

  it("runs the lectures' convolutions natively, not through the fallback", async () => {
    const x = () => input([2, 28, 28, 1], 1), filter = () => input([5, 5, 1, 20], 2), dy = () => input([2, 24, 24, 20], 3);
    const attrs = { strides: 1, pad: "valid", dataFormat: "NHWC", dilations: 1 };
    expect(await runsNatively("Conv2D", () => ({ inputs: { x: x(), filter: filter() }, attrs }))).toBe(true);
    expect(await runsNatively("FusedConv2D", () => ({ inputs: { x: x(), filter: filter(), bias: input([20], 4) }, attrs: { ...attrs, activation: "relu" } }))).toBe(true);
    expect(await runsNatively("Conv2DBackpropInput", () => ({ inputs: { dy: dy(), filter: filter() }, attrs: { ...attrs, inputShape: [2, 28, 28, 1] } }))).toBe(true);
    expect(await runsNatively("Conv2DBackpropFilter", () => ({ inputs: { x: x(), dy: dy() }, attrs: { ...attrs, filterShape: [5, 5, 1, 20] } }))).toBe(true);
    // prelu and NCHW are the JavaScript kernel's.
    expect(await runsNatively("FusedConv2D", () => ({ inputs: { x: x(), filter: filter(), preluActivationWeights: input([20], 5) }, attrs: { ...attrs, activation: "prelu" } }))).toBe(false);
    expect(await runsNatively("Conv2D", () => ({ inputs: { x: x(), filter: filter() }, attrs: { ...attrs, dataFormat: "NCHW" } }))).toBe(false);
  });

  it("gradients of conv → relu → max pool → weighted sum agree through tfjs's autograd", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom<"same" | "valid">("same", "valid"),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        async (batch, pad, stride, seed) => {
          const results = await onBothBackends(() => {
            const x = input([batch, 12, 11, 2], seed), filter = input([3, 3, 2, 4], seed + 1), bias = input([4], seed + 2);
            const network = (xs: tf.Tensor, fs: tf.Tensor, bs: tf.Tensor) => {
              const maps = tf.fused.conv2d({ x: xs as tf.Tensor4D, filter: fs as tf.Tensor4D, bias: bs, strides: stride, pad, activation: "relu" });
              const pooled = tf.maxPool(maps, 2, 2, "same");
              return tf.sum(tf.mul(pooled, input(pooled.shape, seed + 3)));
            };
            return tf.grads(network)([x, filter, bias]);
          });
          expectSameResults(results);
        },
      ),
      { numRuns: 15 },
    );
  });
});
