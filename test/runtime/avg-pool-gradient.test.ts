import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import "../../runtime/kernels/avg-pool-gradient.js";
import { nativeAvailable } from "../support/native-oracle.js";
import { NATIVE_BACKEND } from "../../runtime/kernels/register.js";

/** The exact gradient of sum(avgPool(x) * w) with respect to x, from the definition: each window's weight over the cells inside it. */
function exactGradient(x: tf.Tensor4D, w: number[][], filter: number, stride: number, padding: "same" | "valid"): number[] {
  const [, h, width] = x.shape;
  const info = tf.backend_util.computePool2DInfo(x.shape, filter, stride, 1, padding);
  const grad = new Array<number>(h * width).fill(0);
  for (let oh = 0; oh < info.outHeight; oh++) {
    for (let ow = 0; ow < info.outWidth; ow++) {
      const cells: number[] = [];
      for (let i = oh * stride - info.padInfo.top; i < oh * stride - info.padInfo.top + filter; i++) {
        for (let j = ow * stride - info.padInfo.left; j < ow * stride - info.padInfo.left + filter; j++) {
          if (i >= 0 && i < h && j >= 0 && j < width) cells.push(i * width + j);
        }
      }
      for (const cell of cells) grad[cell] += w[oh][ow] / cells.length;
    }
  }
  return grad;
}

const backends = ["cpu", ...(nativeAvailable ? [NATIVE_BACKEND] : [])];

describe.each(backends)("the gradient of average pooling on %s", (backend) => {
  it("is exact at the borders of 'same' padding, and unchanged with 'valid'", async () => {
    await tf.setBackend(backend);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom("same" as const, "valid" as const),
        fc.integer({ min: 0, max: 1000 }),
        (h, width, filter, stride, padding, seed) => {
          fc.pre(padding === "same" || (filter <= h && filter <= width));
          tf.tidy(() => {
            const x = tf.randomNormal([1, h, width, 1], 0, 1, "float32", seed) as tf.Tensor4D;
            const out = tf.avgPool(x, filter, stride, padding);
            const w = tf.randomNormal(out.shape, 0, 1, "float32", seed + 1);
            const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(input as tf.Tensor4D, filter, stride, padding), w)))(x);
            const weights = (w.reshape([out.shape[1], out.shape[2]]) as tf.Tensor2D).arraySync();
            const expected = exactGradient(x, weights, filter, stride, padding);
            const actual = Array.from(grad.dataSync());
            actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
