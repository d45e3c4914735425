/**
 * Writes a file so that a reader (or a crash) sees either the old content or the new, never a torn
 * one: write a temporary file beside the target, flush it, then rename it over the target.
 *
 * Every write error names the file and what happened (`WriteError`: "cannot write
 * runs/x/weights.bin: the disk is full (ENOSPC)"), not the system call. A process killed during a
 * write leaves its temporary file (`.<name>.<pid>.<ms>.tmp`); `removeStaleTempFiles` removes those of
 * writers that are gone when a run starts in the folder again.
 */
import { accessSync, appendFileSync, closeSync, constants, existsSync, fchmodSync, fchownSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";

/** A file or folder that could not be written, with the file named and the cause in words. */
export class WriteError extends Error {
  override readonly name = "WriteError";
  constructor(
    readonly path: string,
    /** The system's error code (ENOSPC, EROFS, EACCES, …), when there is one. */
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The path as the user would type it: relative to the working folder when inside it. */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel && !rel.startsWith("..") ? rel : resolve(path);
}

function codeOf(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

/** The closest existing folder at or above `path`. */
function existingAncestor(path: string): string {
  let dir = resolve(path);
  while (!existsSync(dir)) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
}

/** Why `path` cannot be written, in words: "the disk is full (ENOSPC)". */
function cause(path: string, error: unknown): { code: string | undefined; words: string } {
  let code = codeOf(error);
  // A folder that cannot be made on a read-only mount is reported as ENOENT by a recursive mkdir:
  // ask the closest existing folder why.
  if (code === "ENOENT" || code === "EROFS" || code === "EACCES" || code === "EPERM") {
    const ancestor = existingAncestor(dirname(path));
    try {
      accessSync(ancestor, constants.W_OK);
    } catch (probe) {
      const why = codeOf(probe);
      if (why === "EROFS") return { code: why, words: `${shownPath(ancestor)} is on a read-only file system (EROFS)` };
      if (why === "EACCES" || why === "EPERM") code = code === "ENOENT" ? why : code;
    }
  }
  switch (code) {
    case "ENOSPC":
      return { code, words: "the disk is full (ENOSPC)" };
    case "EDQUOT":
      return { code, words: "the disk quota is exceeded (EDQUOT)" };
    case "EROFS":
      return { code, words: "the file system is read-only (EROFS)" };
    case "EACCES":
    case "EPERM":
      return { code, words: `permission denied (${code})` };
    case "ENOTDIR":
      return { code, words: "a part of the path is a file, not a folder (ENOTDIR)" };
    case "EISDIR":
      return { code, words: "it is a folder (EISDIR)" };
    case "ENOENT":
      return { code, words: "its folder does not exist and cannot be made (ENOENT)" };
    case "EIO":
      return { code, words: "an input/output error of the disk (EIO)" };
    default: {
      const message = error instanceof Error ? error.message : String(error);
      return { code, words: code ? `${message.replace(/^[A-Z]+: /, "").split(",")[0]} (${code})` : message };
    }
  }
}

/** The `WriteError` for `error` met writing `path` (`what`: "write", "create the folder"). */
export function writeError(path: string, error: unknown, what = "write"): WriteError {
  if (error instanceof WriteError) return error;
  const { code, words } = cause(path, error);
  return new WriteError(path, code, `cannot ${what} ${shownPath(path)}: ${words}`);
}

/** `mkdir -p`, with a `WriteError` naming the folder. */
export function makeFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw writeError(dir, error, "create the folder");
  }
}

/** `makeFolder`, then a check that files can be made in it: a read-only folder fails before any work. */
export function makeWritableFolder(dir: string): void {
  makeFolder(dir);
  try {
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw writeError(join(dir, "."), error, "write in the folder");
  }
}

/** Appends to a file (not atomic: a log such as metrics.jsonl), with a `WriteError` naming it. */
export function appendToFile(path: string, text: string): void {
  try {
    appendFileSync(path, text);
  } catch (error) {
    throw writeError(path, error);
  }
}

const TEMP = /^\.(.+)\.(\d+)\.(\d+)\.tmp$/;

/** Whether `name` is the temporary file of an atomic write (this module's own naming). */
export function isTempFileName(name: string): boolean {
  return TEMP.test(name);
}

/**
 * What a rewrite keeps of the file it replaces (its `stat`): the permission bits, and the owner when
 * the process may give the file to it. A new file would get the process's defaults instead, which
 * may let others read a file that was private.
 */
export interface KeptAttributes {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

export function writeFileAtomic(path: string, content: string | Uint8Array, keep?: KeptAttributes): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    // Created no more open than the file it replaces, then given its exact bits before any byte is written.
    const fd = keep ? openSync(temp, "w", keep.mode & 0o777) : openSync(temp, "w");
    try {
      if (keep) {
        if (keep.uid !== process.getuid?.() || keep.gid !== process.getgid?.()) {
          try {
            fchownSync(fd, keep.uid, keep.gid);
          } catch {
            // Only root may give a file away: the rewrite is then the writer's, with the same bits.
          }
        }
        // After the owner: a change of owner clears the set-id bits.
        fchmodSync(fd, keep.mode & 0o7777);
      }
      const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
      // writeSync may write less than asked (a full disk stops it short): write the rest, or fail.
      for (let done = 0; done < bytes.byteLength; ) done += writeSync(fd, bytes, done, bytes.byteLength - done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // The temporary file was never made (its folder is not one): the write's error says why.
    }
    throw writeError(path, error);
  }
}

/** When the process with this id started (ms since the epoch), on Linux; undefined elsewhere. */
function processStart(pid: number): number | undefined {
  if (pid === process.pid) return Date.now() - process.uptime() * 1000;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 22 (starttime, in clock ticks since boot) follows the command name in parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[19]);
    const boot = Number(/^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))?.[1]);
    // Linux's USER_HZ is 100 on every architecture Node runs on.
    return Number.isFinite(ticks) && Number.isFinite(boot) ? boot * 1000 + ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === "EPERM";
  }
}

/**
 * Removes, in `dir` only, the temporary files `writeFileAtomic` leaves when its process is killed
 * during a write: files named `.<name>.<pid>.<ms>.tmp` whose writer is gone. A writer is gone when
 * no process has that id, or when the process with that id started after the file was made (the id
 * was reused, as after a restart). A file of a process that is alive and older than the file, or
 * whose start cannot be told, is kept: it may be a write in progress. Returns the names removed.
 */
export function removeStaleTempFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMP.exec(name);
    if (!match) continue;
    const pid = Number(match[2]);
    const made = Number(match[3]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || !Number.isSafeInteger(made)) continue;
    let gone = !alive(pid);
    if (!gone) {
      const started = processStart(pid);
      // One second of slack for the clocks of the two readings.
      gone = started !== undefined && started > made + 1000;
    }
    if (!gone) continue;
    try {
      rmSync(join(dir, name), { force: true });
      removed.push(name);
    } catch {
      // Another starting run removed it first, or it cannot be removed: it is only garbage.
    }
  }
  return removed;
}
