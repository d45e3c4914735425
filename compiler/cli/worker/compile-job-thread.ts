/**
 * The thread prepare-in-thread.ts starts for one job: compiles it and posts the result, or the
 * error's message (an Error itself does not cross threads with its message intact in every case).
 */
import { parentPort, workerData } from "node:worker_threads";
import type { JobPayload } from "../../../runtime/queue/job-payload.js";
import { compileJob } from "./compile-job.js";

const { payload, root } = workerData as { payload: JobPayload; root: string };
try {
  parentPort!.postMessage({ compiled: await compileJob(payload, root) });
} catch (error) {
  parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
