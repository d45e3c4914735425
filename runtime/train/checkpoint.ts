/**
 * Checkpoints that survive a kill. The tensors go to a new file named after the epoch, then the
 * small state file that points at it replaces the old one by an atomic rename: a reader sees the
 * previous checkpoint or the new one, never half of each. Older tensor files are removed after.
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { EpochRecord } from "../core/history.js";
import type { PlateauState } from "./schedules.js";
import { firstNonFinite, TrainingDiverged } from "./finite.js";
import { makeFolder, writeFileAtomic } from "../core/atomic.js";
import { describeDataChange, type DataFingerprint } from "./data-fingerprint.js";

/** An optimizer's state variable as tfjs's `getWeights()` gives it (the type is not exported). */
export interface NamedTensor {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

export interface EarlyStoppingState {
  best: number | null;
  bestEpoch: number | null;
  wait: number;
}

export interface TrainingState {
  /** Epochs completed. */
  readonly epoch: number;
  readonly rng: number;
  readonly schedule: PlateauState;
  readonly early: EarlyStoppingState;
  readonly history: readonly EpochRecord[];
  readonly model: readonly tf.Tensor[];
  readonly optimizer: readonly NamedTensor[];
  /** The best weights so far, when early stopping keeps them. */
  readonly best: readonly tf.Tensor[] | null;
}

interface TensorEntry {
  readonly group: "model" | "optimizer" | "best";
  readonly name: string;
  readonly shape: number[];
  readonly dtype: "float32" | "int32";
  readonly offset: number;
  readonly length: number;
}

interface StateFile {
  readonly format: "nnc-checkpoint-1";
  /** Identifies the training (settings and model); a checkpoint of another training is not resumed. */
  readonly fingerprint: string;
  /** The data trained on (run/data-fingerprint.ts); a checkpoint of other data is not resumed. */
  readonly data?: DataFingerprint;
  readonly tensorsFile: string;
  readonly epoch: number;
  readonly rng: number;
  readonly schedule: PlateauState;
  readonly early: EarlyStoppingState;
  readonly history: readonly EpochRecord[];
  readonly tensors: readonly TensorEntry[];
  /**
   * Written when the run was interrupted (Ctrl-C) rather than by `checkpoint: every(k)`: a training
   * without `checkpoint:` resumes only from such a checkpoint, and removes it once it has finished.
   */
  readonly interrupted?: true;
}

const STATE = "state.json";

export async function saveCheckpoint(dir: string, fingerprint: string, state: TrainingState, data?: DataFingerprint, options: { readonly interrupted?: boolean } = {}): Promise<void> {
  // The checkpoint on disk is the last good one: weights that are not finite never replace it.
  if (firstNonFinite(state.model) >= 0 || (state.best && firstNonFinite(state.best) >= 0)) {
    throw new TrainingDiverged(`the weights after epoch ${state.epoch} are not finite numbers: the checkpoint in ${dir} is not replaced`);
  }
  makeFolder(dir);
  const entries: TensorEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const add = async (group: TensorEntry["group"], name: string, t: tf.Tensor) => {
    const data = await t.data();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    entries.push({ group, name, shape: t.shape, dtype: t.dtype === "int32" ? "int32" : "float32", offset, length: bytes.length });
    chunks.push(bytes);
    offset += bytes.length;
  };
  for (const [i, t] of state.model.entries()) await add("model", String(i), t);
  for (const w of state.optimizer) await add("optimizer", w.name, w.tensor);
  for (const [i, t] of (state.best ?? []).entries()) await add("best", String(i), t);
  const all = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  const tensorsFile = `tensors-epoch-${state.epoch}.bin`;
  writeFileAtomic(join(dir, tensorsFile), all);
  const file: StateFile = {
    format: "nnc-checkpoint-1",
    fingerprint,
    ...(data ? { data } : {}),
    tensorsFile,
    epoch: state.epoch,
    rng: state.rng,
    schedule: state.schedule,
    early: state.early,
    history: state.history,
    tensors: entries,
    ...(options.interrupted ? { interrupted: true as const } : {}),
  };
  writeFileAtomic(join(dir, STATE), JSON.stringify(file));
  for (const name of readdirSync(dir)) {
    if (name.startsWith("tensors-epoch-") && name !== tensorsFile) rmSync(join(dir, name), { force: true });
  }
}

export type LoadedCheckpoint =
  | { readonly kind: "none" }
  | { readonly kind: "other"; readonly reason: string }
  | { readonly kind: "found"; readonly state: TrainingState };

/**
 * Reads the checkpoint in `dir`, when there is one for this training (and, given `data`, for this
 * data). With `onlyInterrupted` (a training without `checkpoint:`), a checkpoint that an
 * interruption did not write is not looked at: it is `none`.
 */
export function loadCheckpoint(dir: string, fingerprint: string, data?: DataFingerprint, options: { readonly onlyInterrupted?: boolean } = {}): LoadedCheckpoint {
  const statePath = join(dir, STATE);
  if (!existsSync(statePath)) return { kind: "none" };
  let file: StateFile;
  try {
    file = JSON.parse(readFileSync(statePath, "utf8")) as StateFile;
  } catch (error) {
    if (options.onlyInterrupted) return { kind: "none" };
    return { kind: "other", reason: `${statePath} cannot be read (${(error as Error).message})` };
  }
  if (options.onlyInterrupted && file.interrupted !== true) return { kind: "none" };
  if (file.format !== "nnc-checkpoint-1") return { kind: "other", reason: `${statePath} is not an nnc checkpoint` };
  if (file.fingerprint !== fingerprint) return { kind: "other", reason: "it belongs to a different training (the settings or the model changed)" };
  if (data && !file.data) return { kind: "other", reason: "it does not record the training data it was trained on (a checkpoint of an earlier nnc)" };
  if (data && file.data && file.data.hash !== data.hash) return { kind: "other", reason: `the training data changed since the checkpoint${describeDataChange(file.data, data)}` };
  const bytes = readFileSync(join(dir, file.tensorsFile));
  const tensorOf = (e: TensorEntry): tf.Tensor => {
    const slice = bytes.buffer.slice(bytes.byteOffset + e.offset, bytes.byteOffset + e.offset + e.length);
    return e.dtype === "int32" ? tf.tensor(new Int32Array(slice), e.shape, "int32") : tf.tensor(new Float32Array(slice), e.shape);
  };
  const group = (g: TensorEntry["group"]) => file.tensors.filter((e) => e.group === g);
  const best = group("best");
  const model = group("model").map(tensorOf);
  // Written by an nnc that saved diverged runs: nothing to resume from.
  if (firstNonFinite(model) >= 0) {
    model.forEach((t) => t.dispose());
    return { kind: "other", reason: "its weights are not finite numbers (the run it saved had diverged)" };
  }
  return {
    kind: "found",
    state: {
      epoch: file.epoch,
      rng: file.rng,
      schedule: file.schedule,
      early: file.early,
      history: file.history,
      model,
      optimizer: group("optimizer").map((e) => ({ name: e.name, tensor: tensorOf(e) })),
      best: best.length ? best.map(tensorOf) : null,
    },
  };
}

/** Whether `dir` holds a checkpoint written at an interruption. */
export function hasInterruptedCheckpoint(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, STATE), "utf8")) as Partial<StateFile>).interrupted === true;
  } catch {
    return false;
  }
}

/**
 * Removes the checkpoint in `dir` (the state file first, so a reader never finds it half gone), for
 * a training without `checkpoint:` whose interrupted run has since finished.
 */
export function removeCheckpoint(dir: string): void {
  if (!existsSync(dir)) return;
  rmSync(join(dir, STATE), { force: true });
  for (const name of readdirSync(dir)) {
    if (name.startsWith("tensors-epoch-")) rmSync(join(dir, name), { force: true });
  }
  if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true });
}
