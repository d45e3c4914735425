/**
 * The epoch loop: shuffle, step through batches, evaluate, record, adjust the learning rate, stop
 * early, checkpoint. It owns no files except the checkpoint; the caller writes the run folder.
 */
import * as tf from "@tensorflow/tfjs";
import type { DataSplits } from "../data/examples.js";
import type { EpochRecord, LayerNorms } from "../history.js";
import { sourceName } from "../layer-names.js";
import { formatMetric } from "../metric-format.js";
import { EpochProgress } from "../progress.js";
import { permutation, Rng } from "../random.js";
import { loadCheckpoint, saveCheckpoint, type EarlyStoppingState } from "../run/checkpoint.js";
import { WriteError } from "../run/atomic.js";
import type { DataFingerprint } from "../run/data-fingerprint.js";
import type { MonitoredName } from "../settings.js";
import { evaluate } from "./evaluate.js";
import { nonFiniteWeight, TrainingDiverged } from "./finite.js";
import type { InputDtypes } from "./batches.js";
import type { ModelLoss } from "./losses.js";
import type { Metric } from "./metrics.js";
import type { LearningRateSchedule } from "./schedules.js";
import type { Stepper } from "./stepper.js";

export interface EarlyStopping {
  readonly patience: number;
  readonly monitor: MonitoredName;
  readonly minDelta: number;
}

export interface FitOptions {
  readonly model: tf.LayersModel;
  readonly stepper: Stepper;
  /** Whether steps report per-layer gradient norms (`monitor: [gradient_norms]`). */
  readonly monitorGradients: boolean;
  readonly data: DataSplits;
  readonly loss: ModelLoss;
  readonly metrics: readonly Metric[];
  readonly schedule: LearningRateSchedule;
  readonly batchSize: number;
  readonly epochs: number;
  readonly rng: Rng;
  readonly inputDtypes: InputDtypes;
  readonly earlyStopping: EarlyStopping | null;
  readonly monitorWeights: boolean;
  /** `fingerprint` identifies the settings and model, `data` the examples (a checkpoint of either other is not resumed). */
  readonly checkpoint: { readonly dir: string; readonly every: number; readonly fingerprint: string; readonly data?: DataFingerprint } | null;
  readonly progress: { write(s: string): unknown; isTTY?: boolean; columns?: number } | null;
  /** Called with the restored history when the run resumes from a checkpoint. */
  readonly onResume?: (history: readonly EpochRecord[]) => void;
  /** Called after each epoch (to append to metrics.jsonl). */
  readonly onEpoch?: (record: EpochRecord) => void;
  readonly log: (line: string) => void;
}

export interface FitResult {
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number | null;
  readonly stoppedEarly: boolean;
  /** The epoch the run resumed after, when it started from a checkpoint. */
  readonly resumedFrom: number | null;
  /** The epoch whose weights the model holds at the end: early stopping's best, else the last. */
  readonly keptEpoch: number | null;
}

export { TrainingDiverged };

/** A NaN or infinite value is never an improvement: a diverged epoch must not become the best one. */
export function improved(value: number, best: number | null, monitor: MonitoredName, minDelta: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (best === null) return true;
  return monitor.endsWith("accuracy") ? value > best + minDelta : value < best - minDelta;
}

function metricOf(record: EpochRecord, monitor: MonitoredName): number | undefined {
  if (monitor.startsWith("val_")) return record.validation?.[monitor.slice(4)];
  return record.train[monitor];
}

function layerNorms(model: tf.LayersModel): Record<string, LayerNorms> {
  // Entries, then an object of own properties: a layer labelled `__proto__` is a key like any other.
  const out: [string, LayerNorms][] = [];
  tf.tidy(() => {
    for (const layer of model.layers) {
      let weights = 0;
      let biases: number | null = null;
      for (const w of layer.weights) {
        const last = w.originalName.split("/").pop() ?? "";
        if (last.startsWith("moving_")) continue;
        const sq = tf.sum(tf.square(w.read())).dataSync()[0];
        if (last.includes("bias") || last === "beta") biases = (biases ?? 0) + sq;
        else weights += sq;
      }
      if (layer.weights.length) out.push([sourceName(layer.name), { weights: Math.sqrt(weights), biases: biases === null ? null : Math.sqrt(biases) }]);
    }
  });
  return Object.fromEntries(out);
}

