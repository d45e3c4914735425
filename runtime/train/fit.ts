/**
 * The epoch loop: shuffle, step through batches, evaluate, record, adjust the learning rate, stop
 * early, checkpoint. It owns no files except the checkpoint; the caller writes the run folder.
 *
 * Interruption (`stop`, aborted by Ctrl-C): the loop stops at the end of the step it is running,
 * puts back the weights of the last completed epoch (kept in memory at each epoch's end; the
 * unfinished epoch's steps are discarded, and a resumed run does them again exactly), writes a
 * checkpoint of that epoch, and returns with `interrupted` set.
 */
import * as tf from "@tensorflow/tfjs";
import type { DataSplits } from "../data/examples.js";
import { stepRecordInterval, type EpochRecord, type LayerNorms, type StepRecord } from "../core/history.js";
import { sourceName } from "../core/layer-names.js";
import { formatMetric } from "../core/metric-format.js";
import { EpochProgress } from "./progress.js";
import { permutation, Rng, YIELD_INTERVAL_MS, yieldToEventLoop } from "../core/random.js";
import { hasInterruptedCheckpoint, loadCheckpoint, removeCheckpoint, saveCheckpoint, type EarlyStoppingState, type NamedTensor } from "./checkpoint.js";
import type { PlateauState } from "./schedules.js";
import { WriteError } from "../core/atomic.js";
import type { DataFingerprint } from "./data-fingerprint.js";
import type { MonitoredName } from "../core/settings.js";
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
  /**
   * `fingerprint` identifies the settings and model, `data` the examples (a checkpoint of either
   * other is not resumed). `every: null` (a training without `checkpoint:`): a checkpoint is
   * written only when the run is interrupted, resumed from only if an interruption wrote it, and
   * removed once the run finishes.
   */
  readonly checkpoint: { readonly dir: string; readonly every: number | null; readonly fingerprint: string; readonly data?: DataFingerprint; readonly handOff?: HandOff } | null;
  /** Aborted to stop the run at the end of the current step (Ctrl-C); its reason names what stopped it. */
  readonly stop?: AbortSignal | null;
  readonly progress: { write(s: string): unknown; isTTY?: boolean; columns?: number } | null;
  /** Called with the restored history when the run resumes from a checkpoint. */
  readonly onResume?: (history: readonly EpochRecord[]) => void;
  /** Called after each epoch (to append to metrics.jsonl). */
  readonly onEpoch?: (record: EpochRecord) => void;
  /** Called every `stepRecordInterval(steps)` steps and at an epoch's last step (step lines of metrics.jsonl). */
  readonly onStep?: (record: StepRecord) => void;
  readonly log: (line: string) => void;
}

/**
 * A queue worker's hand-off (runtime/queue/): a checkpoint after every epoch, each passed to this
 * function once written (it copies the folder where another worker can resume from it) before the
 * next epoch starts. A training without `checkpoint:` resumes from these too; they stay until the
 * whole part has finished (a trial's earlier repeats are resumed from theirs, at their last epoch),
 * and the run folder drops them once the part's folder has reached it (runtime/queue/submit.ts).
 */
export type HandOff = (dir: string) => Promise<void>;

export interface FitResult {
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number | null;
  readonly stoppedEarly: boolean;
  /** The epoch the run resumed after, when it started from a checkpoint. */
  readonly resumedFrom: number | null;
  /** The epoch whose weights the model holds at the end: early stopping's best, else the last. */
  readonly keptEpoch: number | null;
  /** Set when `stop` ended the run; `history` then ends with the last completed epoch. */
  readonly interrupted: FitInterruption | null;
}

export interface FitInterruption {
  /** The abort reason: "SIGINT", "SIGTERM" or "abort". */
  readonly reason: string;
  /** The epoch that was running (1-based); its steps were discarded. */
  readonly epoch: number;
  /** The checkpoint folder holding the last completed epoch, or null (no epoch completed, or no folder). */
  readonly checkpoint: string | null;
}

