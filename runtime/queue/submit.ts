/**
 * `nnc train FILE --queue redis://…`: a run's trials, members or folds become jobs on a BullMQ
 * queue, and this process gathers what workers (queue-worker.ts) make of them into the usual run
 * folder. It is the run's PartDispatcher (runtime/session/parts.ts): the runtime chooses the parts
 * and writes the run's report and package as it does for `--jobs N`.
 *
 * A job's id is the run's key (a hash of the build, sources, training, overrides, run folder and
 * seed) and its part, and BullMQ adds an id once, so running the same command again attaches to the
 * jobs already queued or running instead of starting over. The run folder's `queue.json` records
 * the run's seed (for a training without `seed`, so the second submission has the same key) and the
 * outcome of every finished part: a part finished is never trained again, even if Redis lost it.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { writeFileAtomic } from "../core/atomic.js";
import { removeCheckpoint } from "../train/checkpoint.js";
import { partFolder, partLabel, type PartDispatcher, type PartOutcome, type PartRequest, type PartsContext } from "../session/parts.js";
import { downloadFolder, filesKey, localized, type Places } from "./artifacts.js";
import { PAYLOAD_FORMAT, queuedPart, type JobPayload } from "./job-payload.js";
import type { JobResult } from "./queue-worker.js";
import { DEFAULT_QUEUE, jobId, QUEUE_PREFIX } from "./queue-names.js";
import { connect, type RedisAddress } from "./redis-address.js";
import { exitCodeOf } from "../session/stop-signals.js";

export interface SubmitSetup {
  readonly address: RedisAddress;
  readonly queue: string;
  readonly version: string;
  readonly build: string;
  /** The folder `sources` and `file` are relative to. */
  readonly root: string;
  readonly sources: Readonly<Record<string, string>>;
  readonly file: string;
  readonly training: string;
  readonly overrides: JobPayload["overrides"];
  /** How often the queue is looked at; default 500 ms. */
  readonly pollMs?: number;
}

/** The submitter stopped watching (Ctrl-C); the jobs go on. */
export class QueueDetached extends Error {
  override name = "QueueDetached";
  readonly exitCode: number;
  constructor(message: string, signal: string) {
    super(message);
    this.exitCode = exitCodeOf(signal);
  }
}

/** A job ended without a result: refused, or its training failed. */
export class QueuedPartFailed extends Error {
  override name = "QueuedPartFailed";
}

/** The run folder's record of its submission. */
interface QueueRecord {
  readonly format: 1;
  readonly queue: string;
  readonly address: string;
  readonly attach: string;
  readonly seed: number;
  readonly run: string;
  readonly finished: Record<string, PartOutcome>;
}

export const QUEUE_RECORD = "queue.json";

function hash(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 24);
}

export interface QueueDispatcher extends PartDispatcher {
  /** Removes the run's jobs, folders and record once the run is written; then closes the connections. */
  finish(): Promise<void>;
  /** Closes the connections, leaving the jobs (a failed or detached run). */
  close(): Promise<void>;
}

