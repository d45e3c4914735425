/** Names shared by the submitter and the workers: the Redis key prefix, job ids, part folders. */
import { partFolder } from "../session/parts.js";
import type { QueuedPart } from "./job-payload.js";

/** BullMQ's key prefix for nnc's queues (`nnc-queue:NAME:…`). */
export const QUEUE_PREFIX = "nnc-queue";

/** The default queue name (`--queue-name`). */
export const DEFAULT_QUEUE = "nnc";

/** A part's job id: the run's key and the part (BullMQ adds a job id once while it exists). */
export function jobId(run: string, part: Pick<QueuedPart, "kind" | "index">): string {
  return `${run}-${partFolder(part)}`;
}
