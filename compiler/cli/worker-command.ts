/**
 * `nnc worker --queue redis://HOST:PORT [--queue-name NAME] [--root DIR] [--threads N] [--stall-seconds S]`:
 * serves a sweep queue (runtime/queue/queue-worker.ts). Each job's `.nn` sources come with the job
 * and are checked and compiled here, as `nnc train` would, placed under --root (default the working
 * folder) where its data paths are read: every worker needs the training's data files at the same
 * paths relative to its root as the submitter has them (built-in data sets such as mnist come with
 * nnc). Ctrl-C stops the running part at the end of its step and puts it back in the queue.
 */
import { dirname, resolve } from "node:path";
import { checkProgram, type CheckHost } from "../check/check.js";
import { generateModule } from "../codegen/emit-module.js";
import { writeGeneratedModule } from "../codegen/load-module.js";
import { sourceName } from "../codegen/compile-file.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { describeFailure } from "./compile-command.js";
import { parseOptions, UsageError, type CommandIO } from "./io.js";
import { buildId } from "./build-id.js";
import { positiveInteger } from "./train-command.js";
import { parseRedisAddress, QueueAddressError } from "../../runtime/queue/redis-address.js";
import { DEFAULT_QUEUE } from "../../runtime/queue/queue-names.js";
import { runWorker, type PreparedJob } from "../../runtime/queue/queue-worker.js";
import type { JobPayload } from "../../runtime/queue/job-payload.js";

/** Checks and compiles a job's sources as if they were at their paths under `root`; data files are read from disk there. */
export async function prepareJob(payload: JobPayload, root: string): Promise<PreparedJob> {
  const sources = new Map(Object.entries(payload.sources).map(([rel, text]) => [resolve(root, rel), text]));
  const host: CheckHost = { readFile: (path) => sources.get(resolve(path)) };
  const file = resolve(root, payload.file);
  const result = checkProgram([file], host);
  if (hasErrors(result.diagnostics)) {
    const shown = renderDiagnostics(result.diagnostics.filter((d) => d.severity === "error").slice(0, 5), (f) => result.program.units.get(f)?.text, { color: false });
    throw new Error(`its sources have errors here:\n${shown}`);
  }
  const training = result.trainings.find((t) => resolve(t.file) === file && t.name === payload.training);
  if (!training) throw new Error(`${payload.file} has no training labelled \`${payload.training}\``);
  const generated = await generateModule({ result, file: training.file, sourceName: sourceName(payload.file) });
  const failure = generated.failures.find((f) => f.kind === "training" && f.name === training.name);
  if (failure) throw new Error(describeFailure(failure));
  const module = writeGeneratedModule(generated.text);
  return { module: { file: module.path, train: generated.names.trainings.get(training.name)!.train }, baseDir: dirname(file), dispose: () => module.remove() };
}

export async function runWorkerCommand(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    queue: { type: "string" },
    "queue-name": { type: "string" },
    root: { type: "string" },
    threads: { type: "string" },
    "stall-seconds": { type: "string" },
    "max-jobs": { type: "string" },
  });
  if (positionals.length > 0) throw new UsageError(`takes no files (the jobs bring their sources); found ${positionals.join(" ")}`);
  if (typeof values.queue !== "string") throw new UsageError("--queue redis://HOST:PORT is needed (the Redis server `nnc train --queue` submits to)");
  let address;
  try {
    address = parseRedisAddress(values.queue);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const stop = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) process.exit(signal === "SIGTERM" ? 143 : 130);
    io.stderr(`worker: stopping (${signal}): the running part stops at the end of its step and goes back to the queue; again to quit at once\n`);
    stop.abort(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const { version, build } = buildId();
  try {
    await runWorker({
      address,
      queue: (values["queue-name"] as string | undefined) ?? DEFAULT_QUEUE,
      version,
      build,
      root: resolve((values.root as string | undefined) ?? "."),
      threads: positiveInteger(values.threads, "--threads"),
      stallSeconds: positiveInteger(values["stall-seconds"], "--stall-seconds") ?? 30,
      maxJobs: positiveInteger(values["max-jobs"], "--max-jobs"),
      output: { write: (text: string) => (io.stderr(text), true) },
      signal: stop.signal,
      prepare: prepareJob,
    });
  } catch (error) {
    if (error instanceof QueueAddressError) {
      io.stderr(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  return stop.signal.aborted ? (stop.signal.reason === "SIGTERM" ? 143 : 130) : 0;
}
