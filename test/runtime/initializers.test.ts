import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { initializer, Orthogonal } from "../../runtime/layers/initializers.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("initializers", () => {
  it("orthogonal gives orthonormal rows or columns, for tall and wide matrices", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 2, max: 40 }), (rows, cols) => {
        const w = new Orthogonal().apply([rows, cols]);
        const product = rows >= cols ? tf.matMul(w, w, true, false) : tf.matMul(w, w, false, true);
        const size = Math.min(rows, cols);
        const error = tf.max(tf.abs(tf.sub(product, tf.eye(size)))).dataSync()[0];
        tf.dispose([w, product]);
        expect(error).toBeLessThan(1e-5);
      }),
      { numRuns: 30 },
    );
  });

  it("orthogonal is fast for a GRU(128)'s recurrent kernel and serializes as tfjs's own class", () => {
    const began = performance.now();
    new Orthogonal().apply([128, 384]).dispose();
    expect(performance.now() - began).toBeLessThan(5_000);
    const input = tf.input({ shape: [5, 3] });
    const gru = tf.layers.gru({ units: 4, recurrentInitializer: new Orthogonal() as never });
    const model = tf.model({ inputs: input, outputs: gru.apply(input) as tf.SymbolicTensor });
    const json = JSON.stringify(model.toJSON(null, false));
    expect(json).toContain('"recurrent_initializer":{"class_name":"Orthogonal"');
    model.dispose();
  });

  it("lecun_normal is N(0, 1/√n_in)", () => {
    const w = initializer({ kind: "lecun_normal" }, 400).apply([400, 300]);
    const values = Array.from(w.dataSync());
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(std).toBeCloseTo(1 / Math.sqrt(400), 3);
    w.dispose();
  });
});