export async function fit(o: FitOptions): Promise<FitResult> {
  const { model, stepper } = o;
  const history: EpochRecord[] = [];
  let rng = o.rng;
  let early: EarlyStoppingState = { best: null, bestEpoch: null, wait: 0 };
  let bestWeights: tf.Tensor[] | null = null;
  let start = 0;
  let resumedFrom: number | null = null;
  /** The epoch of the checkpoint on disk (written or resumed from), which a divergence leaves in place. */
  let checkpointed: number | null = null;

  if (o.checkpoint) {
    const found = loadCheckpoint(o.checkpoint.dir, o.checkpoint.fingerprint, o.checkpoint.data);
    if (found.kind === "other") o.log(`not resuming from ${o.checkpoint.dir}: ${found.reason}; starting afresh`);
    if (found.kind === "found") {
      const s = found.state;
      model.setWeights([...s.model]);
      s.model.forEach((t) => t.dispose());
      await stepper.setOptimizerWeights(s.optimizer);
      rng = Rng.restore(s.rng);
      o.schedule.state = s.schedule;
      early = { ...s.early };
      bestWeights = s.best ? [...s.best] : null;
      history.push(...s.history);
      start = s.epoch;
      resumedFrom = s.epoch;
      checkpointed = s.epoch;
      o.onResume?.(history);
      o.log(`resuming after epoch ${s.epoch} from the checkpoint in ${o.checkpoint.dir}`);
    }
  }

  const train = o.data.train;
  const steps = Math.ceil(train.count / o.batchSize);
  let stoppedEarly = false;
  for (let epoch = start; epoch < o.epochs && !stoppedEarly; epoch++) {
    const began = performance.now();
    const lr = o.schedule.rateAt(epoch);
    stepper.setLearningRate(lr);
    const order = permutation(train.count, rng);
    const progress = o.progress ? new EpochProgress({ epoch: epoch + 1, epochs: o.epochs, steps, stream: o.progress }) : null;
    let lossSum = 0;
    const metricSums = new Float64Array(o.metrics.length);
    const normSums = new Map<string, { weights: number; biases: number | null }>();
    const accuracyIndex = o.metrics.findIndex((m) => m.name === "accuracy");
    for (let s = 0; s < steps; s++) {
      const from = s * o.batchSize;
      const to = Math.min(train.count, from + o.batchSize);
      const result = stepper.step(train, order, from, to, epoch * steps + s);
      const size = to - from;
      // Both steppers report the same two facts at the same step: the cost of the batch (before the
      // update), then whether the update left every weight finite.
      const what = !Number.isFinite(result.loss) ? `the cost became ${result.loss}` : !result.weightsFinite ? `the weights became NaN or infinite${weightOf(model)}` : null;
      if (what) {
        throw new TrainingDiverged(
          `${what} at epoch ${epoch + 1}, step ${s + 1} (learning rate ${lr}): training stopped` +
            (o.checkpoint && checkpointed !== null ? `; the last good checkpoint (epoch ${checkpointed}) is kept in ${o.checkpoint.dir}` : "") +
            `. Lower the learning rate, or add \`clip: norm(1)\`${hugeInputs(train)}`,
        );
      }
      lossSum += result.loss * size;
      result.metricSums.forEach((v, i) => (metricSums[i] += v));
      if (result.squaredNorms) {
        for (const [layer, sq] of result.squaredNorms) {
          const acc = normSums.get(layer) ?? { weights: 0, biases: null };
          acc.weights += Math.sqrt(sq.weights);
          if (sq.biases !== null) acc.biases = (acc.biases ?? 0) + Math.sqrt(sq.biases);
          normSums.set(layer, acc);
        }
      }
      if (progress) {
        const seen = to;
        progress.update(s + 1, { loss: lossSum / seen, ...(accuracyIndex >= 0 ? { accuracy: metricSums[accuracyIndex] / seen } : {}) });
      }
    }
    const trainMetrics: Record<string, number> = { loss: lossSum / train.count };
    o.metrics.forEach((m, i) => (trainMetrics[m.name] = metricSums[i] / train.count));
    const validation = o.data.validation && o.data.validation.count > 0 ? (stepper.evaluate?.(o.data.validation) ?? evaluate(model, o.data.validation, o.loss, o.metrics, o.inputDtypes)) : null;
    const gradientNorms = o.monitorGradients
      ? Object.fromEntries([...normSums].map(([layer, s]) => [layer, { weights: s.weights / steps, biases: s.biases === null ? null : s.biases / steps }]))
      : null;
    const record: EpochRecord = {
      epoch: epoch + 1,
      lr,
      seconds: (performance.now() - began) / 1000,
      train: trainMetrics,
      validation,
      gradientNorms,
      weightNorms: o.monitorWeights ? layerNorms(model) : null,
    };
    history.push(record);
    const flat: Record<string, number> = { ...trainMetrics };
    for (const [k, v] of Object.entries(validation ?? {})) flat[`val_${k}`] = v;
    o.schedule.observe(flat);

    if (o.earlyStopping) {
      const value = metricOf(record, o.earlyStopping.monitor);
      if (value !== undefined && improved(value, early.best, o.earlyStopping.monitor, o.earlyStopping.minDelta)) {
        early = { best: value, bestEpoch: epoch + 1, wait: 0 };
        bestWeights?.forEach((t) => t.dispose());
        bestWeights = model.getWeights().map((t) => t.clone());
      } else if (++early.wait >= o.earlyStopping.patience) {
        stoppedEarly = true;
      }
    }
    const line = describeEpoch(record, o.epochs);
    if (progress) progress.finish(line);
    else o.log(line);
    o.onEpoch?.(record);

    if (o.checkpoint && ((epoch + 1) % o.checkpoint.every === 0 || epoch + 1 === o.epochs || stoppedEarly)) {
      const state = {
        epoch: epoch + 1,
        rng: rng.snapshot,
        schedule: o.schedule.state,
        early,
        history,
        model: model.getWeights(),
        optimizer: await stepper.optimizerWeights(),
        best: bestWeights,
      };
      try {
        await saveCheckpoint(o.checkpoint.dir, o.checkpoint.fingerprint, state, o.checkpoint.data);
      } catch (error) {
        // A full disk or a read-only folder: say which file, and what is left to resume from.
        if (!(error instanceof WriteError)) throw error;
        const kept = checkpointed === null ? "no checkpoint was written before" : `the last checkpoint (epoch ${checkpointed}) is kept`;
        throw new WriteError(error.path, error.code, `${error.message}; ${kept}`);
      }
      checkpointed = epoch + 1;
    }
  }

  let keptEpoch: number | null = history[history.length - 1]?.epoch ?? null;
  if (o.earlyStopping && bestWeights) {
    model.setWeights(bestWeights);
    keptEpoch = early.bestEpoch;
    if (stoppedEarly) o.log(`stopped early: no improvement of ${o.earlyStopping.monitor} in ${o.earlyStopping.patience} epochs; restored the weights of epoch ${early.bestEpoch}`);
    bestWeights.forEach((t) => t.dispose());
  }
  return { history, bestEpoch: o.earlyStopping ? early.bestEpoch : bestByLoss(history), stoppedEarly, resumedFrom, keptEpoch };
}

