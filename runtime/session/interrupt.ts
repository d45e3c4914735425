/**
 * Stopping a training from outside: Ctrl-C (SIGINT), SIGTERM, or an `AbortSignal` a program passes
 * in `TrainOptions.signal`. The first one asks the epoch loop (train/fit.ts) to stop at the end of
 * the step it is running; the run then saves the last completed epoch (model, package marked
 * `"interrupted": true`, report, checkpoint) and `runTraining` throws `TrainingInterrupted`. A second
 * signal quits at once, with one line, as a program that ignores the first would be killed anyway.
 *
 * Signal listeners are installed only while a training runs and removed after, so a program that
 * calls `trainL()` gets Node's own Ctrl-C behaviour back when the training is over.
 */
import { interruptedWhen, type Interruption, type OutputStream, type TrainingReport } from "../core/program.js";
import { exitCodeOf, onStopSignals, type StopSignals } from "./stop-signals.js";

/** What the user did, as a person says it. */
function described(signal: string): string {
  if (signal === "SIGINT") return "interrupted (Ctrl-C)";
  if (signal === "SIGTERM") return "terminated (SIGTERM)";
  return "stopped (the program's AbortSignal)";
}

/**
 * The error `runTraining` throws after an interrupted run saved what it had. `report` is what
 * report.json holds; `exitCode` is 130 for SIGINT, 143 for SIGTERM (and 130 for an AbortSignal).
 */
export class TrainingInterrupted extends Error {
  override readonly name = "TrainingInterrupted";
  readonly exitCode: number;

  constructor(
    readonly report: TrainingReport & { readonly interrupted: Interruption },
  ) {
    const { interrupted } = report;
    const saved = interrupted.lastCompleted === null ? "no epoch had finished, so nothing was saved" : `the run folder holds epoch ${interrupted.lastCompleted}; run the training again to resume`;
    super(`training ${report.label} was ${described(interrupted.signal)} ${interruptedWhen(interrupted)}: ${saved}`);
    this.exitCode = exitCodeOf(interrupted.signal);
  }
}

/** Carriage return, then erase the line: a progress bar being drawn is not continued by the message. */
const CLEAR_LINE = "\r\x1b[2K";

export interface InterruptListener {
  /** Aborted by the first signal (its reason is the signal's name) or by the program's signal. */
  readonly signal: AbortSignal;
  /** Whether the data is loading now: the first signal's line then says that the loading stops, with nothing to save. */
  loading(on: boolean): void;
  /** Removes the listeners. */
  release(): void;
}

/**
 * Listens for SIGINT and SIGTERM (when `signals` is true) and for `external`, while a training
 * runs. `output` gets the one-line messages; `exit` is process.exit (tests pass their own).
 */
export function listenForInterrupts(options: {
  readonly output: OutputStream | null;
  readonly external?: AbortSignal;
  readonly signals: boolean;
  readonly exit?: (code: number) => void;
  /** What the first signal does, when not the training's stop at the end of its step (a queue's submitter only stops watching). */
  readonly stopping?: string;
}): InterruptListener {
  const controller = new AbortController();
  const stream = options.output ?? process.stderr;
  const say = (line: string) => void stream.write(`${stream.isTTY ? CLEAR_LINE : ""}${line}\n`);
  const onExternal = () => {
    if (!controller.signal.aborted) controller.abort("abort");
  };
  if (options.external?.aborted) onExternal();
  else options.external?.addEventListener("abort", onExternal, { once: true });
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const again = (signal: NodeJS.Signals) => say(`${described(signal)} again: quitting now; nothing more is saved`);
  const quit = (signal: NodeJS.Signals) => {
    again(signal);
    exit(exitCodeOf(signal));
  };
  let loading = false;
  const signals: StopSignals | null = options.signals
    ? onStopSignals(
        (signal) => {
          // Already stopping (the program's AbortSignal): this signal is the second request.
          if (controller.signal.aborted) return quit(signal);
          controller.abort(signal);
          const key = signal === "SIGINT" ? "Ctrl-C" : signal;
          if (loading) return say(`${described(signal)}: stopping while loading the data (no epoch has trained, so nothing is saved); ${key} again quits at once`);
          say(`${described(signal)}: ${options.stopping ?? `stopping at the end of this step to save the last finished epoch; ${key} again quits at once without saving`}`);
        },
        { again, exit },
      )
    : null;
  return {
    signal: controller.signal,
    loading: (on) => {
      loading = on;
    },
    release: () => {
      options.external?.removeEventListener("abort", onExternal);
      signals?.release();
    },
  };
}

/** The name of what aborted `signal` ("SIGINT", "SIGTERM" or "abort"). */
export function reasonOf(signal: AbortSignal): string {
  return typeof signal.reason === "string" ? signal.reason : "abort";
}
