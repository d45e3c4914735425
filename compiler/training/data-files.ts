/**
 * What `nnc check` may learn about a training's data files without reading them: what is at a path
 * (stat only), and the headers of CSV, IDX and NPY files and of an image folder. A probe reads at
 * most a fixed number of bytes per file:
 *
 *     CSV      the first 64 KiB (the header row; a first row longer than that is not checked)
 *     IDX      the first 1,024 bytes (magic number and up to 255 dimensions: 4 + 4·rank bytes)
 *     NPY      the first 64 KiB (preamble and header dict; a longer header is not checked)
 *     images   the folder and its class folders listed, and the first image's header (at most
 *              512 KiB, runtime/data/image-folder.ts)
 *     JSON     nothing: only whether the file is there
 *
 * A FIFO, a device or a socket is never opened: `stat` says what a path is first.
 *
 * Results are kept for the process, keyed by the absolute path and checked against the stamps
 * (kind, mtime, size, mode, inode) of every path they were read from, so the language server and repeated
 * checks do not read a header twice. Every stamp is taken through a `DataFileAccess`, which the
 * check cache (check-cache.ts) wraps to record what a training's check looked at: when a stamp
 * changes, the training is checked again.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "../../runtime/data/examples.js";
import {
  checkIdxSize,
  checkNpySize,
  csvFirstRow,
  IDX_MAX_HEADER_BYTES,
  npyDataStart,
  parseIdxHeader,
  parseNpyHeader,
  readHead,
  type IdxHeader,
  type NpyHeader,
} from "../../runtime/data/headers.js";
import { probeImageFolder } from "../../runtime/data/image-folder.js";

/** Bytes read from the start of a CSV file, and of an NPY file. */
export const CSV_HEAD_BYTES = 64 * 1024;
export const NPY_HEAD_BYTES = 64 * 1024;

export type PathKind = "missing" | "file" | "folder" | "fifo" | "character device" | "block device" | "socket" | "other" | "unreadable";

export interface PathStat {
  readonly kind: PathKind;
  /** Bytes, for a file. */
  readonly size: number;
  /** Why the path could not be looked at (`unreadable`). */
  readonly reason?: string;
  /** Changes whenever what is at the path changes: its kind, mtime, size, mode or inode (a file replaced by a rename). */
  readonly stamp: string;
}

/** How a check looks at data paths; every probe goes through `stat` for each path it depends on. */
export interface DataFileAccess {
  stat(absolute: string): PathStat;
}

/** The disk, as it is now. */
export const diskDataFiles: DataFileAccess = { stat: statPath };

export function statPath(absolute: string): PathStat {
  try {
    const s = statSync(absolute);
    const kind: PathKind = s.isFile()
      ? "file"
      : s.isDirectory()
        ? "folder"
        : s.isFIFO()
          ? "fifo"
          : s.isCharacterDevice()
            ? "character device"
            : s.isBlockDevice()
              ? "block device"
              : s.isSocket()
                ? "socket"
                : "other";
    return { kind, size: s.size, stamp: `${kind}:${s.mtimeMs}:${s.size}:${s.mode}:${s.ino}` };
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return { kind: "missing", size: 0, stamp: "missing" };
    const reason = describe(error);
    return { kind: "unreadable", size: 0, reason, stamp: `unreadable:${reason}` };
  }
}

/** What reading a file's header gave: a value, a problem the file has, or nothing checkable. */
export type Probe<T> =
  | { readonly kind: "ok"; readonly value: T }
  /** The file contradicts its format; `message` names it as the caller named it. */
  | { readonly kind: "invalid"; readonly message: string }
  /** It could not be opened or listed. */
  | { readonly kind: "unreadable"; readonly reason: string }
  /** Too long a header, or the file changed kind while being read: nothing is said. */
  | { readonly kind: "unknown" };

export type CsvHead = { readonly kind: "row"; readonly cells: readonly string[] } | { readonly kind: "empty" };

/** The first row of a CSV file (`name` is how messages call it). */
export function probeCsv(absolute: string, name: string, access: DataFileAccess): Probe<CsvHead> {
  return remember<CsvHead>(`csv\0${absolute}\0${name}`, access, () =>
    fileProbe<CsvHead>(absolute, access, CSV_HEAD_BYTES, (head, complete) => {
      const row = csvFirstRow(head, complete);
      return row.kind === "unknown" ? { kind: "unknown" } : { kind: "ok", value: row };
    }),
  );
}

/** The header of an IDX file, its size checked against its dimensions. */
export function probeIdx(absolute: string, name: string, access: DataFileAccess): Probe<IdxHeader> {
  return remember<IdxHeader>(`idx\0${absolute}\0${name}`, access, () =>
    fileProbe<IdxHeader>(absolute, access, IDX_MAX_HEADER_BYTES, (head, complete, size) => {
      const header = parseIdxHeader(head, name);
      if (size !== undefined) checkIdxSize(header, size, name);
      return { kind: "ok", value: header };
    }),
  );
}

