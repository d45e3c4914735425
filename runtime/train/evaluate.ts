/** Loss and metrics of a model on a set of examples, in inference mode (no dropout, batch-norm statistics). */
import * as tf from "@tensorflow/tfjs";
import type { Examples } from "../data/examples.js";
import { applyModel, disposeBatch, makeBatch, type InputDtypes } from "./batches.js";
import { totalLoss, type ModelLoss } from "./losses.js";
import type { Metric } from "./metrics.js";

const EVALUATION_BATCH = 500;

export function evaluate(model: tf.LayersModel, data: Examples, loss: ModelLoss, metrics: readonly Metric[], dtypes: InputDtypes): Record<string, number> {
  const sums = new Float64Array(metrics.length + 1);
  for (let start = 0; start < data.count; start += EVALUATION_BATCH) {
    const end = Math.min(data.count, start + EVALUATION_BATCH);
    const batch = makeBatch(data, null, start, end, dtypes);
    const values = tf.tidy(() => {
      const predictions = applyModel(model, batch.xs, false);
      const parts = [tf.mul(totalLoss(loss, batch.ys, predictions), batch.size), ...metrics.map((m) => m.sum(batch.ys[m.output], predictions[m.output]))];
      return tf.stack(parts).dataSync();
    });
    disposeBatch(batch);
    for (let i = 0; i < values.length; i++) sums[i] += values[i];
  }
  const out: Record<string, number> = { loss: sums[0] / Math.max(1, data.count) };
  metrics.forEach((m, i) => (out[m.name] = sums[i + 1] / Math.max(1, data.count)));
  return out;
}

/** The model's outputs for every example, one flat array per output. */
export function predictAll(model: tf.LayersModel, data: Pick<Examples, "inputs" | "count">, dtypes: InputDtypes): Float32Array[] {
  const parts: Float32Array[][] = [];
  for (let start = 0; start < data.count; start += EVALUATION_BATCH) {
    const end = Math.min(data.count, start + EVALUATION_BATCH);
    const batch = makeBatch({ ...data, targets: [] }, null, start, end, dtypes);
    parts.push(tf.tidy(() => applyModel(model, batch.xs, false).map((t) => t.dataSync() as Float32Array)));
    disposeBatch(batch);
  }
  const outputs = parts[0]?.length ?? model.outputs.length;
  return Array.from({ length: outputs }, (_, o) => {
    const total = parts.reduce((n, p) => n + p[o].length, 0);
    const out = new Float32Array(total);
    let offset = 0;
    for (const p of parts) {
      out.set(p[o], offset);
      offset += p[o].length;
    }
    return out;
  });
}
