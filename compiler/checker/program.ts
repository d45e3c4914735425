/**
 * A program is the set of files reachable from the files named on the command line through `use`,
 * each parsed once, plus what every file can see: its own blocks and models and those of the files
 * it uses directly (not transitively). Reports E106 for `use` cycles, E107 for missing files (and for
 * paths that are not regular files, or are larger than `MAX_SOURCE_BYTES`) and E101 for a name
 * declared twice in one scope.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { dirname, resolve } from "node:path";
import type { BlockDecl, ModelDecl, SourceFile, TrainDecl, UseDecl } from "../../grammar/ast.js";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { parse, type ParseResult } from "../../grammar/parse.js";
import { LAYERS } from "../layers/registry.js";

/** Reads source files; the CLI reads the disk, the language server its open documents. */
export interface SourceHost {
  /**
   * The file's text; undefined when it does not exist; an `UnreadableSource` when it exists but is
   * not a source nnc reads (a folder, a device, a FIFO, a file over `MAX_SOURCE_BYTES`, …).
   */
  readFile(path: string): SourceText;
  /** Parses a file's text; a host may reuse the result for an unchanged text (the default parses). */
  parse?(text: string, path: string): ParseResult;
}

export interface SourceUnit {
  readonly path: string;
  readonly text: string;
  readonly ast: SourceFile;
}

/** Why a path that exists cannot be read as a source: the clause after "cannot read PATH: ". */
export interface UnreadableSource {
  readonly problem: string;
}

/** What a `SourceHost` reads: the text, undefined for a missing file, or why the file cannot be read. */
export type SourceText = string | undefined | UnreadableSource;

/**
 * The most a source file may hold, in bytes (8 MB of 2^20 bytes). A `.nn` file is a few kilobytes;
 * the cap keeps `use "/dev/zero"`-like mistakes and huge generated files from exhausting memory.
 */
export const MAX_SOURCE_BYTES = 8 * 1024 * 1024;

/** "8 MB", "12.5 MB" (units of 2^20 bytes), or "500 bytes" under a megabyte: a size as messages write it. */
export function formatMegabytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${bytes} bytes`;
  const mb = bytes / (1024 * 1024);
  const text = mb >= 100 ? String(Math.round(mb)) : mb.toFixed(1).replace(/\.0$/, "");
  return `${text} MB`;
}

function tooLarge(bytes: number | undefined, maxBytes: number): UnreadableSource {
  const size = bytes === undefined || formatMegabytes(bytes) === formatMegabytes(maxBytes) ? `more than ${formatMegabytes(maxBytes)}` : formatMegabytes(bytes);
  return { problem: `it is ${size}; a \`.nn\` file nnc reads is at most ${formatMegabytes(maxBytes)}` };
}

/** "a folder", "a character device", …: what a path that is not a regular file is. */
function describeKind(stats: Stats): string {
  if (stats.isDirectory()) return "a folder";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isSocket()) return "a socket";
  return "not a regular file";
}

/** Error codes that mean "there is no such file" (E107's "cannot find"). */
const NOT_FOUND = new Set(["ENOENT", "ENOTDIR", "ERR_INVALID_ARG_VALUE", "ERR_INVALID_ARG_TYPE"]);

const ERROR_TEXT: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  ELOOP: "too many symbolic links",
  ENAMETOOLONG: "the path is too long",
  EIO: "input/output error",
  EISDIR: "it is a folder, not a file",
  EAGAIN: "it is not ready to be read",
};

/**
 * Reads a source file from the disk. Stats the path before opening it, so a folder, a FIFO, a device
 * or a socket is never opened (a FIFO would block, `/dev/zero` never ends), and a regular file over
 * `maxBytes` is never read; then opens it without blocking, checks again that it is a regular file
 * (it may have been replaced since), and reads at most `maxBytes + 1` bytes whatever `stat` said its
 * size is (files under /proc say 0).
 */
export function readSourceFile(path: string, maxBytes = MAX_SOURCE_BYTES): SourceText {
  const unreadable = (error: unknown): SourceText => {
    const code = (error as { code?: unknown } | undefined)?.code;
    if (typeof code === "string" && NOT_FOUND.has(code)) return undefined;
    const text = typeof code === "string" ? (ERROR_TEXT[code] ?? code) : error instanceof Error ? error.message : String(error);
    return { problem: text };
  };
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    return unreadable(error);
  }
  if (!stats.isFile()) return { problem: `it is ${describeKind(stats)}, not a file` };
  if (stats.size > maxBytes) return tooLarge(stats.size, maxBytes);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return unreadable(error);
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) return { problem: `it is ${describeKind(opened)}, not a file` };
    if (opened.size > maxBytes) return tooLarge(opened.size, maxBytes);
    // One byte more than the cap tells a file at the cap from a larger one.
    const limit = maxBytes + 1;
    let buffer = Buffer.allocUnsafe(Math.min(limit, Math.max(opened.size + 1, 64 * 1024)));
    let got = 0;
    for (;;) {
      if (got === buffer.length) {
        if (buffer.length >= limit) break;
        const larger = Buffer.allocUnsafe(Math.min(limit, buffer.length * 2));
        buffer.copy(larger, 0, 0, got);
        buffer = larger;
      }
      const n = readSync(fd, buffer, got, buffer.length - got, got);
      if (n === 0) break;
      got += n;
    }
    if (got > maxBytes) return tooLarge(undefined, maxBytes);
    return buffer.toString("utf8", 0, got);
  } catch (error) {
    return unreadable(error);
  } finally {
    closeSync(fd);
  }
}

