/**
 * What a queued job carries: the `.nn` source of the training and every file it uses, the
 * training's label and command-line overrides, the part to train, and the build of nnc that
 * submitted it. No code but `.nn` source travels; a worker compiles it itself. Every payload is
 * validated before use (`readPayload`), and one from another build is refused.
 */
import { z } from "zod";
import type { PartRequest } from "../session/parts.js";

export const PAYLOAD_FORMAT = 1;

/** A path relative to the submitter's folder, with `/` separators: no absolute path, no empty segment. */
const relativePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.startsWith("/") && !/^[A-Za-z]:/.test(p) && !p.includes("\\") && !p.includes("\0") && p.split("/").every((s) => s !== "" && s !== "."), "must be a relative path with / separators");

const chosenValue: z.ZodType<unknown> = z.union([z.number(), z.string(), z.boolean(), z.null(), z.array(z.lazy(() => chosenValue)), z.record(z.string(), z.lazy(() => chosenValue))]);

const payloadSchema = z.strictObject({
  format: z.literal(PAYLOAD_FORMAT),
  /** nnc's version and a hash of its built files: a worker runs only jobs of its own build. */
  nnc: z.strictObject({ version: z.string().max(100), build: z.string().regex(/^[0-9a-f]{16,64}$/) }),
  /** The queue the job was submitted to (a worker runs only its own queue's jobs). */
  queue: z.string().min(1).max(200),
  /** The run this part belongs to (jobs of one run share it). */
  run: z.string().regex(/^[0-9a-f]{16,64}$/),
  /** Every source file the training reads, by path relative to the submitter's folder; `file` among them. */
  sources: z.record(relativePath, z.string().max(8 * 1024 * 1024)).refine((s) => Object.keys(s).length > 0 && Object.keys(s).length <= 10_000, "must hold the training's source files"),
  file: relativePath,
  training: z.string().min(1).max(1000),
  overrides: z.strictObject({
    epochs: z.number().int().positive().optional(),
    limit: z.number().int().positive().optional(),
    backend: z.string().max(50).optional(),
  }),
  part: z.strictObject({
    kind: z.enum(["trial", "member", "fold"]),
    index: z.number().int().nonnegative(),
    count: z.number().int().positive(),
    seed: z.number().int(),
    chosen: z.record(z.string(), chosenValue).optional(),
  }),
});

export type JobPayload = z.infer<typeof payloadSchema>;

/** A job's part without its folder (each side puts it in its own run folder). */
export type QueuedPart = JobPayload["part"];

export function queuedPart(part: PartRequest): QueuedPart {
  return { kind: part.kind, index: part.index, count: part.count, seed: part.seed, ...(part.chosen ? { chosen: { ...part.chosen } } : {}) };
}

/** Why a worker refuses a job (BullMQ does not retry it). */
export class JobRefused extends Error {
  override name = "JobRefused";
}

/** The payload, validated; throws JobRefused naming what is wrong, the submitter's build or the queue. */
export function readPayload(data: unknown, expect: { readonly queue: string; readonly version: string; readonly build: string }): JobPayload {
  const nnc = (data as { nnc?: { version?: unknown; build?: unknown } } | null)?.nnc;
  if (nnc && typeof nnc === "object" && typeof nnc.build === "string" && nnc.build !== expect.build) {
    throw new JobRefused(
      `refused: the job was submitted by nnc ${String(nnc.version)} (build ${nnc.build.slice(0, 12)}), this worker is nnc ${expect.version} (build ${expect.build.slice(0, 12)}); run workers of the same nnc build as the submitter`,
    );
  }
  const parsed = payloadSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`);
    throw new JobRefused(`refused: the job's payload is malformed (${first.join("; ")}); it was not submitted by \`nnc train --queue\``);
  }
  const payload = parsed.data;
  if (payload.queue !== expect.queue) throw new JobRefused(`refused: the job names queue "${payload.queue}" but this worker serves "${expect.queue}"`);
  if (!(payload.file in payload.sources)) throw new JobRefused(`refused: the job's file ${payload.file} is not among its sources`);
  if (payload.part.index >= payload.part.count) throw new JobRefused(`refused: the job's part ${payload.part.index + 1} of ${payload.part.count} does not exist`);
  return payload;
}
