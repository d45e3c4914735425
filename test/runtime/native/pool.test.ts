import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectSameResults, nativeAvailable, onBothBackends, runsNatively, specialValuesFor, valuesFor } from "../../support/native-oracle.js";

type Padding = Parameters<typeof tf.backend_util.computePool2DInfo>[4];

const poolCase = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  channels: fc.integer({ min: 1, max: 5 }),
  filter: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
  extra: fc.tuple(fc.nat(7), fc.nat(7)),
  strides: fc.constantFrom<[number, number]>([1, 1], [2, 2], [1, 2], [3, 2], [2, 3]),
  pad: fc.oneof(
    fc.constantFrom<Padding>("valid", "same", "same"),
    fc.integer({ min: 0, max: 2 }),
    // Up to 4: a window can then lie wholly in the padding (the JavaScript kernel runs those).
    fc.tuple(fc.nat(4), fc.nat(4), fc.nat(4), fc.nat(4)).map(([top, bottom, left, right]): Padding => [[0, 0], [top, bottom], [left, right], [0, 0]]),
  ),
  rounding: fc.constantFrom(undefined, "floor", "round", "ceil"),
  // Coarse values make ties within windows, where MaxPoolGrad must pick tfjs's (the first) largest.
  coarse: fc.boolean(),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
});
type PoolCase = typeof poolCase extends fc.Arbitrary<infer T> ? T : never;

/** The shapes and attributes of a case; the input is at least the filter's size on both axes. */
function shapesOf(c: PoolCase) {
  // tfjs sizes both axes by the filter's height with numeric padding.
  const largest = Math.max(...c.filter);
  const x = [c.batch, largest + c.extra[0], largest + c.extra[1], c.channels] as [number, number, number, number];
  // tfjs accepts a rounding mode with numeric padding only.
  const rounding = typeof c.pad === "string" ? undefined : c.rounding;
  const attrs: tf.NamedAttrMap = { filterSize: c.filter, strides: c.strides, pad: c.pad, ...(rounding ? { dimRoundingMode: rounding } : {}) };
  const info = tf.backend_util.computePool2DInfo(x, c.filter, c.strides, 1, c.pad, rounding);
  return { x, attrs, y: info.outShape };
}

function input(shape: readonly number[], seed: number, coarse = false): tf.Tensor {
  const values = valuesFor(shape, seed);
  return tf.tensor(coarse ? values.map((v) => Math.round(v * 2) / 2) : values, [...shape]);
}
const runKernel = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap) => tf.engine().runKernel(name, inputs, attrs) as tf.Tensor;

describe.skipIf(!nativeAvailable)("native pooling against tfjs's JavaScript kernels", () => {
  for (const kernel of ["MaxPool", "AvgPool"]) {
    it(`${kernel}: shapes, strides, paddings and rounding modes`, async () => {
      await fc.assert(
        fc.asyncProperty(poolCase, async (c) => {
          const { x, attrs } = shapesOf(c);
          expectSameResults(await onBothBackends(() => runKernel(kernel, { x: input(x, c.seed, c.coarse) }, attrs)));
        }),
        { numRuns: 120 },
      );
    });
  }

  it("MaxPoolGrad: routes each gradient to the window's first largest input", async () => {
    await fc.assert(
      fc.asyncProperty(poolCase, async (c) => {
        const { x, y, attrs } = shapesOf(c);
        const results = await onBothBackends(() => {
          const xs = input(x, c.seed, c.coarse);
          return runKernel("MaxPoolGrad", { dy: input(y, c.seed + 1), input: xs, output: runKernel("MaxPool", { x: xs }, attrs) }, attrs);
        });
        expectSameResults(results);
      }),
      { numRuns: 120 },
    );
  });

  it("AvgPoolGrad: tfjs's numbers, padding counted in the divisor", async () => {
    await fc.assert(
      fc.asyncProperty(poolCase, async (c) => {
        const { x, attrs } = shapesOf(c);
        // tfjs's AvgPoolGrad takes no rounding mode: it sizes the output without one.
        const { dimRoundingMode: _, ...gradAttrs } = attrs;
        const dyShape = tf.backend_util.computePool2DInfo(x, c.filter, c.strides, 1, c.pad).outShape;
        expectSameResults(await onBothBackends(() => runKernel("AvgPoolGrad", { dy: input(dyShape, c.seed + 1), input: input(x, c.seed) }, gradAttrs)));
      }),
      { numRuns: 120 },
    );
  });

  // Not AvgPool: its sums of ±1e4 and small values cancel differently in another summation order.
  it("MaxPool and MaxPoolGrad on NaN, ±∞ and ties: tfjs skips NaN in a max", async () => {
    await fc.assert(
      fc.asyncProperty(poolCase, async (c) => {
        const { x, y, attrs } = shapesOf(c);
        const results = await onBothBackends(() => {
          const xs = tf.tensor(specialValuesFor(x, c.seed), x);
          const pooled = runKernel("MaxPool", { x: xs }, attrs);
          return [pooled, runKernel("MaxPoolGrad", { dy: input(y, c.seed + 1), input: xs, output: pooled }, attrs)];
        });
        expectSameResults(results);
      }),
      { numRuns: 80 },
    );
  });

  it("runs the lectures' pooling natively, not through the fallback", async () => {
    const x = () => input([2, 24, 24, 20], 1), dy = () => input([2, 12, 12, 20], 2);
    const attrs = { filterSize: 2, strides: 2, pad: "valid" };
    expect(await runsNatively("MaxPool", () => ({ inputs: { x: x() }, attrs }))).toBe(true);
    expect(await runsNatively("AvgPool", () => ({ inputs: { x: x() }, attrs: { ...attrs, pad: "same" } }))).toBe(true);
    expect(await runsNatively("MaxPoolGrad", () => ({ inputs: { dy: dy(), input: x(), output: dy() }, attrs }))).toBe(true);
    expect(await runsNatively("AvgPoolGrad", () => ({ inputs: { dy: dy(), input: x() }, attrs }))).toBe(true);
    // A window wholly in the padding is the JavaScript kernel's.
    const padded = { ...attrs, pad: [[0, 0], [2, 0], [0, 0], [0, 0]] };
    expect(await runsNatively("MaxPool", () => ({ inputs: { x: x() }, attrs: padded }))).toBe(false);
  });

  it("gradients of conv → avg pool ('same') → max pool → weighted sum agree through tfjs's autograd", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 3 }), fc.integer({ min: 1, max: 2 ** 30 }), async (batch, size, seed) => {
        const results = await onBothBackends(() => {
          const x = input([batch, 13, 10, 3], seed), filter = input([3, 3, 3, 5], seed + 1);
          const network = (xs: tf.Tensor, fs: tf.Tensor) => {
            const maps = tf.conv2d(xs as tf.Tensor4D, fs as tf.Tensor4D, 1, "same");
            const pooled = tf.maxPool(tf.avgPool(maps, size, 1, "same"), size, size, "valid");
            return tf.sum(tf.mul(pooled, input(pooled.shape, seed + 2)));
          };
          return tf.grads(network)([x, filter]);
        });
        expectSameResults(results);
      }),
      { numRuns: 15 },
    );
  });
});
