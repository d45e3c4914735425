/**
 * A part's folder travels through Redis: the worker copies it into one hash per job (file path →
 * bytes) at every checkpoint and when the part ends; the submitter writes it into its run folder,
 * and a worker taking over a killed worker's job starts from it. Paths inside `.json` files are
 * written relative to the run folder and the submitter's folder (`<nnc:run>`, `<nnc:root>`), so a
 * folder reads the same on every machine.
 *
 * Limits: one file at most 512 MB (Redis's limit for one value); Redis must hold every unfinished
 * part's folder at once (for the lectures' networks, a few MB each). A run's hashes are removed
 * when the submitter has written the whole run.
 */
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { Redis } from "ioredis";
import { makeFolder, writeFileAtomic } from "../core/atomic.js";

/** Redis's limit for one value. */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

const RUN = "<nnc:run>";
const ROOT = "<nnc:root>";

/** Where a folder's paths point on this machine. */
export interface Places {
  /** The run folder (the parts' folders are under it). */
  readonly runDir: string;
  /** The folder the training's source paths are relative to. */
  readonly root: string;
}

export class ArtifactError extends Error {
  override name = "ArtifactError";
}

/** The Redis key of a job's folder. */
export function filesKey(queue: string, jobId: string): string {
  return `nnc:${queue}:files:${jobId}`;
}

/** Replaces `from` at the start of every string (as a whole path segment) by `to`, in a JSON value. */
function relocate(value: unknown, pairs: readonly (readonly [string, string])[]): unknown {
  if (typeof value === "string") {
    for (const [from, to] of pairs) if (value === from || value.startsWith(from + "/") || value.startsWith(from + sep)) return to + value.slice(from.length);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => relocate(v, pairs));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, relocate(v, pairs)]));
  return value;
}

function relocateFile(path: string, bytes: Buffer, pairs: readonly (readonly [string, string])[]): Buffer {
  if (!path.endsWith(".json")) return bytes;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch {
    return bytes;
  }
  const moved = relocate(parsed, pairs);
  if (JSON.stringify(moved) === JSON.stringify(parsed)) return bytes;
  const text = bytes.toString("utf8");
  return Buffer.from(JSON.stringify(moved, null, /^\{\n\s/.test(text) ? 2 : undefined) + (text.endsWith("\n") ? "\n" : ""));
}

/** The same, for a JSON value sent with the job's result (its outcome). */
export function portable<T>(value: T, here: Places): T {
  return relocate(value, [[resolve(here.runDir), RUN], [resolve(here.root), ROOT]]) as T;
}

export function localized<T>(value: T, here: Places): T {
  return relocate(value, [[RUN, resolve(here.runDir)], [ROOT, resolve(here.root)]]) as T;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      // Temporary files of a write in progress are not part of the folder.
      else if (entry.isFile() && !/^\..+\.\d+\.\d+\.tmp$/.test(entry.name)) out.push(path);
    }
  };
  walk(dir);
  return out.sort();
}

/** Copies the files under `here.runDir` into the job's hash, replacing what it held, in one transaction. */
export async function uploadFolder(redis: Redis, key: string, here: Places): Promise<number> {
  const fields: (string | Buffer)[] = [];
  let bytes = 0;
  for (const path of filesUnder(here.runDir)) {
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES) throw new ArtifactError(`${path} is ${size} bytes; a file sent through the queue may have at most ${MAX_FILE_BYTES} (Redis's limit for one value)`);
    const rel = relative(here.runDir, path).split(sep).join("/");
    const content = relocateFile(rel, readFileSync(path), [[resolve(here.runDir), RUN], [resolve(here.root), ROOT]]);
    fields.push(rel, content);
    bytes += content.length;
  }
  const multi = redis.multi().del(key);
  if (fields.length > 0) multi.hset(key, ...fields);
  const results = await multi.exec();
  const failed = results?.find(([error]) => error);
  if (failed) throw new ArtifactError(`copying the folder to the queue failed: ${failed[0]!.message}`);
  return bytes;
}

/** A path from a job's hash, checked: relative, inside `prefix`, no `..`. */
function safePath(rel: string, prefix: string): string {
  const parts = rel.split("/");
  if (rel.startsWith("/") || rel.includes("\\") || rel.includes("\0") || parts.some((p) => p === "" || p === "." || p === "..") || !rel.startsWith(prefix + "/")) {
    throw new ArtifactError(`the queue holds a file ${JSON.stringify(rel)} outside the part's folder ${prefix}/; not written`);
  }
  return rel;
}

/**
 * Writes the job's files under `here.runDir` (each file written whole, then renamed into place),
 * only inside the part's folder `prefix` (`trial-03`), after removing what that folder held.
 * Returns the number of files (0: the queue holds none for the job).
 */
export async function downloadFolder(redis: Redis, key: string, prefix: string, here: Places): Promise<number> {
  const entries = Object.entries(await redis.hgetallBuffer(key));
  if (entries.length === 0) return 0;
  const files = entries.map(([rel, bytes]) => [safePath(rel, prefix), bytes] as const);
  rmSync(join(here.runDir, prefix), { recursive: true, force: true });
  for (const [rel, bytes] of files) {
    const path = join(here.runDir, ...rel.split("/"));
    makeFolder(dirname(path));
    writeFileAtomic(path, relocateFile(rel, bytes, [[RUN, resolve(here.runDir)], [ROOT, resolve(here.root)]]));
  }
  return files.length;
}
