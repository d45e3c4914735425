/** `nnc check FILES… [--format json]`: reports every diagnostic; exit 1 when there is an error. */
import { closeSync, constants, openSync, readdirSync, statSync, type Dirent, type Stats } from "node:fs";
import { join } from "node:path";
import { checkProgram } from "../check/check.js";
import { hasErrors, type Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnosticsToJson } from "../diagnostics/json.js";
import { renderDiagnostics, renderSummary } from "../diagnostics/render.js";
import type { CheckResult } from "../check/check.js";
import { formatOption, parseOptions, UsageError, type CommandIO } from "./io.js";

export function runCheck(args: string[], io: CommandIO): number {
  const { values, positionals } = parseOptions(args, { format: { type: "string" } });
  const format = formatOption(values.format as string | undefined);
  const result = checkProgram(requireFiles(positionals));
  if (format === "json") io.stdout(`${JSON.stringify(diagnosticsToJson(result.diagnostics), null, 2)}\n`);
  else writeDiagnostics(result, io);
  return hasErrors(result.diagnostics) ? 1 : 0;
}

/**
 * The `.nn` files a command is given: files as named, and for commands that take several, the
 * `.nn` files inside a named folder (recursively, sorted; hidden folders and node_modules
 * skipped). A missing path, a file or folder this user may not read, a folder without `.nn` files,
 * or a folder where one file is wanted is a usage error that says what the path holds.
 */
export function requireFiles(paths: readonly string[], max = Infinity): string[] {
  if (paths.length === 0) throw new UsageError(max === 1 ? "name the .nn file" : "name at least one .nn file or folder");
  if (paths.length > max) throw new UsageError(`takes ${max === 1 ? "one file" : `at most ${max} files`}`);
  const files: string[] = [];
  for (const path of paths) {
    let stat: Stats;
    try {
      stat = statSync(path);
    } catch (error) {
      throw unreadable(path, "path", error);
    }
    if (stat.isDirectory()) {
      const inside = nnFilesIn(path);
      if (max === 1) {
        const shown = inside.length ? `; it holds ${inside.slice(0, 5).join(", ")}${inside.length > 5 ? `, … (${inside.length} files)` : ""}` : " with no .nn files";
        throw new UsageError(`\`${path}\` is a folder; this command takes one .nn file${shown}`);
      }
      if (inside.length === 0) throw new UsageError(`\`${path}\` is a folder with no .nn files in it`);
      files.push(...inside);
    } else if (!stat.isFile()) {
      throw new UsageError(`\`${path}\` is not a file (a device, socket or pipe)`);
    } else files.push(path);
  }
  for (const file of files) requireReadable(file);
  return [...new Set(files)];
}

/**
 * A usage error when `path` exists but cannot be opened for reading: the command line named
 * something nnc cannot use, as it does a missing file. (A `use` of such a file is E107, a fault of
 * the source.) Opening does not block: the path was checked to be a file or folder.
 */
function requireReadable(path: string): void {
  try {
    closeSync(openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)));
  } catch (error) {
    throw unreadable(path, "file", error);
  }
}

/** The usage error for `path`, which could not be opened (`file`, `folder`) or looked at (`path`). */
function unreadable(path: string, what: "file" | "folder" | "path", error: unknown): UsageError {
  const code = (error as { code?: unknown } | undefined)?.code;
  const denied = code === "EACCES" || code === "EPERM";
  if (denied && what === "path") {
    // `stat` needs no permission on the path itself, only on the folders that lead to it.
    return new UsageError(`cannot read \`${path}\`: permission denied on a folder that leads to it; give your user access to each folder on the way (\`ls -ld\` shows who may enter one)`);
  }
  if (what === "path" || code === "ENOENT" || code === "ENOTDIR") return new UsageError(`cannot read \`${path}\`: no such file or folder`);
  if (denied) {
    const mode = what === "file" ? "u+r" : "u+rx";
    return new UsageError(`cannot read \`${path}\`: permission denied; give your user read access (\`chmod ${mode} ${path}\` if you own it; \`ls -l\` shows who may read it)`);
  }
  return new UsageError(`cannot read \`${path}\`: ${error instanceof Error ? error.message : String(error)}`);
}

/** The `.nn` files under `dir`, sorted, skipping hidden folders and node_modules. */
function nnFilesIn(dir: string): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      throw unreadable(folder, "folder", error);
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith(".nn")) found.push(path);
    }
  };
  walk(dir);
  return found;
}

/** Prints diagnostics rustc-style on stderr, followed by a one-line count. */
export function writeDiagnostics(result: Pick<CheckResult, "diagnostics" | "program">, io: CommandIO): void {
  const diagnostics: readonly Diagnostic[] = result.diagnostics;
  if (diagnostics.length === 0) return;
  const source = (file: string): string | undefined => result.program.units.get(file)?.text;
  io.stderr(renderDiagnostics(diagnostics, source, { color: io.color }));
  const summary = renderSummary(diagnostics);
  if (summary) io.stderr(`${summary}\n`);
}