/** A path as messages quote it: JSON-quoted, its middle left out when it is very long. */
function quotePath(path: string): string {
  const MAX = 200;
  return JSON.stringify(path.length <= MAX ? path : `${path.slice(0, MAX / 2)}…${path.slice(-MAX / 2)}`);
}

/** A block or model together with the file it is declared in. */
export interface Declared<T> {
  readonly decl: T;
  readonly file: string;
}

/** The names a file can see. */
export interface FileScope {
  readonly blocks: ReadonlyMap<string, Declared<BlockDecl>>;
  readonly models: ReadonlyMap<string, Declared<ModelDecl>>;
}

export interface Program {
  /** Every file, keyed by its path as given (roots) or resolved from a `use`. */
  readonly units: ReadonlyMap<string, SourceUnit>;
  /** The files named by the caller, in order. */
  readonly roots: readonly string[];
  readonly scopes: ReadonlyMap<string, FileScope>;
  /** The file each `use` declaration resolved to (absent when it was not found). */
  readonly usedFiles: ReadonlyMap<UseDecl, string>;
}

/** Parses `roots` and every file they use; reports syntax, `use`, and duplicate-name problems. */
export function loadProgram(roots: readonly string[], host: SourceHost, report: (d: Diagnostic) => void): Program {
  const units = new Map<string, SourceUnit>();
  const usedFiles = new Map<UseDecl, string>();
  /** Reads and parses one file (not the files it uses); undefined when missing, or why it cannot be read. */
  const read = (path: string): SourceUnit | UnreadableSource | undefined => {
    const text = host.readFile(path);
    if (text === undefined || typeof text !== "string") return text;
    const { file, diagnostics } = (host.parse ?? parse)(text, path);
    diagnostics.forEach(report);
    const unit = { path, text, ast: file };
    units.set(path, unit);
    return unit;
  };
  /**
   * A file and, depth first, every file it reaches through `use`. The walk keeps its own stack: a
   * chain of `use`s as long as the input makes must not exhaust the call stack.
   */
  const load = (path: string): SourceUnit | UnreadableSource | undefined => {
    const first = units.get(path) ?? read(path);
    if (!first || "problem" in first || units.get(path) !== first) return first;
    const stack: { unit: SourceUnit; next: number }[] = [{ unit: first, next: 0 }];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      const decls = frame.unit.ast.decls;
      while (frame.next < decls.length && decls[frame.next].kind !== "Use") frame.next++;
      if (frame.next >= decls.length) {
        stack.pop();
        continue;
      }
      const decl = decls[frame.next++] as UseDecl;
      const target = resolveUse(frame.unit.path, decl.path.value);
      const known = units.get(target);
      const used = known ?? read(target);
      if (used && "problem" in used) {
        report(
          diagnostic({
            code: "E107",
            file: frame.unit.path,
            range: decl.path.range,
            message: `cannot read ${quotePath(decl.path.value)}: ${used.problem}`,
            label: target === decl.path.value ? undefined : `resolved to ${target.length <= 200 ? target : quotePath(target)}`,
            help: "`use` names a `.nn` file",
          }),
        );
        continue;
      }
      if (!used) {
        report(
          diagnostic({
            code: "E107",
            file: frame.unit.path,
            range: decl.path.range,
            message: `cannot find the file ${JSON.stringify(decl.path.value)}`,
            label: `looked for ${target}`,
            help: "paths in `use` are relative to the file that contains them",
          }),
        );
        continue;
      }
      usedFiles.set(decl, target);
      if (!known) stack.push({ unit: used, next: 0 });
    }
    return first;
  };
  for (const root of roots) {
    const loaded = load(root);
    if (loaded && "problem" in loaded) {
      const start = { line: 1, column: 1, offset: 0 };
      report(diagnostic({ code: "E107", file: root, range: { start, end: start }, message: `cannot read ${quotePath(root)}: ${loaded.problem}` }));
    }
  }

  reportUseCycles(units, usedFiles, report);
  const scopes = new Map<string, FileScope>();
  for (const unit of units.values()) scopes.set(unit.path, buildScope(unit, units, usedFiles, report));
  for (const unit of units.values()) reportDuplicateTrainings(unit, report);
  return { units, roots, scopes, usedFiles };
}

/** Resolves a `use` path against the directory of the file that contains it. */
export function resolveUse(fromFile: string, usePath: string): string {
  return programPath(resolve(dirname(fromFile), usePath));
}

