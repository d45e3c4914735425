/** `nnc check FILES… [--format json]`: reports every diagnostic; exit 1 when there is an error. */
import { existsSync } from "node:fs";
import { checkProgram } from "../check.js";
import { hasErrors, type Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnosticsToJson } from "../diagnostics/json.js";
import { renderDiagnostics, renderSummary } from "../diagnostics/render.js";
import type { CheckResult } from "../check.js";
import { formatOption, parseOptions, UsageError, type CommandIO } from "./io.js";

export function runCheck(args: string[], io: CommandIO): number {
  const { values, positionals } = parseOptions(args, { format: { type: "string" } });
  const format = formatOption(values.format as string | undefined);
  requireFiles(positionals);
  const result = checkProgram(positionals);
  if (format === "json") io.stdout(`${JSON.stringify(diagnosticsToJson(result.diagnostics), null, 2)}\n`);
  else writeDiagnostics(result, io);
  return hasErrors(result.diagnostics) ? 1 : 0;
}

/** Every file named on the command line must exist; a missing one is a usage error. */
export function requireFiles(paths: readonly string[], max = Infinity): void {
  if (paths.length === 0) throw new UsageError("name at least one .nn file");
  if (paths.length > max) throw new UsageError(`takes ${max === 1 ? "one file" : `at most ${max} files`}`);
  for (const path of paths) if (!existsSync(path)) throw new UsageError(`cannot read \`${path}\`: no such file`);
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
