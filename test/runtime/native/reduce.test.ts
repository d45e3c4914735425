import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectSameResults, nativeAvailable, onBothBackends, runsNatively, specialValuesFor, valuesFor } from "../../support/native-oracle.js";

type Reduction = (x: tf.Tensor, axes: number[], keepDims: boolean) => tf.Tensor;

const REDUCTIONS: [string, Reduction][] = [
  ["Sum", (x, axes, keepDims) => tf.sum(x, axes, keepDims)],
  ["Mean", (x, axes, keepDims) => tf.mean(x, axes, keepDims)],
  ["Prod", (x, axes, keepDims) => tf.prod(x, axes, keepDims)],
  ["Max", (x, axes, keepDims) => tf.max(x, axes, keepDims)],
  ["Min", (x, axes, keepDims) => tf.min(x, axes, keepDims)],
];

/** A shape of rank 1 to 5 and some of its axes, each possibly written as a negative one. */
const shapeAndAxes = fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }).chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    axes: fc.subarray([...shape.keys()], { minLength: 1 }).chain((axes) => fc.tuple(...axes.map((a) => fc.constantFrom(a, a - shape.length)))),
    keepDims: fc.boolean(),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
    special: fc.boolean(),
  }),
);

describe.skipIf(!nativeAvailable)("native reductions against tfjs's JavaScript kernels", () => {
  it("Sum, Mean, Prod, Max and Min over random axes, with and without keepDims", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...REDUCTIONS), shapeAndAxes, async ([, reduce], { shape, axes, keepDims, seed, special }) => {
        const values = special ? specialValuesFor(shape, seed) : valuesFor(shape, seed);
        expectSameResults(await onBothBackends(() => reduce(tf.tensor(values, shape), axes, keepDims)));
      }),
      { numRuns: 300 },
    );
  });

  it("the shapes of training: NHWC bias gradients, dense rows, the whole tensor", async () => {
    const cases: [number[], number[]][] = [
      [[10, 24, 24, 20], [0, 1, 2]],
      [[10, 100], [0]],
      [[10, 100], [1]],
      [[10, 24, 24, 20], [0, 1, 2, 3]],
      [[4, 1, 3, 1, 5], [1, 3]],
    ];
    for (const [shape, axes] of cases) {
      for (const [, reduce] of REDUCTIONS) {
        expectSameResults(await onBothBackends(() => reduce(tf.tensor(valuesFor(shape, 3), shape), axes, false)));
      }
    }
  });

  it("large tensors, whose loops are split over threads", async () => {
    const shape = [40, 100, 1000];
    for (const axes of [[2], [0, 1], [1]]) {
      expectSameResults(await onBothBackends(() => [tf.sum(tf.tensor(valuesFor(shape, 4), shape), axes), tf.max(tf.tensor(valuesFor(shape, 4), shape), axes)]));
    }
  });

  it("ArgMax and ArgMin over one axis (int32, first index wins, NaN never does)", async () => {
    await fc.assert(
      fc.asyncProperty(shapeAndAxes, fc.boolean(), async ({ shape, axes, seed, special }, largest) => {
        // Rounded values, so ties occur.
        const values = (special ? specialValuesFor(shape, seed) : valuesFor(shape, seed)).map((v) => Math.round(v * 3));
        const axis = axes[0]!;
        expectSameResults(await onBothBackends(() => (largest ? tf.argMax : tf.argMin)(tf.tensor(values, shape), axis)));
      }),
      { numRuns: 150 },
    );
  });

  it("runs natively on float32 and declines other dtypes", async () => {
    const x = () => tf.tensor([[1, 2], [3, 4]]);
    for (const [name, attrs] of [["Sum", { axis: [0] }], ["Mean", { axis: 1 }], ["Prod", { axis: [0, 1] }], ["Max", { reductionIndices: [1] }], ["Min", { axis: -1 }], ["ArgMax", { axis: 0 }], ["ArgMin", { axis: 1 }]] as const) {
      expect(await runsNatively(name, () => ({ inputs: { x: x() }, attrs: { ...attrs, keepDims: false } })), name).toBe(true);
    }
    expect(await runsNatively("Sum", () => ({ inputs: { x: tf.tensor([1, 2], [2], "int32") }, attrs: { axis: [0], keepDims: false } }))).toBe(false);
  });
});
