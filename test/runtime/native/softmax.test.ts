import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectSameResults, nativeAvailable, onBothBackends, runsNatively, specialValuesFor, valuesFor } from "../../support/native-oracle.js";

describe.skipIf(!nativeAvailable)("native softmax against tfjs's JavaScript kernel", () => {
  it("over the last axis of random shapes, with large logits, infinities and NaN", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.constantFrom(1, 30, 0),
        async (shape, seed, scale) => {
          // scale 0 marks the special values.
          const values = scale === 0 ? specialValuesFor(shape, seed) : valuesFor(shape, seed).map((v) => v * scale);
          expectSameResults(await onBothBackends(() => tf.softmax(tf.tensor(values, shape))));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("a large batch, whose rows are split over threads", async () => {
    expectSameResults(await onBothBackends(() => tf.softmax(tf.tensor(valuesFor([4000, 100], 2), [4000, 100]).mul(20))));
  });

  it("runs natively over the last axis only", async () => {
    const logits = () => tf.tensor([[1, 2, 3], [0, 0, 1]]);
    expect(await runsNatively("Softmax", () => ({ inputs: { logits: logits() }, attrs: { dim: -1 } }))).toBe(true);
    expect(await runsNatively("Softmax", () => ({ inputs: { logits: logits() }, attrs: { dim: 1 } }))).toBe(true);
    expect(await runsNatively("Softmax", () => ({ inputs: { logits: logits() }, attrs: { dim: 0 } }))).toBe(false);
  });
});