/** How the program names a file at an absolute path: relative to the working directory when inside it, so messages stay short. */
export function programPath(absolute: string): string {
  const cwd = process.cwd();
  return absolute.startsWith(`${cwd}/`) ? absolute.slice(cwd.length + 1) : absolute;
}

function reportUseCycles(
  units: ReadonlyMap<string, SourceUnit>,
  usedFiles: ReadonlyMap<UseDecl, string>,
  report: (d: Diagnostic) => void,
): void {
  // Depth first with a stack of its own (a chain of `use`s may be as long as the input makes it);
  // `chain` is the path from the walk's start to the file on top, so a cycle can be named.
  const state = new Map<string, "active" | "done">();
  const uses = (path: string) => (units.get(path)?.ast.decls ?? []).filter((d): d is UseDecl => d.kind === "Use");
  for (const start of units.keys()) {
    if (state.has(start)) continue;
    const chain: string[] = [start];
    const stack: { path: string; decls: UseDecl[]; next: number }[] = [{ path: start, decls: uses(start), next: 0 }];
    state.set(start, "active");
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (frame.next >= frame.decls.length) {
        state.set(frame.path, "done");
        stack.pop();
        chain.pop();
        continue;
      }
      const decl = frame.decls[frame.next++];
      const target = usedFiles.get(decl);
      if (!target) continue;
      if (state.get(target) === "active") {
        const cycle = [...chain.slice(chain.indexOf(target)), target];
        report(
          diagnostic({
            code: "E106",
            file: frame.path,
            range: decl.range,
            message: `\`use\` cycle: ${cycle.join(" → ")}`,
            help: "move what both files need into a third file that both use",
          }),
        );
      } else if (!state.has(target)) {
        state.set(target, "active");
        chain.push(target);
        stack.push({ path: target, decls: uses(target), next: 0 });
      }
    }
  }
}

function buildScope(
  unit: SourceUnit,
  units: ReadonlyMap<string, SourceUnit>,
  usedFiles: ReadonlyMap<UseDecl, string>,
  report: (d: Diagnostic) => void,
): FileScope {
  const blocks = new Map<string, Declared<BlockDecl>>();
  const models = new Map<string, Declared<ModelDecl>>();
  const seen = new Map<string, { file: string; decl: BlockDecl | ModelDecl }>();
  const declare = (decl: BlockDecl | ModelDecl, file: string, via?: UseDecl): void => {
    const name = decl.name.name;
    if (name === "") return;
    const earlier = seen.get(name);
    if (earlier) {
      if (earlier.decl === decl) return;
      const here = via ? { range: via.range, what: `\`${name}\` from ${file}` } : { range: decl.name.range, what: `\`${name}\`` };
      report(
        diagnostic({
          code: "E101",
          file: unit.path,
          range: here.range,
          message: `${here.what} is declared twice`,
          labels: [{ file: earlier.file, range: earlier.decl.name.range, message: "first declared here" }],
          help: "rename one of them",
        }),
      );
      return;
    }
    if (!via && decl.kind === "Block" && LAYERS.has(name)) {
      report(
        diagnostic({
          code: "E101",
          file: unit.path,
          range: decl.name.range,
          message: `block \`${name}\` has the name of a built-in layer`,
          help: `rename the block, e.g. \`${name[0].toUpperCase()}${name.slice(1)}Block\``,
        }),
      );
      return;
    }
    seen.set(name, { file, decl });
    if (decl.kind === "Block") blocks.set(name, { decl, file });
    else models.set(name, { decl, file });
  };
  for (const decl of unit.ast.decls) if (decl.kind === "Block" || decl.kind === "Model") declare(decl, unit.path);
  for (const decl of unit.ast.decls) {
    if (decl.kind !== "Use") continue;
    const target = usedFiles.get(decl);
    const used = target ? units.get(target) : undefined;
    for (const d of used?.ast.decls ?? []) if (d.kind === "Block" || d.kind === "Model") declare(d, used!.path, decl);
  }
  return { blocks, models };
}

/** A file that trains one model twice must label the trainings; labels are unique. */
function reportDuplicateTrainings(unit: SourceUnit, report: (d: Diagnostic) => void): void {
  const byName = new Map<string, TrainDecl>();
  for (const decl of unit.ast.decls) {
    if (decl.kind !== "Train" || decl.model.name === "") continue;
    const name = trainingName(decl);
    const earlier = byName.get(name);
    if (!earlier) {
      byName.set(name, decl);
      continue;
    }
    report(
      diagnostic({
        code: "E101",
        file: unit.path,
        range: decl.label?.range ?? decl.model.range,
        message: decl.label ? `training label \`${name}\` is used twice` : `model \`${name}\` is trained twice without labels`,
        labels: [{ file: unit.path, range: (earlier.label ?? earlier.model).range, message: "first training here" }],
        help: decl.label ? "give each training its own label" : `label the trainings: \`train fast: ${name} { … }\``,
      }),
    );
  }
}

/** The name a training is known by: its label, or its model's name. */
export function trainingName(decl: TrainDecl): string {
  return decl.label?.name ?? decl.model.name;
}
