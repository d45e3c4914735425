/**
 * The contract between a generated module and the runtime: what `trainL()` hands over, the options
 * a caller may pass, and the typed report it gets back.
 */
import type * as tf from "@tensorflow/tfjs";
import type { EpochRecord } from "./history.js";
import type { NativeLayers } from "./native-layer.js";
import type { InitializerSetting, ResolvedTraining, Settled, SettledTraining } from "./settings.js";

/** Per-layer `l1:`/`l2:` arguments, by layer name, as the generated module lists them. */
export type LayerPenalties = Readonly<Record<string, { readonly l1?: number; readonly l2?: number }>>;

/**
 * The values a model's parameters take in one build (after a search chose them): a settled
 * training's model arguments — numbers, flags, strings, activation names, initializers.
 */
export type ModelArguments = SettledTraining["model"]["args"];

export interface BuildOptions {
  /** The training's `init`: the initializer of every layer that does not name its own. */
  readonly init?: Settled<InitializerSetting> | null;
}

/** A model input or output as the source declares it: its name, per-example shape (null where symbolic) and element type. */
export interface TensorSpec {
  readonly name: string;
  readonly shape: readonly (number | null)[];
  readonly dtype: "float32" | "int32";
}

/** One training as a generated module describes it. */
export interface CompiledTraining {
  readonly label: string;
  /** The `.nn` file, as named when it was compiled. */
  readonly source: string;
  readonly settings: ResolvedTraining;
  /** The model's inputs and outputs, in declaration order. */
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly layerPenalties: LayerPenalties;
  /** Each build's layers as the compiled native step runs them, by the build's arguments key (pick-build.ts). */
  readonly nativeLayers?: Readonly<Record<string, NativeLayers>>;
  readonly build: (args: ModelArguments, options: BuildOptions) => tf.LayersModel;
}

/** A writable text stream: a terminal gets a progress bar, anything else one line per epoch. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface TrainOptions {
  /** Overrides the training's `epochs`. */
  readonly epochs?: number;
  /** Caps every split at this many examples. */
  readonly limit?: number;
  /** `tensorflow`, `cpu` or `auto` (the default; also `NNC_BACKEND`). */
  readonly backend?: string;
  /** Where the run folder goes; default `runs/<label>` under the working directory. */
  readonly runDir?: string;
  /**
   * Writes the run folder even when it holds files nnc did not write or another training's run
   * (`--force`); without it such a folder is refused (`RunFolderInUse`) before anything is written.
   */
  readonly force?: boolean;
  /** The folder that relative data paths start from; default the source file's folder. */
  readonly baseDir?: string;
  /** Progress and messages; default process.stderr. `null` for silence. */
  readonly output?: OutputStream | null;
  /** Says more: the backend line gets its details (kernels, oneDNN version, threads, why tfjs-node did not load). */
  readonly verbose?: boolean;
  /**
   * Stops the run at the end of the current step when aborted, as Ctrl-C does: the last completed
   * epoch is saved and `TrainingInterrupted` is thrown (runtime/session/interrupt.ts).
   */
  readonly signal?: AbortSignal;
  /**
   * Whether Ctrl-C (SIGINT) and SIGTERM stop the run that way while it lasts (a second one quits the
   * process at once, exit 130 or 143). Default true; false leaves the process's signals alone.
   */
  readonly handleSignals?: boolean;
  /**
   * Trains a search's trials, an ensemble's members or k-fold's folds in this many worker processes
   * (runtime/session/parts.ts), with the serial run's results; default 1, in this process.
   */
  readonly jobs?: number;
}

/** How and where an interrupted run stopped (`TrainingReport.interrupted`). */
export interface Interruption {
  /** What stopped it: "SIGINT", "SIGTERM", or "abort" (`TrainOptions.signal`). */
  readonly signal: string;
  /** The epoch that was running, 1-based; the steps it had done are discarded. 0: none yet, the data was loading. */
  readonly epoch: number;
  /** The epochs that network was to train. */
  readonly epochs: number;
  /** The last completed epoch of the network that was training (the model and checkpoint hold it), or null. */
  readonly lastCompleted: number | null;
  /** The epoch whose weights were saved as the model (early stopping's best so far, else `lastCompleted`), or null. */
  readonly keptEpoch: number | null;
  /** The folder of the network that was training: the run folder, or its `member-i/`, `fold-i/`, `trial-NN/`. */
  readonly runDir: string;
  /** Which network of an ensemble, folds or search was training ("ensemble member 2 of 3"), or null. */
  readonly part: string | null;
  /** Its `model.json`, or null when nothing was saved. */
  readonly model: string | null;
  /** The checkpoint folder a restart resumes from, or null. */
  readonly checkpoint: string | null;
}

