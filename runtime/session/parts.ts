/**
 * `--jobs N`: the trials of a search, the members of an ensemble and the folds of k-fold are
 * independent trainings, so N worker processes on this machine may train them at once. Each part
 * is what the serial run trains for it (its seed, data and order), in its own folder; the parent
 * gathers the results by part index, so the order in which parts finish changes nothing, and
 * writes the run folder's report and package as the serial run does.
 *
 * A worker (part-worker.ts) imports the generated module from the file the caller names
 * (`nnc train` writes it: the runtime never imports the compiler) and calls its training with the
 * part to train. Its log comes back over IPC, each line prefixed with its part (`trial 3/8: `).
 * Each worker gets floor(cores / N) threads (workerEnv), so N jobs do not oversubscribe the cores;
 * once no part is left to start, the workers still training share the cores of those that
 * finished (the last member of an odd ensemble trains on all of them).
 */
import { fork } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { Interruption, OutputStream, RunResult, TrainOptions, TrialResult } from "../core/program.js";
import type { HandOff } from "../train/fit.js";

/** One part of a run: trial, member or fold `index` (0-based) of `count`. */
export interface PartRequest {
  readonly kind: "trial" | "member" | "fold";
  readonly index: number;
  readonly count: number;
  /** The run's seed (drawn once by the parent when the training sets none). */
  readonly seed: number;
  /** The run folder; the part writes its `trial-NN/`, `member-i/` or `fold-i/`. */
  readonly runDir: string;
  /** A trial's values, drawn by the parent in the serial order. */
  readonly chosen?: Readonly<Record<string, unknown>>;
}

/** What a part sends back: its serialisable result, its parameter count (null for a diverged trial) and its interruption. */
export interface PartOutcome {
  readonly result: RunResult | TrialResult;
  readonly totalParams: number | null;
  readonly interrupted: Interruption | null;
  /**
   * Checkpoint folders written only to be handed off (a queue worker's, for a training without
   * `checkpoint:`): the run folder does not keep them. They stay in the part's folder until it has
   * reached the submitter, so a job taken over even after its last epoch resumes from them.
   */
  readonly handedOff?: readonly string[];
}

/** Where a worker finds the training: the generated module's file and the export that runs it (`trainL`). */
export interface PartModule {
  readonly file: string;
  readonly train: string;
}

/**
 * Trains parts somewhere other than this machine's worker processes (a job queue: runtime/queue/).
 * `run` returns the outcomes by index, with their folders written under the run folder, as
 * `runParts` does.
 */
export interface PartDispatcher {
  run(parts: readonly PartRequest[], ctx: PartsContext): Promise<PartOutcome[]>;
  /**
   * The seed a run with no `seed` setting uses instead of drawing one: an earlier submission's to
   * the same run folder, so that running the command again attaches to its jobs.
   */
  seedOf?(runDir: string): number | undefined;
}

/** The options a caller of `--jobs` adds (`nnc train` passes `partModule` or `dispatcher`), and what a worker receives. */
export interface JobsOptions extends TrainOptions {
  readonly partModule?: PartModule;
  readonly dispatcher?: PartDispatcher;
  readonly part?: PartRequest;
  /** A queue worker's: each checkpoint, after every epoch, handed off (runtime/train/fit.ts). */
  readonly handOff?: HandOff;
}

/** What a run needs of its context to dispatch parts. */
export interface PartsContext {
  readonly options: TrainOptions;
  readonly output: OutputStream | null;
  readonly baseDir: string;
  readonly stop: AbortSignal;
  readonly recordExamples: (examples: RunResult["examples"]) => void;
}

/**
 * Messages between the parent and a worker. With `handOff`, the worker checkpoints every epoch and
 * waits after each checkpoint for the parent's "handed-off" (a queue worker copies it meanwhile).
 */
export type ToWorker =
  | { readonly type: "start"; readonly module: PartModule; readonly options: TrainOptions; readonly part: PartRequest; readonly handOff?: boolean }
  | { readonly type: "stop"; readonly reason: string }
  | { readonly type: "handed-off" }
  | { readonly type: "threads"; readonly threads: number };
