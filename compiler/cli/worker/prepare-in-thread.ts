/**
 * `nnc worker` compiles each job on a thread of its own. Checking and generating hold a thread for
 * seconds on a busy machine; on the main thread that would stop BullMQ from renewing the job's lock,
 * so the lock would have to be made long first, and a worker killed while compiling would then hold
 * its job that long instead of --stall-seconds. Off the main thread, the lock is renewed as usual.
 */
import { Worker } from "node:worker_threads";
import { generatedModuleAt } from "../../codegen/load-module.js";
import type { JobPayload } from "../../../runtime/queue/job-payload.js";
import type { PreparedJob } from "../../../runtime/queue/queue-worker.js";
import type { CompiledJob } from "./compile-job.js";

const THREAD = new URL("./compile-job-thread.js", import.meta.url);

export function prepareInThread(payload: JobPayload, root: string): Promise<PreparedJob> {
  return new Promise((resolvePrepared, reject) => {
    const thread = new Worker(THREAD, { workerData: { payload, root } });
    let answered = false;
    thread.once("message", (message: { compiled?: CompiledJob; error?: string }) => {
      answered = true;
      if (message.error !== undefined || !message.compiled) return reject(new Error(message.error ?? "the compiling thread sent nothing"));
      const { moduleFile, train, baseDir } = message.compiled;
      const module = generatedModuleAt(moduleFile);
      resolvePrepared({ module: { file: module.path, train }, baseDir, dispose: () => module.remove() });
    });
    thread.once("error", (error) => {
      answered = true;
      reject(error);
    });
    thread.once("exit", (code) => {
      if (!answered) reject(new Error(`the compiling thread exited (code ${code}) without a result`));
    });
  });
}
