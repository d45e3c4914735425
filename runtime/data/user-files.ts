/**
 * What the user-file loaders (`idx`, `csv`, `npy`, `json`) share: reading a file relative to the
 * `.nn` file's folder, and shape comparison and printing. What labels mean is decided in targets.ts.
 * Every error is a `DataError` naming the file as the user wrote it, so it can be found in the source.
 */
import { readFileSync, statSync, type Stats } from "node:fs";
import { resolve } from "node:path";
import { DataError } from "./examples.js";
import type { Loading } from "./loading.js";

/** A data file as it was when read: what a checkpoint records to say how its data changed. */
export interface DataFileStamp {
  /** Absolute. */
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** The files read while a step of a `withDataFileLog` loading runs, in order (each once). */
let log: Map<string, DataFileStamp> | null = null;

/**
 * Runs `loading` and returns what it returned with the data files it read (`readDataFile`, images).
 * Files are noted to it only while one of its steps runs, not while it is paused.
 */
export function* withDataFileLog<T>(loading: Loading<T>): Loading<{ readonly value: T; readonly files: readonly DataFileStamp[] }> {
  const mine = new Map<string, DataFileStamp>();
  try {
    for (;;) {
      const outer = log;
      log = mine;
      let step: IteratorResult<void, T>;
      try {
        step = loading.next();
      } finally {
        log = outer;
      }
      if (step.done) return { value: step.value, files: [...mine.values()] };
      yield;
    }
  } finally {
    loading.return(undefined as never);
    if (log) for (const [k, v] of mine) log.set(k, v);
  }
}

/** Notes a data file read (for `withDataFileLog`). */
export function noteDataFile(resolved: string, stat: Pick<Stats, "size" | "mtimeMs">): void {
  log?.set(resolved, { path: resolved, size: stat.size, mtimeMs: stat.mtimeMs });
}

/** Reads a data file; `path` is as written in the `.nn` file, relative to `baseDir`. */
export function readDataFile(path: string, baseDir: string): Buffer {
  const resolved = resolve(baseDir, path);
  try {
    // A device, a FIFO or a folder would be read forever or not at all: only regular files are data.
    const stat = statSync(resolved);
    if (stat.isDirectory()) throw Object.assign(new Error("folder"), { code: "EISDIR" });
    if (!stat.isFile()) throw new DataError(`data file "${path}" (resolved to ${resolved}) is not a regular file (a device, socket or pipe); give a file`);
    noteDataFile(resolved, stat);
    return readFileSync(resolved);
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`cannot read data file "${path}" (resolved to ${resolved}): ${describeError(error)}`);
  }
}

/** What went wrong reading or listing a file, in a few words: "no such file", "permission denied". */
export function describeError(error: unknown): string {
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EISDIR":
      return "it is a folder, not a file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** `[28, 28, 1]`, as shapes are written in the language. */
export function formatShape(dims: readonly number[]): string {
  return `[${dims.join(", ")}]`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Whether data of shape `found` can stand for `expected`: equal, or equal once a trailing channel
 * axis of 1 is added, since files commonly store gray images as [28, 28] where models take [28, 28, 1].
 */
export function fitsShape(found: readonly number[], expected: readonly number[]): boolean {
  return sameShape(found, expected) || sameShape([...found, 1], expected);
}

/** The loaders reject a file with no examples: training on nothing is never what was meant. */
export function requireExamples(count: number, file: string): void {
  if (count === 0) throw new DataError(`${file}: the file holds no examples`);
}
