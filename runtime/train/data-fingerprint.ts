/**
 * What a checkpoint records of the data it was trained on, so a run does not resume on other data:
 * a hash of the examples actually trained and validated on (after normalization and `expand`: the
 * arrays the steps read), and the size and modification time of each data file read. The hash
 * decides; the files' stamps say what changed. A file that was only touched or copied (same
 * content, new mtime) resumes; content replaced with the same size and mtime does not.
 */
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { relative } from "node:path";
import type { DataSplits, Examples } from "../data/examples.js";
import type { DataFileStamp } from "../data/user-files.js";

export interface DataFingerprint {
  readonly hash: string;
  readonly files: readonly DataFileStamp[];
}

function hashExamples(hash: ReturnType<typeof createHash>, part: string, examples: Examples | null): void {
  hash.update(`${part}:${examples?.count ?? "none"};`);
  if (!examples) return;
  for (const column of [...examples.inputs, ...examples.targets]) {
    hash.update(`[${column.shape.join(",")}]${"classes" in column && column.classes ? JSON.stringify(column.classes) : ""};`);
    // The floats' bytes, in place (no copy).
    hash.update(new Uint8Array(column.values.buffer, column.values.byteOffset, column.values.byteLength));
  }
}

/** The fingerprint of the training and validation parts a run trains on (the test part does not change training). */
export function dataFingerprint(data: DataSplits): DataFingerprint {
  const hash = createHash("sha256");
  hashExamples(hash, "train", data.train);
  hashExamples(hash, "validation", data.validation);
  return { hash: hash.digest("hex"), files: data.files ?? [] };
}

const shown = (path: string) => {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") ? rel : path;
};

/** How the files a checkpoint recorded differ now: `iris.csv: 4551 → 4602 bytes`, or "" when they look the same. */
export function describeDataChange(saved: DataFingerprint, now: DataFingerprint | null): string {
  const changes: string[] = [];
  const current = new Map((now?.files ?? []).map((f) => [f.path, f]));
  for (const file of saved.files) {
    let stamp: DataFileStamp | undefined = current.get(file.path);
    if (!stamp) {
      try {
        const stat = statSync(file.path);
        stamp = { path: file.path, size: stat.size, mtimeMs: stat.mtimeMs };
      } catch {
        changes.push(`${shown(file.path)} is gone`);
        continue;
      }
    }
    if (stamp.size !== file.size) changes.push(`${shown(file.path)}: ${file.size} → ${stamp.size} bytes`);
    else if (stamp.mtimeMs !== file.mtimeMs) changes.push(`${shown(file.path)} modified ${new Date(stamp.mtimeMs).toISOString()}`);
  }
  const added = (now?.files ?? []).filter((f) => !saved.files.some((s) => s.path === f.path));
  if (added.length) changes.push(`${added.length} file${added.length === 1 ? "" : "s"} read now that were not (${added.slice(0, 2).map((f) => shown(f.path)).join(", ")}${added.length > 2 ? ", …" : ""})`);
  if (changes.length === 0) return "";
  return ` (${changes.slice(0, 3).join("; ")}${changes.length > 3 ? `; and ${changes.length - 3} more` : ""})`;
}