/** When an interruption came, as messages say it: "during epoch 3" ("during epoch 3 of 10"), or "while loading the data". */
export function interruptedWhen(interruption: Pick<Interruption, "epoch" | "epochs">, ofEpochs = false): string {
  if (interruption.epoch === 0) return "while loading the data";
  return `during epoch ${interruption.epoch}${ofEpochs ? ` of ${interruption.epochs}` : ""}`;
}

/** What one training run measured on the test data and where it stopped. */
export interface RunResult {
  readonly history: readonly EpochRecord[];
  /** The epoch with the best validation metric (early stopping's monitor, else accuracy or loss). */
  readonly bestEpoch: number | null;
  readonly stoppedEarly: boolean;
  /** The epoch whose weights were saved: early stopping's best, else the last. */
  readonly keptEpoch: number | null;
  readonly resumedFrom: number | null;
  readonly test: Readonly<Record<string, number>> | null;
  readonly seed: number;
  readonly runDir: string;
  /** How many examples each part held (after `expand`, `validation` and `--limit`). */
  readonly examples: { readonly train: number; readonly validation: number; readonly test: number };
}

/** One of a trial's trainings under `repeats: k`: its seed, its folder and its objective. */
export interface RepeatResult {
  readonly seed: number;
  /** `trial-NN/repeat-j/`, or `trial-NN/` itself without repeats. */
  readonly runDir: string;
  /** Its score by the objective (higher is better: a minimized loss is negated), or null when not measured. */
  readonly objective: number | null;
}

/**
 * One trial of a search. Its run fields (history, test, seed) are its first repeat's, whose model is
 * the trial's model; `runDir` is the trial's folder, whose package is that model's.
 */
export interface TrialResult extends RunResult {
  readonly trial: number;
  /** The values the search chose, by setting path (`optimizer.lr`, `model.args.hidden`). */
  readonly chosen: Readonly<Record<string, unknown>>;
  /**
   * What ranks the trial: the mean over its repeats of each one's best value of the objective (higher is
   * better: a minimized loss is negated); null when a repeat never measured it or the trial failed.
   */
  readonly objective: number | null;
  /** The standard deviation of the objective over the repeats (0 with one), or null with `objective`. */
  readonly objectiveStd: number | null;
  /** Each repeat in seed order, seeds seed, seed + 1, …; one without `repeats`. */
  readonly repeats: readonly RepeatResult[];
  /** Why the trial's training stopped (a repeat diverged), or null; such a trial ranks last. */
  readonly failed: string | null;
}

export interface TrainingReport extends RunResult {
  readonly label: string;
  readonly source: string;
  readonly backend: { readonly name: string; readonly reason: string; readonly details: string };
  readonly totalParams: number;
  readonly seconds: { readonly total: number; readonly perEpoch: number };
  /** Each member's result, for `ensemble: n` with n > 1; the top-level test metrics are the vote's. */
  readonly members: readonly RunResult[] | null;
  /** Every trial, best first, for `tune`; the top-level fields are the best trial's. */
  readonly trials: readonly TrialResult[] | null;
  /** For `folds: k`: each fold's run and the mean and standard deviation of its final metrics; the top-level test metrics are the folds' models voting (mean). */
  readonly folds: FoldsResult | null;
  /** Set when Ctrl-C, SIGTERM or `TrainOptions.signal` stopped the run; the report is then as of the last completed epoch. */
  readonly interrupted: Interruption | null;
}

export interface FoldsResult {
  readonly runs: readonly RunResult[];
  /** Mean and standard deviation over the folds of each validation metric at each fold's best epoch. */
  readonly validation: Readonly<Record<string, { readonly mean: number; readonly std: number }>>;
  /** Mean and standard deviation over the folds of each fold's test metrics; null without test data. */
  readonly test: Readonly<Record<string, { readonly mean: number; readonly std: number }>> | null;
}