export function queueDispatcher(setup: SubmitSetup): QueueDispatcher {
  const connection = connect(setup.address);
  const redis: Redis = connect(setup.address);
  const queue = new Queue(setup.queue, { connection, prefix: QUEUE_PREFIX });
  // The connection's errors are said once, below; the queue's would otherwise end the process.
  queue.on("error", () => {});
  const submitted = new Set<string>();
  let record: QueueRecord | null = null;
  let recordPath: string | null = null;
  const attachKey = (runDir: string) => hash({ build: setup.build, queue: setup.queue, sources: setup.sources, file: setup.file, training: setup.training, overrides: setup.overrides, runDir: resolve(runDir) });
  const readRecord = (runDir: string): QueueRecord | null => {
    const path = join(runDir, QUEUE_RECORD);
    if (!existsSync(path)) return null;
    try {
      const found = JSON.parse(readFileSync(path, "utf8")) as QueueRecord;
      return found.format === 1 && found.attach === attachKey(runDir) ? found : null;
    } catch {
      return null;
    }
  };
  const save = () => writeFileAtomic(recordPath!, JSON.stringify(record, null, 2) + "\n");
  let lostSaid = false;
  redis.on("error", (error: Error) => {
    if (!lostSaid) process.stderr.write(`queue: lost ${setup.address.shown} (${error.message}); reconnecting\n`);
    lostSaid = true;
  });
  redis.on("ready", () => {
    if (lostSaid) process.stderr.write(`queue: reconnected to ${setup.address.shown}\n`);
    lostSaid = false;
  });

  const payloadOf = (run: string, part: PartRequest): JobPayload => ({
    format: PAYLOAD_FORMAT,
    nnc: { version: setup.version, build: setup.build },
    queue: setup.queue,
    run,
    sources: { ...setup.sources },
    file: setup.file,
    training: setup.training,
    overrides: setup.overrides,
    part: queuedPart(part),
  });
  const add = (run: string, part: PartRequest) => {
    const id = jobId(run, part);
    submitted.add(id);
    return queue.add(partFolder(part), payloadOf(run, part), { jobId: id, attempts: 1, removeOnComplete: false, removeOnFail: false });
  };

  return {
    seedOf(runDir: string): number | undefined {
      return readRecord(runDir)?.seed;
    },

    async run(parts: readonly PartRequest[], ctx: PartsContext): Promise<PartOutcome[]> {
      if (parts.length === 0) return [];
      const runDir = resolve(parts[0].runDir);
      const here: Places = { runDir, root: setup.root };
      const seed = parts[0].seed;
      const attach = attachKey(runDir);
      const run = hash({ attach, seed });
      recordPath = join(runDir, QUEUE_RECORD);
      const earlier = readRecord(runDir);
      record = earlier && earlier.run === run ? earlier : { format: 1, queue: setup.queue, address: setup.address.shown, attach, seed, run, finished: {} };
      save();
      const say = (line: string) => void ctx.output?.write(`${line}\n`);
      // Every call to the server is also a place to stop: with the server away it would not return.
      const detached = () => new QueueDetached(`stopped watching the queue; ${waiting.size} part${waiting.size === 1 ? "" : "s"} go on on the workers; run the same command again to attach to them`, String(ctx.stop.reason ?? "SIGINT"));
      const watch = <T>(call: Promise<T>): Promise<T> => unlessStopped(call, ctx.stop, detached);
      const outcomes: PartOutcome[] = new Array<PartOutcome>(parts.length);
      const waiting = new Map<number, { part: PartRequest; id: string; logs: number }>();
      let attached = 0;
      for (const [index, part] of parts.entries()) {
        const id = jobId(run, part);
        const done = record.finished[id];
        if (done) {
          outcomes[index] = done;
          continue;
        }
        const existing = await watch(queue.getJob(id));
        if (existing && (await watch(existing.getState())) === "failed") {
          // A part that failed in an earlier submission is tried again: its cause may be fixed.
          await watch(existing.remove());
          say(`${partLabel(part)}: failed before (${existing.failedReason}); submitted again`);
        } else if (existing) attached++;
        await watch(add(run, part));
        waiting.set(index, { part, id, logs: 0 });
      }
      const before = parts.length - waiting.size;
      say(`queue ${setup.address.shown} "${setup.queue}": ${parts.length} ${parts[0].kind}s${before ? `, ${before} finished before` : ""}${attached ? `, attached to ${attached} already queued` : ""}${waiting.size ? `; waiting for workers (nnc worker --queue ${setup.address.shown}${setup.queue === DEFAULT_QUEUE ? "" : ` --queue-name ${setup.queue}`})` : ""}`);

      while (waiting.size > 0) {
        if (ctx.stop.aborted) throw detached();
        for (const [index, entry] of waiting) {
          const label = partLabel(entry.part);
          // The state first: a job read before it finished would have no result yet.
          const state = await watch(queue.getJobState(entry.id));
          if (state === "unknown") {
            // Redis lost it (restarted without persistence): submitted again, from its start.
            say(`${label}: the queue no longer holds this job (was Redis restarted?); submitted again`);
            await watch(add(run, entry.part));
            entry.logs = 0;
            continue;
          }
          const { logs } = await watch(queue.getJobLogs(entry.id, entry.logs, -1, true));
          for (const line of logs) say(`${label}: ${line}`);
          entry.logs += logs.length;
          if (state !== "completed" && state !== "failed") continue;
          const job = await watch(queue.getJob(entry.id));
          if (!job) continue;
          if (state === "failed") throw new QueuedPartFailed(`${label} failed: ${job.failedReason}`);
          const result = job.returnvalue as JobResult;
          await watch(downloadFolder(redis, filesKey(setup.queue, entry.id), partFolder(entry.part), here));
          const { handedOff, ...outcome } = localized(result.outcome, here);
          // Checkpoints written only for a takeover are not the run's to keep, now that it has the folder.
          const partDir = join(runDir, partFolder(entry.part));
          for (const dir of handedOff ?? []) if (resolve(dir).startsWith(partDir + sep)) removeCheckpoint(dir);
          outcomes[index] = outcome;
          record.finished[entry.id] = outcome;
          save();
          waiting.delete(index);
          say(`${label}: done on worker ${result.worker}`);
        }
        if (waiting.size > 0) await pause(setup.pollMs ?? 500, ctx.stop);
      }
      return outcomes;
    },

    async finish(): Promise<void> {
      for (const id of submitted) {
        await (await queue.getJob(id))?.remove();
        await redis.del(filesKey(setup.queue, id));
      }
      if (recordPath) rmSync(recordPath, { force: true });
      await this.close();
    },

    async close(): Promise<void> {
      // With the server away, closing the queue (or BullMQ's disconnect) would wait for it for ever;
      // the queue uses `connection` only, so dropping that is enough.
      if (connection.status === "ready") await queue.close();
      redis.disconnect();
      connection.disconnect();
    },
  };
}

/** The call's result, or `stopped()` thrown as soon as `stop` aborts (the call may still be waiting for the server). */
function unlessStopped<T>(call: Promise<T>, stop: AbortSignal, stopped: () => Error): Promise<T> {
  if (stop.aborted) {
    call.catch(() => {});
    return Promise.reject(stopped());
  }
  return new Promise<T>((resolve, reject) => {
    const onStop = () => reject(stopped());
    stop.addEventListener("abort", onStop, { once: true });
    call.then(
      (value) => (stop.removeEventListener("abort", onStop), resolve(value)),
      (error: unknown) => (stop.removeEventListener("abort", onStop), reject(error)),
    );
  });
}

function pause(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      stop.removeEventListener("abort", done);
      resolve();
    }
    stop.addEventListener("abort", done, { once: true });
  });
}
