/** `nnc fmt FILES… [--check]`: rewrites files in canonical layout; --check only reports. */
import { statSync } from "node:fs";
import { format } from "../format/format.js";
import { readSourceFile } from "../checker/program.js";
import { writeFileAtomic } from "../../runtime/core/atomic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { requireFiles } from "./check-command.js";
import { parseOptions, type CommandIO } from "./io.js";

export function runFmt(args: string[], io: CommandIO): number {
  const { values, positionals } = parseOptions(args, { check: { type: "boolean" } });
  let status = 0;
  for (const path of requireFiles(positionals)) {
    // Read as `nnc check` reads sources: a folder, a device or a huge file is a message, not a crash.
    const text = readSourceFile(path);
    if (typeof text !== "string") {
      io.stderr(`nnc fmt: cannot read \`${path}\`: ${text?.problem ?? "no such file"}\n`);
      status = 1;
      continue;
    }
    const result = format(text, path);
    if (result.diagnostics.some((d) => d.severity === "error")) {
      // A file with syntax errors is left untouched: formatting it could lose what the user wrote.
      io.stderr(renderDiagnostics(result.diagnostics, () => text, { color: io.color }));
      io.stderr(`nnc fmt: ${path} has syntax errors; not formatted\n`);
      status = 1;
      continue;
    }
    if (result.text === text) continue;
    if (values.check) {
      io.stdout(`${path}: not formatted\n`);
      status = 1;
      continue;
    }
    try {
      // The rewrite keeps the file's permissions (and owner): `chmod 600` stays 600.
      writeFileAtomic(path, result.text, statSync(path));
    } catch (error) {
      const reason = (error as { code?: string }).code === "EACCES" ? "permission denied" : error instanceof Error ? error.message : String(error);
      io.stderr(`nnc fmt: cannot write \`${path}\`: ${reason}\n`);
      status = 1;
      continue;
    }
    io.stdout(`formatted ${path}\n`);
  }
  return status;
}
