import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { l2Pooling2d } from "../../runtime/layers/l2pool.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("l2pool, the runtime's own layer", () => {
  it("is the root of the mean of squares over each window", () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 4, 4, 1]);
    const y = l2Pooling2d({ poolSize: [2, 2], strides: [2, 2], padding: "valid" }).apply(x) as tf.Tensor;
    const want = [
      [1, 2, 5, 6],
      [3, 4, 7, 8],
      [9, 10, 13, 14],
      [11, 12, 15, 16],
    ].map((w) => Math.sqrt(w.reduce((s, v) => s + v * v, 0) / 4));
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 4));
  });

  it("has the output shape its computeOutputShape promises, and gradients that match finite differences", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 7 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.constantFrom("valid", "same"), (side, size, stride, padding) => {
        fc.pre(size <= side);
        const layer = l2Pooling2d({ poolSize: [size, size], strides: [stride, stride], padding: padding as "valid" | "same" });
        const x = tf.randomUniform([1, side, side, 2], 0.5, 1.5);
        const y = layer.apply(x) as tf.Tensor;
        expect(y.shape).toEqual(layer.computeOutputShape([1, side, side, 2]));
        const f = (t: tf.Tensor) => tf.sum(layer.apply(t) as tf.Tensor) as tf.Scalar;
        const g = tf.grad(f)(x);
        const values = x.arraySync() as number[][][][];
        const h = 1e-2;
        const bumped = (delta: number) => {
          const copy = JSON.parse(JSON.stringify(values)) as number[][][][];
          copy[0][0][0][1] += delta;
          return f(tf.tensor4d(copy)).dataSync()[0];
        };
        const numeric = (bumped(h) - bumped(-h)) / (2 * h);
        expect((g.arraySync() as number[][][][])[0][0][0][1]).toBeCloseTo(numeric, 2);
        tf.dispose([x, y, g]);
      }),
      { numRuns: 25 },
    );
  });

  it("survives saving and loading a model (its class is registered)", async () => {
    const input = tf.input({ shape: [4, 4, 1] });
    const model = tf.model({ inputs: input, outputs: l2Pooling2d({ poolSize: [2, 2], strides: [2, 2], padding: "valid" }).apply(input) as tf.SymbolicTensor });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } })));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    expect(loaded.outputs[0].shape).toEqual([null, 2, 2, 1]);
  });
});
