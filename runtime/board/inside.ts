/**
 * The board's one rule for paths: it reads only below its folder. A path is resolved with every
 * symbolic link followed, and refused unless the result is the folder or lies under it, so `..`,
 * absolute paths and links that point elsewhere all end the same way. Of what lies there, it reads
 * regular files only.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, realpathSync } from "node:fs";
import { sep } from "node:path";
import type { ReadText } from "../report/run-data.js";

/** The real path of `path` when it lies under `root` (itself a real path), else null. */
export function realPathInside(root: string, path: string): string | null {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return null;
  }
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep) ? real : null;
}

/**
 * Opens `path` for reading when it is a regular file, else returns null. A named pipe (FIFO) in
 * the folder would block an ordinary open until something writes to it, and with it the whole
 * server, Ctrl-C included: the open does not wait, and only a regular file is read.
 */
export function openRegularFile(path: string): number | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    if (fstatSync(fd).isFile()) return fd;
  } catch {
    // Treated as missing.
  }
  closeSync(fd);
  return null;
}

/** A file reader that returns null for a file outside `root`, or not a regular file, as for a missing one. */
export function readerInside(root: string): ReadText {
  return (path) => {
    const real = realPathInside(root, path);
    if (real === null) return null;
    const fd = openRegularFile(real);
    if (fd === null) return null;
    try {
      return readFileSync(fd, "utf8");
    } catch {
      return null;
    } finally {
      closeSync(fd);
    }
  };
}

/**
 * A run id from the segments of a request's path (`["search", "trial-03"]`), each percent-decoded
 * once, or null when one is empty, `.`, `..`, or holds a slash, a backslash or NUL after decoding.
 */
export function runIdFromSegments(segments: readonly string[]): string | null {
  const decoded: string[] = [];
  for (const segment of segments) {
    let name: string;
    try {
      name = decodeURIComponent(segment);
    } catch {
      return null;
    }
    if (name === "" || name === "." || name === ".." || /[/\\\0]/.test(name)) return null;
    decoded.push(name);
  }
  return decoded.length ? decoded.join("/") : null;
}