/** The state at the end of an epoch, copied out of tfjs's buffers: what an interruption goes back to. */
interface EpochEnd {
  readonly epoch: number;
  readonly rng: number;
  readonly schedule: PlateauState;
  readonly model: readonly StoredTensor[];
  readonly optimizer: readonly (StoredTensor & { readonly name: string })[];
}

interface StoredTensor {
  readonly values: Float32Array | Int32Array;
  readonly shape: readonly number[];
  readonly dtype: "float32" | "int32";
}

function store(t: tf.Tensor): StoredTensor {
  const values = t.dataSync();
  return { values: values instanceof Int32Array ? values.slice() : Float32Array.from(values), shape: t.shape, dtype: t.dtype === "int32" ? "int32" : "float32" };
}

function restore(s: StoredTensor): tf.Tensor {
  return tf.tensor(s.values.slice(), [...s.shape], s.dtype);
}

/** Copies the weights and the optimizer's state (disposing the copies a stepper made for us, never its variables). */
async function epochEnd(epoch: number, rng: Rng, schedule: PlateauState, model: tf.LayersModel, stepper: Stepper): Promise<EpochEnd> {
  const optimizer = (await stepper.optimizerWeights()).map((w: NamedTensor) => {
    const stored = { name: w.name, ...store(w.tensor) };
    if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
    return stored;
  });
  return { epoch, rng: rng.snapshot, schedule, model: model.getWeights().map(store), optimizer };
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
  const rng = o.rng;
  let early: EarlyStoppingState = { best: null, bestEpoch: null, wait: 0 };
  let bestWeights: tf.Tensor[] | null = null;
  let start = 0;
  let resumedFrom: number | null = null;
  /** The epoch of the checkpoint on disk (written or resumed from), which a divergence leaves in place. */
  let checkpointed: number | null = null;
  const handOff = o.checkpoint?.handOff ?? null;
  /** Only a checkpoint written at an interruption (or handed off) is resumed from by a training without `checkpoint:`. */
  const onlyInterrupted = o.checkpoint !== null && o.checkpoint.every === null && handOff === null;

  if (o.checkpoint) {
    const found = loadCheckpoint(o.checkpoint.dir, o.checkpoint.fingerprint, o.checkpoint.data, { onlyInterrupted });
    if (found.kind === "other") o.log(`not resuming from ${onlyInterrupted ? "the interrupted run's checkpoint in " : ""}${o.checkpoint.dir}: ${found.reason}; starting afresh`);
    if (found.kind === "found") {
      const s = found.state;
      model.setWeights([...s.model]);
      s.model.forEach((t) => t.dispose());
      await stepper.setOptimizerWeights(s.optimizer);
      // The same generator, moved: Math.random draws from it too (dropout masks through autograd).
      rng.setState(s.rng);
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
  const stepInterval = stepRecordInterval(steps);
  // A checkpoint written when early stopping ended the run: it stays ended (patience is used up).
  let stoppedEarly = o.earlyStopping !== null && resumedFrom !== null && early.wait >= o.earlyStopping.patience;
  /** The last completed epoch's state, kept while a `stop` may interrupt the next one. */
  let last: EpochEnd | null = o.stop && start > 0 ? await epochEnd(start, rng, o.schedule.state, model, stepper) : null;
  let interrupted: { reason: string; epoch: number } | null = null;
  let lastYield = performance.now();
  for (let epoch = start; epoch < o.epochs && !stoppedEarly && !interrupted; epoch++) {
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
      if (o.stop) {
        // Steps are synchronous: let the event loop deliver Ctrl-C now and then, and stop between steps.
        if (performance.now() - lastYield >= YIELD_INTERVAL_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
        if (o.stop.aborted) {
          interrupted = { reason: typeof o.stop.reason === "string" ? o.stop.reason : "abort", epoch: epoch + 1 };
          progress?.cancel();
          break;
        }
      }
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
      // The loss is already a number on both paths: a step line costs one append, no tensor read.
      if (o.onStep && ((s + 1) % stepInterval === 0 || s + 1 === steps)) {
        o.onStep({ kind: "step", epoch: epoch + 1, step: s + 1, steps, examples: to, loss: lossSum / to, seconds: (performance.now() - began) / 1000 });
      }
      if (progress) {
        const seen = to;
        progress.update(s + 1, { loss: lossSum / seen, ...(accuracyIndex >= 0 ? { accuracy: metricSums[accuracyIndex] / seen } : {}) }, seen);
      }
    }
    if (interrupted) break;
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

    const every = handOff ? 1 : (o.checkpoint?.every ?? null);
    if (o.checkpoint && every !== null && ((epoch + 1) % every === 0 || epoch + 1 === o.epochs || stoppedEarly)) {
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
      await writeCheckpoint(o.checkpoint, state, checkpointed, false);
      checkpointed = epoch + 1;
      await handOff?.(o.checkpoint.dir);
    }
    if (o.stop && epoch + 1 < o.epochs && !stoppedEarly) last = await epochEnd(epoch + 1, rng, o.schedule.state, model, stepper);
  }

  if (interrupted) {
    // Back to the last completed epoch: the model, report and checkpoint then describe the same weights.
    let checkpoint: string | null = null;
    if (last) {
      const weights = last.model.map(restore);
      model.setWeights(weights);
      weights.forEach((t) => t.dispose());
      if (o.checkpoint && checkpointed !== last.epoch) {
        const optimizer = last.optimizer.map((w) => ({ name: w.name, tensor: restore(w) }));
        const state = { epoch: last.epoch, rng: last.rng, schedule: last.schedule, early, history, model: model.getWeights(), optimizer, best: bestWeights };
        try {
          await writeCheckpoint(o.checkpoint, state, checkpointed, true);
          await handOff?.(o.checkpoint.dir);
        } finally {
          optimizer.forEach((w) => w.tensor.dispose());
        }
        checkpointed = last.epoch;
      }
      if (o.checkpoint) checkpoint = o.checkpoint.dir;
    }
    let keptEpoch: number | null = last?.epoch ?? null;
    if (o.earlyStopping && bestWeights) {
      model.setWeights(bestWeights);
      keptEpoch = early.bestEpoch;
      bestWeights.forEach((t) => t.dispose());
    }
    return { history, bestEpoch: o.earlyStopping ? early.bestEpoch : bestByLoss(history), stoppedEarly: false, resumedFrom, keptEpoch, interrupted: { ...interrupted, checkpoint } };
  }
  // The interrupted run this one resumed (or an older one of other settings) has now finished.
  if (onlyInterrupted && o.checkpoint && hasInterruptedCheckpoint(o.checkpoint.dir)) removeCheckpoint(o.checkpoint.dir);

  let keptEpoch: number | null = history[history.length - 1]?.epoch ?? null;
  if (o.earlyStopping && bestWeights) {
    model.setWeights(bestWeights);
    keptEpoch = early.bestEpoch;
    if (stoppedEarly) o.log(`stopped early: no improvement of ${o.earlyStopping.monitor} in ${o.earlyStopping.patience} epochs; restored the weights of epoch ${early.bestEpoch}`);
    bestWeights.forEach((t) => t.dispose());
  }
  return { history, bestEpoch: o.earlyStopping ? early.bestEpoch : bestByLoss(history), stoppedEarly, resumedFrom, keptEpoch, interrupted: null };
}

/** Saves a checkpoint; a full disk or a read-only folder says which file, and what is left to resume from. */
async function writeCheckpoint(
  to: NonNullable<FitOptions["checkpoint"]>,
  state: Parameters<typeof saveCheckpoint>[2],
  checkpointed: number | null,
  interrupted: boolean,
): Promise<void> {
  try {
    await saveCheckpoint(to.dir, to.fingerprint, state, to.data, { interrupted });
  } catch (error) {
    if (!(error instanceof WriteError)) throw error;
    const kept = checkpointed === null ? "no checkpoint was written before" : `the last checkpoint (epoch ${checkpointed}) is kept`;
    throw new WriteError(error.path, error.code, `${error.message}; ${kept}`);
  }
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
