/**
 * `nnc worker --queue redis://HOST:PORT [--queue-name NAME] [--root DIR] [--threads N] [--stall-seconds S]`:
 * serves a sweep queue (runtime/queue/queue-worker.ts). Each job's `.nn` sources come with the job
 * and are checked and compiled here, as `nnc train` would, placed under --root (default the working
 * folder) where its data paths are read: every worker needs the training's data files at the same
 * paths relative to its root as the submitter has them (built-in data sets such as mnist come with
 * nnc). Ctrl-C stops the running part at the end of its step and puts it back in the queue.
 */
import { resolve } from "node:path";
import { parseOptions, UsageError, type CommandIO } from "./io.js";
import { buildId } from "./build-id.js";
import { positiveInteger } from "./train-command.js";
import { parseRedisAddress, QueueAddressError } from "../../runtime/queue/redis-address.js";
import { DEFAULT_QUEUE } from "../../runtime/queue/queue-names.js";
import { runWorker } from "../../runtime/queue/queue-worker.js";
import { prepareInThread } from "./worker/prepare-in-thread.js";
import { exitCodeOf, onStopSignals } from "../../runtime/session/stop-signals.js";

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
  const signals = onStopSignals((signal) => stop.abort(signal));
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
      prepare: prepareInThread,
    });
  } catch (error) {
    if (error instanceof QueueAddressError) {
      io.stderr(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    signals.release();
  }
  return signals.received ? exitCodeOf(signals.received) : 0;
}
