import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectSameResults, nativeAvailable, onBothBackends, runsNatively, valuesFor } from "../../support/native-oracle.js";

const shapes = fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 });
const dtypes = fc.constantFrom<"float32" | "int32" | "bool">("float32", "int32", "bool");

/** A tensor of `dtype` from seeded values: exact for every dtype, so results must match exactly. */
function tensorOf(shape: number[], seed: number, dtype: "float32" | "int32" | "bool"): tf.Tensor {
  const values = valuesFor(shape, seed);
  if (dtype === "float32") return tf.tensor(values, shape);
  if (dtype === "int32") return tf.tensor(Int32Array.from(values, (v) => Math.round(v * 1000)), shape, "int32");
  return tf.tensor(Uint8Array.from(values, (v) => (v > 0 ? 1 : 0)), shape, "bool");
}

/** For each axis a begin and a size inside it; a size of -1 means "to the end", as tfjs allows. */
const boxes = shapes.chain((shape) =>
  fc.tuple(
    fc.constant(shape),
    fc.tuple(...shape.map((d) => fc.integer({ min: 0, max: d - 1 }).chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: -1, max: d - b }))))),
  ),
);

describe.skipIf(!nativeAvailable)("native Slice, SplitV and Unpack against tfjs's JavaScript kernels", () => {
  it("slices random boxes out of random shapes of every dtype, exactly", async () => {
    await fc.assert(
      fc.asyncProperty(boxes, dtypes, fc.integer({ min: 1, max: 2 ** 30 }), async ([shape, box], dtype, seed) => {
        const begin = box.map(([b]) => b);
        const size = box.map(([, s]) => s);
        expectSameResults(await onBothBackends(() => tf.slice(tensorOf(shape, seed, dtype), begin, size)), 0);
      }),
      { numRuns: 300 },
    );
  });

  it("splits along any axis into equal parts or given sizes, exactly", async () => {
    await fc.assert(
      fc.asyncProperty(shapes, dtypes, fc.nat(), fc.integer({ min: 1, max: 2 ** 30 }), fc.boolean(), async (shape, dtype, axisPick, seed, bySizes) => {
        const axis = axisPick % shape.length;
        const length = shape[axis]!;
        // By sizes: a first part of about a third and the rest; equal: every divisor works, take the length.
        const splits = bySizes && length > 1 ? [Math.floor(length / 3), -1] : length;
        expectSameResults(await onBothBackends(() => tf.split(tensorOf(shape, seed, dtype), splits, axis - (axisPick % 2) * shape.length)), 0);
      }),
      { numRuns: 200 },
    );
  });

  it("unstacks along any axis, negative ones too, exactly", async () => {
    await fc.assert(
      fc.asyncProperty(shapes, dtypes, fc.nat(), fc.integer({ min: 1, max: 2 ** 30 }), async (shape, dtype, axisPick, seed) => {
        const axis = (axisPick % (2 * shape.length)) - shape.length;
        expectSameResults(await onBothBackends(() => tf.unstack(tensorOf(shape, seed, dtype), axis)), 0);
      }),
      { numRuns: 200 },
    );
  });

  it("gives the same gradients through split and unstack, as an LSTM step takes them", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 2 ** 30 }), async (batch, units, seed) => {
        const shape = [batch, 3, 4 * units];
        const values = valuesFor(shape, seed);
        expectSameResults(
          await onBothBackends(() => {
            const f = (x: tf.Tensor) => {
              const steps = tf.unstack(x, 1);
              return tf.addN(steps.map((step, t) => tf.split(step, 4, 1).reduce((sum, gate, g) => sum.add(gate.sigmoid().mul(g + t + 1)), tf.scalar(0)).sum()));
            };
            return tf.grad(f)(tf.tensor(values, shape));
          }),
        );
      }),
      { numRuns: 60 },
    );
  });

  it("runs natively for numbers and booleans, and leaves strings to JavaScript", async () => {
    expect(await runsNatively("Slice", () => ({ inputs: { x: tf.tensor2d([[1, 2, 3], [4, 5, 6]]) }, attrs: { begin: [0, 1], size: [2, 2] } }))).toBe(true);
    expect(await runsNatively("SplitV", () => ({ inputs: { x: tf.tensor1d([1, 2, 3, 4], "int32") }, attrs: { numOrSizeSplits: 2, axis: 0 } }))).toBe(true);
    expect(await runsNatively("Unpack", () => ({ inputs: { value: tf.tensor2d([[1, 0]], [1, 2], "bool") }, attrs: { axis: 1 } }))).toBe(true);
    expect(await runsNatively("Slice", () => ({ inputs: { x: tf.tensor1d(["a", "b"]) }, attrs: { begin: [1], size: [1] } }))).toBe(false);
  });
});
