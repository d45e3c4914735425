/**
 * A worker of `--jobs N` (parts.ts): trains one trial, member or fold and sends its result back.
 * It imports the generated module the parent names and calls its training with the part, which
 * `runTraining` trains alone into the part's folder. Its log goes to the parent over IPC; Ctrl-C
 * reaches it from the parent as a "stop" message (the terminal's own SIGINT is ignored here, so the
 * part stops once, at the end of its step, and saves as an interrupted part does).
 */
import { pathToFileURL } from "node:url";
import { loadNativeAddon } from "../addon/addon.js";
import type { OutputStream, TrainOptions } from "../core/program.js";
import type { FromWorker, JobsOptions, PartOutcome, ToWorker } from "./parts.js";

const send = (message: FromWorker): Promise<void> => new Promise((done) => process.send!(message, () => done()));

process.on("SIGINT", () => {});
process.on("SIGTERM", () => {});
// The parent quit (a second Ctrl-C): nothing more is saved.
process.on("disconnect", () => process.exit(1));

const stop = new AbortController();
/** Resolves the checkpoint hand-off in progress, when the parent says it has the copy. */
let handedOff: (() => void) | null = null;
process.on("message", (message: ToWorker) => {
  if (message.type === "stop") stop.abort(message.reason);
  else if (message.type === "handed-off") handedOff?.();
  else if (message.type === "threads") useThreads(message.threads);
  else void run(message);
});

/**
 * More threads for the rest of the part (its siblings have finished): the native kernels' count,
 * and OMP_NUM_THREADS for anything that reads it later. The results do not depend on it.
 */
function useThreads(threads: number): void {
  process.env.OMP_NUM_THREADS = String(threads);
  const { addon } = loadNativeAddon();
  (addon as { setThreadCount?(threads: number): number } | null)?.setThreadCount?.(threads);
}

/** A queue worker's hand-off: the parent copies the checkpoint folder while the part waits. */
const handOff = (dir: string): Promise<void> =>
  new Promise((done) => {
    handedOff = () => {
      handedOff = null;
      done();
    };
    process.send!({ type: "checkpoint", dir } satisfies FromWorker);
  });

async function run({ module, options, part, handOff: handsOff }: Extract<ToWorker, { type: "start" }>): Promise<void> {
  const output: OutputStream = { write: (text: string) => process.send!({ type: "output", text } satisfies FromWorker) };
  try {
    const loaded = (await import(pathToFileURL(module.file).href)) as Record<string, unknown>;
    const train = loaded[module.train] as (options: TrainOptions) => Promise<unknown>;
    const jobs: JobsOptions = { ...options, output, signal: stop.signal, handleSignals: false, part, handOff: handsOff ? handOff : undefined };
    const outcome = (await train(jobs)) as PartOutcome;
    await send({ type: "result", outcome });
    process.exit(0);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    await send({ type: "error", name: e.name, message: e.message });
    process.exit(1);
  }
}
