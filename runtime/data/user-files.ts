/**
 * What the user-file loaders (`idx`, `csv`, `npy`, `json`) share: reading a file relative to the
 * `.nn` file's folder, shape comparison and printing, and turning class labels into one-hot rows.
 * Every error is a `DataError` naming the file as the user wrote it, so it can be found in the source.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DataError, oneHot } from "./examples.js";

/** Reads a data file; `path` is as written in the `.nn` file, relative to `baseDir`. */
export function readDataFile(path: string, baseDir: string): Buffer {
  const resolved = resolve(baseDir, path);
  try {
    return readFileSync(resolved);
  } catch (error) {
    throw new DataError(`cannot read data file "${path}" (resolved to ${resolved}): ${readProblem(error)}`);
  }
}

function readProblem(error: unknown): string {
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

/** Whether every label is a class index (a non-negative integer), the test for "these are classes". */
export function allClassIndices(labels: ArrayLike<number>): boolean {
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (!Number.isInteger(v) || v < 0) return false;
  }
  return true;
}

/**
 * One-hot targets for class labels. Without `classes` the count is the largest label + 1, which
 * needs every label to be a class index first (a negative label would otherwise shrink the count).
 */
export function classTargets(
  labels: ArrayLike<number>,
  classes: number | null,
  describe: (row: number) => string,
): { y: Float32Array; yShape: number[]; classes: number } {
  let n = classes;
  if (n === null) {
    let max = -1;
    for (let i = 0; i < labels.length; i++) {
      const v = labels[i];
      if (!Number.isInteger(v) || v < 0) throw new DataError(`${describe(i)}: label ${v} is not a class index (a non-negative integer)`);
      if (v > max) max = v;
    }
    n = max + 1;
  }
  return { y: oneHot(labels, n, describe), yShape: [n], classes: n };
}

/** The loaders reject a file with no examples: training on nothing is never what was meant. */
export function requireExamples(count: number, file: string): void {
  if (count === 0) throw new DataError(`${file}: the file holds no examples`);
}
