/** `nnc check FILES… [--format json]`: reports every diagnostic; exit 1 when there is an error. */
import { existsSync, readdirSync, statSync } from "node:fs";
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
 * skipped). A missing path, a folder without `.nn` files, or a folder where one file is wanted
 * is a usage error that says what the path holds.
 */
export function requireFiles(paths: readonly string[], max = Infinity): string[] {
  if (paths.length === 0) throw new UsageError(max === 1 ? "name the .nn file" : "name at least one .nn file or folder");
  if (paths.length > max) throw new UsageError(`takes ${max === 1 ? "one file" : `at most ${max} files`}`);
  const files: string[] = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new UsageError(`cannot read \`${path}\`: no such file or folder`);
    const stat = statSync(path);
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
  return [...new Set(files)];
}

/** The `.nn` files under `dir`, sorted, skipping hidden folders and node_modules. */
function nnFilesIn(dir: string): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
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
