import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, it } from "vitest";
import { expectSameResults, nativeAvailable, onBothBackends, valuesFor } from "../../support/native-oracle.js";

// Those the JavaScript kernel has (it has no fused tanh).
const ACTIVATIONS = ["linear", "relu", "relu6", "elu", "sigmoid", "leakyrelu"] as const;

const matMulCase = fc.record({
  batch: fc.constantFrom<number[]>([], [1], [3], [2, 2]),
  broadcast: fc.constantFrom("none", "a", "b"),
  m: fc.integer({ min: 1, max: 9 }),
  k: fc.integer({ min: 1, max: 40 }),
  n: fc.integer({ min: 1, max: 9 }),
  transposeA: fc.boolean(),
  transposeB: fc.boolean(),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
});

describe.skipIf(!nativeAvailable)("native matMul against tfjs's JavaScript kernel", () => {
  it("BatchMatMul: shapes, transposes and batch broadcasting", async () => {
    await fc.assert(
      fc.asyncProperty(matMulCase, async ({ batch, broadcast, m, k, n, transposeA, transposeB, seed }) => {
        const aBatch = broadcast === "a" && batch.length ? batch.map(() => 1) : batch;
        const bBatch = broadcast === "b" && batch.length ? batch.map(() => 1) : batch;
        const aShape = [...aBatch, ...(transposeA ? [k, m] : [m, k])];
        const bShape = [...bBatch, ...(transposeB ? [n, k] : [k, n])];
        const results = await onBothBackends(() =>
          tf.matMul(tf.tensor(valuesFor(aShape, seed), aShape), tf.tensor(valuesFor(bShape, seed + 1), bShape), transposeA, transposeB),
        );
        expectSameResults(results);
      }),
      { numRuns: 60 },
    );
  });

  it("_FusedMatMul: bias and every fusable activation", async () => {
    await fc.assert(
      fc.asyncProperty(matMulCase, fc.constantFrom(...ACTIVATIONS), fc.boolean(), async ({ m, k, n, transposeA, transposeB, seed }, activation, withBias) => {
        const aShape = transposeA ? [k, m] : [m, k];
        const bShape = transposeB ? [n, k] : [k, n];
        const results = await onBothBackends(() =>
          tf.fused.matMul({
            a: tf.tensor2d(valuesFor(aShape, seed), aShape as [number, number]),
            b: tf.tensor2d(valuesFor(bShape, seed + 1), bShape as [number, number]),
            transposeA,
            transposeB,
            bias: withBias ? tf.tensor(valuesFor([n], seed + 2), [n]) : undefined,
            activation,
            leakyreluAlpha: 0.3,
          }),
        );
        expectSameResults(results);
      }),
      { numRuns: 60 },
    );
  });
});