/** Which weight is not finite, for the message: ` (layer "dense_1", kernel)`. */
function weightOf(model: tf.LayersModel): string {
  const bad = nonFiniteWeight(model);
  return bad ? ` (first in layer "${bad.layer}", ${bad.weight})` : "";
}

/** A hint when the inputs themselves are near float32's limit (3.4e38), which no rate can train on. */
function hugeInputs(train: DataSplits["train"]): string {
  let largest = 0;
  for (const column of train.inputs) {
    const values = column.values;
    for (let i = 0; i < values.length; i++) {
      const v = Math.abs(values[i]!);
      if (v > largest) largest = v;
    }
  }
  return largest > 1e15 ? `; the inputs reach ${largest.toPrecision(3)}: scale them (\`normalize: standardize\`)` : "";
}

/** Without early stopping, the best epoch is the one with the best validation accuracy or loss. */
export function bestByLoss(history: readonly EpochRecord[]): number | null {
  let best: EpochRecord | undefined;
  for (const r of history) {
    const key = r.validation ? (r.validation.accuracy !== undefined ? "accuracy" : "loss") : null;
    if (!key || !r.validation) continue;
    const v = r.validation[key];
    if (!Number.isFinite(v)) continue;
    const b = best?.validation?.[key];
    if (b === undefined || (key === "accuracy" ? v > b : v < b)) best = r;
  }
  return best?.epoch ?? null;
}

export function describeEpoch(r: EpochRecord, epochs: number): string {
  const parts = Object.entries(r.train).map(([k, v]) => `${k} ${formatMetric(k, v)}`);
  for (const [k, v] of Object.entries(r.validation ?? {})) parts.push(`val_${k} ${formatMetric(k, v)}`);
  return `epoch ${r.epoch}/${epochs}  ${r.seconds.toFixed(1)}s  lr ${Number(r.lr.toPrecision(4))}  ${parts.join("  ")}`;
}
