/**
 * `nnc worker --queue redis://…`: takes a sweep's jobs from the queue, one at a time, and trains
 * each part in a worker process of its own (runtime/session/parts.ts, `forkPart`), so this
 * process stays free to keep the job's lock alive however long a step takes.
 *
 * A job's folder is copied to Redis at every epoch's checkpoint (artifacts.ts): when a worker is
 * killed, BullMQ sees the job's lock lapse after `stallSeconds` and gives it to another worker,
 * which starts from that folder and so redoes at most the epoch that was running. Ctrl-C stops the
 * part at the end of its step, copies its checkpoint and puts the job back for another worker.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { UnrecoverableError, WaitingError, Worker, type Job } from "bullmq";
import type { OutputStream } from "../core/program.js";
import { forkPart, partFolder, partLabel, prefixedLines, workerEnv, type PartModule, type PartOutcome } from "../session/parts.js";
import { downloadFolder, filesKey, portable, uploadFolder, type Places } from "./artifacts.js";
import { JobRefused, readPayload, type JobPayload } from "./job-payload.js";
import { connect, reachable, type RedisAddress } from "./redis-address.js";
import { QUEUE_PREFIX } from "./queue-names.js";

/** A job's training, compiled by the caller (`nnc worker` checks and generates its module). */
export interface PreparedJob {
  readonly module: PartModule;
  /** The folder the training's data paths start from. */
  readonly baseDir: string;
  dispose(): void;
}

export interface WorkerSetup {
  readonly address: RedisAddress;
  readonly queue: string;
  readonly version: string;
  readonly build: string;
  /** The folder the jobs' source and data paths are relative to. */
  readonly root: string;
  /** Threads per part (OMP_NUM_THREADS); default the machine's. */
  readonly threads?: number;
  /** How long a job's lock lasts without renewal: a killed worker's job moves on after this. */
  readonly stallSeconds: number;
  readonly output: OutputStream;
  /** Aborted: the running part stops at the end of its step and goes back to the queue; then this returns. */
  readonly signal: AbortSignal;
  /** Stop after this many jobs (tests); default never. */
  readonly maxJobs?: number;
  /**
   * Checks and compiles a job. It must leave this thread free (nnc worker compiles on a thread of
   * its own): BullMQ renews the job's lock here, and the lock lasts only `stallSeconds`.
   */
  prepare(payload: JobPayload, root: string): Promise<PreparedJob>;
}

/** What a finished job returns to the submitter. */
export interface JobResult {
  readonly outcome: PartOutcome;
  readonly worker: string;
}

