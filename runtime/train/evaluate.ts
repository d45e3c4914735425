/** Loss and metrics of a model on a set of examples, in inference mode (no dropout, batch-norm statistics). */
import * as tf from "@tensorflow/tfjs";
import type { Examples } from "../data/examples.js";
import { makeBatch } from "./batches.js";
import type { LossFunction } from "./losses.js";
import type { Metric } from "./metrics.js";

const EVALUATION_BATCH = 500;

export function evaluate(model: tf.LayersModel, data: Examples, loss: LossFunction, metrics: readonly Metric[], inputDtype: "float32" | "int32"): Record<string, number> {
  const sums = new Float64Array(metrics.length + 1);
  for (let start = 0; start < data.count; start += EVALUATION_BATCH) {
    const end = Math.min(data.count, start + EVALUATION_BATCH);
    const batch = makeBatch(data, null, start, end, inputDtype);
    const values = tf.tidy(() => {
      const prediction = model.apply(batch.x, { training: false }) as tf.Tensor;
      const parts = [tf.mul(loss(batch.y, prediction), batch.size), ...metrics.map((m) => m.sum(batch.y, prediction))];
      return tf.stack(parts).dataSync();
    });
    batch.x.dispose();
    batch.y.dispose();
    for (let i = 0; i < values.length; i++) sums[i] += values[i];
  }
  const out: Record<string, number> = { loss: sums[0] / Math.max(1, data.count) };
  metrics.forEach((m, i) => (out[m.name] = sums[i + 1] / Math.max(1, data.count)));
  return out;
}

/** The model's outputs for every example, as one flat array (for ensembles' votes). */
export function predictAll(model: tf.LayersModel, data: Examples, inputDtype: "float32" | "int32"): Float32Array {
  const parts: Float32Array[] = [];
  for (let start = 0; start < data.count; start += EVALUATION_BATCH) {
    const end = Math.min(data.count, start + EVALUATION_BATCH);
    const batch = makeBatch(data, null, start, end, inputDtype);
    parts.push(tf.tidy(() => (model.apply(batch.x, { training: false }) as tf.Tensor).dataSync() as Float32Array));
    batch.x.dispose();
    batch.y.dispose();
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