export type FromWorker =
  | { readonly type: "output"; readonly text: string }
  | { readonly type: "checkpoint"; readonly dir: string }
  | { readonly type: "result"; readonly outcome: PartOutcome }
  | { readonly type: "error"; readonly name: string; readonly message: string };

/** `TrainOptions.jobs`, checked: a positive integer, 1 by default. */
export function jobsOf(options: TrainOptions): number {
  const jobs = options.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1) throw new RangeError(`jobs must be a positive integer, not ${String(jobs)}`);
  return jobs;
}

/**
 * Whether parts train apart from this process (worker processes or a queue). A search chooses
 * this many Bayesian trials at a time.
 */
export function partsApart(options: TrainOptions): boolean {
  return jobsOf(options) > 1 || (options as JobsOptions).dispatcher !== undefined;
}

/** The part a worker is to train, or null in the parent. */
export function partRequestOf(options: TrainOptions): PartRequest | null {
  return (options as JobsOptions).part ?? null;
}

/** Threads per worker so that `jobs` workers do not oversubscribe `cores`. */
export function threadsPerJob(jobs: number, cores: number = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / jobs));
}

/**
 * A worker's environment for `threads` threads: OMP_NUM_THREADS, which OpenMP and the native
 * addon's thread count (runtime/addon/src/common.cc, `maxThreads`) both honour.
 */
export function workerEnv(threads: number): NodeJS.ProcessEnv {
  return { ...process.env, OMP_NUM_THREADS: String(threads) };
}

/** A part's folder in the run folder: `trial-03`, `member-2`, `fold-1`. */
export function partFolder(part: Pick<PartRequest, "kind" | "index">): string {
  return part.kind === "trial" ? `trial-${String(part.index + 1).padStart(2, "0")}` : `${part.kind}-${part.index + 1}`;
}

/** `trial 3/8`, as worker lines are prefixed and failures named. */
export function partLabel(part: PartRequest): string {
  return `${part.kind} ${part.index + 1}/${part.count}`;
}

const WORKER = fileURLToPath(new URL("./part-worker.js", import.meta.url));

/** A part training in a worker process: its outcome, how to stop (at the end of a step) or kill it, and to give it more threads. */
export interface ForkedPart {
  readonly outcome: Promise<PartOutcome>;
  stop(reason: string): void;
  kill(): void;
  setThreads(threads: number): void;
}

/** How a forked part is started and what its owner hears of it. */
export interface ForkOptions {
  readonly module: PartModule;
  readonly options: TrainOptions;
  readonly part: PartRequest;
  readonly env: NodeJS.ProcessEnv;
  /** The worker's log, as it writes it. */
  readonly write: (text: string) => void;
  /** Set: a checkpoint after every epoch, each passed here before the part goes on. */
  readonly handOff?: (dir: string) => Promise<void>;
}