export async function runWorker(setup: WorkerSetup): Promise<void> {
  await reachable(setup.address);
  const name = `${hostname()}:${process.pid}`;
  const log = (line: string) => void setup.output.write(`${line}\n`);
  const redis = connect(setup.address);
  // Reconnecting is ioredis's and BullMQ's; the worker says once that the server went away (both
  // report every failed attempt) and once that it is back.
  let disconnected = false;
  const connectionLost = (error: Error) => {
    if (!disconnected) log(`queue: lost ${setup.address.shown} (${error.message}); reconnecting`);
    disconnected = true;
  };
  redis.on("error", connectionLost);
  redis.on("ready", () => {
    if (disconnected) log(`queue: reconnected to ${setup.address.shown}`);
    disconnected = false;
  });
  let done = 0;
  /** Jobs between being taken and being handed back (a stop waits for them to go back to the queue). */
  let inHand = 0;
  /** The job being trained, and how to stop it when its lock is lost. */
  let current: { readonly id: string; lose(): void } | null = null;
  let finished: () => void = () => {};
  const allDone = new Promise<void>((resolve) => (finished = resolve));

  const processor = async (job: Job, token?: string, signal?: AbortSignal): Promise<JobResult> => {
    inHand++;
    try {
      return await processJob(job, token, signal);
    } finally {
      inHand--;
    }
  };
  const processJob = async (job: Job, token?: string, signal?: AbortSignal): Promise<JobResult> => {
    let payload: JobPayload;
    try {
      payload = readPayload(job.data, { queue: setup.queue, version: setup.version, build: setup.build });
    } catch (error) {
      if (!(error instanceof JobRefused)) throw error;
      log(`job ${job.id}: ${error.message}`);
      throw new UnrecoverableError(error.message);
    }
    const label = partLabel({ ...payload.part, runDir: "" });
    const began = performance.now();
    const jobLog = (line: string) => void job.log(line).catch(() => {});
    jobLog(`taken by worker ${name}`);
    log(`${label} of ${payload.file} (training ${payload.training}): started`);
    const work = mkdtempSync(join(tmpdir(), "nnc-job-"));
    const here: Places = { runDir: join(work, "run"), root: setup.root };
    const key = filesKey(setup.queue, job.id!);
    let prepared: PreparedJob | null = null;
    try {
      const copied = await downloadFolder(redis, key, partFolder(payload.part), here);
      if (copied > 0) jobLog(`continuing from the folder another worker left (${copied} files)`);
      try {
        prepared = await setup.prepare(payload, setup.root);
      } catch (error) {
        const message = `${name} cannot compile ${payload.file}: ${(error as Error).message}`;
        log(`${label}: ${message}`);
        throw new UnrecoverableError(message);
      }
      const write = prefixedLines(
        {
          write: (text: string) => {
            jobLog(text.replace(/\n$/, ""));
            setup.output.write(`${label}: ${text}`);
            return true;
          },
        },
        "",
      );
      const { epochs, limit, backend } = payload.overrides;
      // A lock this worker could not renew in time (a machine too busy for --stall-seconds): the job
      // may already be another worker's, so this one stops at once and writes nothing more.
      let lost = false;
      const forked = forkPart({
        module: prepared.module,
        options: { epochs, limit, backend, runDir: here.runDir, baseDir: prepared.baseDir },
        part: { ...payload.part, runDir: here.runDir },
        env: setup.threads ? workerEnv(setup.threads) : process.env,
        write,
        handOff: async () => {
          if (lost) throw new Error("the job's lock was lost");
          await uploadFolder(redis, key, here);
        },
      });
      const onStop = () => forked.stop("SIGINT");
      setup.signal.addEventListener("abort", onStop);
      if (setup.signal.aborted) onStop();
      current = {
        id: job.id!,
        lose: () => {
          if (lost) return;
          lost = true;
          log(`${label}: lost the job's lock (not renewed within --stall-seconds ${setup.stallSeconds}); stopping it here, for another worker to resume`);
          forked.kill();
        },
      };
      signal?.addEventListener("abort", current.lose);
      let outcome: PartOutcome;
      try {
        outcome = await forked.outcome;
      } catch (error) {
        if (lost) throw new Error(`${label}: the lock was lost on worker ${name}`);
        throw new UnrecoverableError(`${(error as Error).message} (on worker ${name})`);
      } finally {
        setup.signal.removeEventListener("abort", onStop);
        signal?.removeEventListener("abort", current.lose);
        current = null;
        write.flush();
      }
      if (lost) throw new Error(`${label}: the lock was lost on worker ${name}`);
      await uploadFolder(redis, key, here);
      if (outcome.interrupted) {
        // This worker is stopping: the job goes back to the queue, for another worker to resume.
        jobLog(`worker ${name} stopped; the job goes back to the queue`);
        log(`${label}: stopped; back in the queue, to resume from epoch ${outcome.interrupted.lastCompleted ?? 0}`);
        await job.moveToWait(token);
        throw new WaitingError();
      }
      log(`${label}: finished in ${((performance.now() - began) / 1000).toFixed(1)} s`);
      return { outcome: portable(outcome, here), worker: name };
    } finally {
      prepared?.dispose();
      rmSync(work, { recursive: true, force: true });
      if (++done === setup.maxJobs) finished();
    }
  };

  const connection = connect(setup.address);
  // BullMQ listens to it only until the worker closes; after that an error must not go unheard.
  connection.on("error", connectionLost);
  const worker = new Worker(setup.queue, processor, {
    connection,
    prefix: QUEUE_PREFIX,
    concurrency: 1,
    name,
    lockDuration: setup.stallSeconds * 1000,
    stalledInterval: setup.stallSeconds * 1000,
    // A job whose workers keep dying is failed after this many takeovers, not retried for ever.
    maxStalledCount: 5,
  });
  worker.on("error", (error) => (isConnectionError(error) ? connectionLost(error) : log(`queue: ${error.message}`)));
  worker.on("lockRenewalFailed", (ids: string[]) => {
    if (current && ids.includes(current.id)) current.lose();
  });
  log(`worker ${name}: serving queue "${setup.queue}" at ${setup.address.shown}, sources and data relative to ${setup.root}`);
  const stopped = new Promise<void>((resolve) => {
    const announce = () => {
      log(`worker: stopping (${String(setup.signal.reason ?? "SIGINT")})${inHand > 0 ? ": the running part stops at the end of its step and goes back to the queue" : ""}; again to quit at once`);
      resolve();
    };
    // Stopped while it was still reaching the server: it stops before taking a job.
    if (setup.signal.aborted) announce();
    else setup.signal.addEventListener("abort", announce, { once: true });
  });
  await Promise.race([stopped, allDone]);
  // A job in hand goes back to the queue first, which needs the server. With none, a server that
  // is gone has nothing to be told: closing politely would wait for it for ever.
  await worker.close(disconnected && inHand === 0);
  redis.disconnect();
  connection.disconnect();
}

/** The connection failed (the server is down or unreachable), as opposed to a command that failed. */
function isConnectionError(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return (code !== undefined && ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"].includes(code)) || /^Connection is closed/.test(error.message);
}