/** The header of an NPY file, its size checked against its shape. */
export function probeNpy(absolute: string, name: string, access: DataFileAccess): Probe<NpyHeader> {
  return remember<NpyHeader>(`npy\0${absolute}\0${name}`, access, () =>
    fileProbe<NpyHeader>(absolute, access, NPY_HEAD_BYTES, (head, complete, size) => {
      const { dataStart } = npyDataStart(head, name);
      if (dataStart > head.length && !complete) return { kind: "unknown" };
      const header = parseNpyHeader(head, name);
      if (size !== undefined) checkNpySize(header, size, name);
      return { kind: "ok", value: header };
    }),
  );
}

export interface ImageFolderFacts {
  /** The class folders, in class-index order. */
  readonly classes: readonly string[];
  readonly images: number;
  readonly first: { readonly file: string; readonly height: number; readonly width: number };
}

/**
 * An image folder: its class folders and the size of its first image (runtime/data/image-folder.ts),
 * problems naming the folder as `name`.
 */
export function probeImages(absolute: string, name: string, access: DataFileAccess): Probe<ImageFolderFacts> {
  return remember<ImageFolderFacts>(`images\0${absolute}\0${name}`, access, () => {
    const root = access.stat(absolute);
    const deps: Array<readonly [string, string]> = [[absolute, root.stamp]];
    if (root.kind !== "folder") return { deps, value: { kind: "unknown" } };
    let subfolders: string[];
    try {
      subfolders = readdirSync(absolute, { withFileTypes: true })
        .filter((e) => !e.name.startsWith(".") && (e.isDirectory() || e.isSymbolicLink()))
        .map((e) => join(absolute, e.name));
    } catch (error) {
      return { deps, value: { kind: "unreadable", reason: describe(error) } };
    }
    // A class folder gaining or losing an image changes its stamp; the root's covers new classes.
    for (const folder of subfolders) deps.push([folder, access.stat(folder).stamp]);
    const probe = probeImageFolder(absolute);
    if (!probe.ok) return { deps, value: { kind: "invalid", message: probe.problem.split(`"${absolute}"`).join(name) } };
    const firstPath = join(absolute, probe.first.file);
    deps.push([firstPath, access.stat(firstPath).stamp]);
    return { deps, value: { kind: "ok", value: { classes: probe.classes, images: probe.images, first: probe.first } } };
  });
}

/** The names in a folder, of files or of folders, for "did you mean"; empty when it cannot be listed. */
export function namesIn(folder: string, kind: "file" | "folder"): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .filter((e) => (kind === "folder" ? e.isDirectory() : !e.isDirectory()) || e.isSymbolicLink())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------

/** How many probe results the process keeps (the least recently used go first). */
const KEPT = 512;
const kept = new Map<string, { readonly deps: ReadonlyArray<readonly [string, string]>; readonly value: unknown }>();

/** Forgets every kept probe result: the next probes read the files again (tests compare with this). */
export function forgetProbes(): void {
  kept.clear();
}

/**
 * The kept result for `key` while every path it was read from has the stamp it had; else computed
 * (its `deps` stamped before anything is read, so a change while reading shows next time).
 */
function remember<T>(key: string, access: DataFileAccess, compute: () => { deps: ReadonlyArray<readonly [string, string]>; value: Probe<T> }): Probe<T> {
  const found = kept.get(key);
  if (found && found.deps.every(([path, stamp]) => access.stat(path).stamp === stamp)) {
    kept.delete(key);
    kept.set(key, found);
    return found.value as Probe<T>;
  }
  const fresh = compute();
  kept.delete(key);
  kept.set(key, fresh);
  if (kept.size > KEPT) kept.delete(kept.keys().next().value as string);
  return fresh.value;
}

/**
 * Reads the first `cap` bytes of a regular file and gives them to `read`, with whether they are the
 * whole file and the file's size (undefined when `stat` cannot tell it: files under /proc say 0);
 * a DataError `read` throws is the file's problem.
 */
function fileProbe<T>(
  absolute: string,
  access: DataFileAccess,
  cap: number,
  read: (head: Uint8Array, complete: boolean, size: number | undefined) => Probe<T>,
): { deps: ReadonlyArray<readonly [string, string]>; value: Probe<T> } {
  const stat = access.stat(absolute);
  const deps = [[absolute, stat.stamp] as const];
  if (stat.kind !== "file") return { deps, value: { kind: "unknown" } };
  let head: ReturnType<typeof readHead>;
  try {
    head = readHead(absolute, cap);
  } catch (error) {
    return { deps, value: { kind: "unreadable", reason: describe(error) } };
  }
  if (!head) return { deps, value: { kind: "unknown" } };
  const { bytes, complete } = head;
  const size = stat.size >= bytes.length && (!complete || stat.size === bytes.length) ? stat.size : undefined;
  try {
    return { deps, value: read(bytes, complete, size) };
  } catch (error) {
    if (error instanceof DataError) return { deps, value: { kind: "invalid", message: error.message } };
    throw error;
  }
}

function errorCode(error: unknown): unknown {
  return typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
}

function describe(error: unknown): string {
  switch (errorCode(error)) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ELOOP":
      return "too many symbolic links";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