/** Starts a worker process training one part; its failures and exits reject `outcome`, naming the part. */
export function forkPart(o: ForkOptions): ForkedPart {
  const label = partLabel(o.part);
  const child = fork(WORKER, [], { env: o.env, execArgv: [], stdio: ["ignore", "pipe", "pipe", "ipc"] });
  const outcome = new Promise<PartOutcome>((resolvePart, rejectPart) => {
    child.stdout?.on("data", (chunk: Buffer) => o.write(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => o.write(chunk.toString()));
    let settled: PartOutcome | Error | null = null;
    child.on("message", (message: FromWorker) => {
      if (message.type === "output") o.write(message.text);
      else if (message.type === "checkpoint") {
        o.handOff!(message.dir).then(
          () => child.connected && child.send({ type: "handed-off" } satisfies ToWorker),
          (error: Error) => {
            settled ??= new Error(`${label}: handing off the checkpoint failed: ${error.message}`);
            child.kill("SIGKILL");
          },
        );
      } else if (message.type === "result") settled = message.outcome;
      else settled = Object.assign(new Error(`${label}: ${message.message}`), { name: message.name });
    });
    child.on("error", (error) => (settled ??= new Error(`${label}: the worker failed: ${error.message}`)));
    child.on("exit", (code, signal) => {
      if (settled === null) settled = new Error(`${label}: the worker ${signal ? `was killed (${signal})` : `exited with code ${code}`} before sending its result`);
      if (settled instanceof Error) rejectPart(settled);
      else resolvePart(settled);
    });
  });
  child.send({ type: "start", module: o.module, options: o.options, part: o.part, handOff: o.handOff !== undefined } satisfies ToWorker);
  return {
    outcome,
    stop: (reason) => void (child.connected && child.send({ type: "stop", reason } satisfies ToWorker)),
    kill: () => void child.kill("SIGKILL"),
    setThreads: (threads) => void (child.connected && child.send({ type: "threads", threads } satisfies ToWorker)),
  };
}

/**
 * Trains `parts` in `jobs` workers (or hands them to the run's dispatcher) and returns their
 * outcomes by index. A failing or killed worker fails the run with an error naming its part (the
 * others are killed); a stop (Ctrl-C) is passed to every worker, each saving as an interrupted part
 * does, and parts not yet started start and stop at once, so every part has an outcome.
 */
export async function runParts(ctx: PartsContext, parts: readonly PartRequest[]): Promise<PartOutcome[]> {
  const options = ctx.options as JobsOptions;
  if (options.dispatcher) {
    const outcomes = await options.dispatcher.run(parts, ctx);
    if (outcomes.length > 0) ctx.recordExamples(outcomes[0].result.examples);
    return outcomes;
  }
  const module = options.partModule;
  if (!module) throw new Error("jobs > 1 needs the generated module's file to start workers from (`nnc train --jobs N` passes it)");
  const jobs = Math.min(jobsOf(ctx.options), parts.length);
  const env = workerEnv(threadsPerJob(jobs));
  const { epochs, limit, backend, verbose } = ctx.options;
  const outcomes: PartOutcome[] = new Array<PartOutcome>(parts.length);
  const running = new Set<ForkedPart>();
  let failure: Error | null = null;
  let next = 0;
  const stopReason = () => String(ctx.stop.reason ?? "SIGINT");
  const onStop = () => {
    for (const child of running) child.stop(stopReason());
  };
  ctx.stop.addEventListener("abort", onStop);

  const trainPart = async (part: PartRequest): Promise<PartOutcome> => {
    const write = prefixedLines(ctx.output, `${partLabel(part)}: `);
    const child = forkPart({ module, part, env, write, options: { epochs, limit, backend, verbose, runDir: part.runDir, baseDir: ctx.baseDir } });
    running.add(child);
    if (ctx.stop.aborted) child.stop(stopReason());
    try {
      return await child.outcome;
    } finally {
      running.delete(child);
      write.flush();
      // Nothing left to start: the cores this worker had go to the ones still training.
      if (next >= parts.length && failure === null) for (const other of running) other.setThreads(threadsPerJob(running.size));
    }
  };

  const slot = async (): Promise<void> => {
    while (next < parts.length && failure === null) {
      const index = next++;
      try {
        outcomes[index] = await trainPart(parts[index]);
      } catch (error) {
        failure ??= error as Error;
        for (const child of running) child.kill();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: jobs }, slot));
  } finally {
    ctx.stop.removeEventListener("abort", onStop);
  }
  if (failure) throw failure;
  if (outcomes.length > 0) ctx.recordExamples(outcomes[0].result.examples);
  return outcomes;
}

/** Writes `text` to `output` a whole line at a time, each line prefixed; `flush` writes a last partial line. */
export function prefixedLines(output: OutputStream | null, prefix: string): ((text: string) => void) & { flush(): void } {
  let pending = "";
  const write = (text: string) => {
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop()!;
    // A progress bar's redraws (\r) keep only what was last drawn.
    for (const line of lines) output?.write(`${prefix}${line.slice(line.lastIndexOf("\r") + 1)}\n`);
  };
  return Object.assign(write, { flush: () => (pending ? write("\n") : undefined) });
}
