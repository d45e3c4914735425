/** `nnc fmt FILES… [--check]`: rewrites files in canonical layout; --check only reports. */
import { readFileSync } from "node:fs";
import { format } from "../format/format.js";
import { writeFileAtomic } from "../../runtime/run/atomic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { requireFiles } from "./check-command.js";
import { parseOptions, type CommandIO } from "./io.js";

export function runFmt(args: string[], io: CommandIO): number {
  const { values, positionals } = parseOptions(args, { check: { type: "boolean" } });
  requireFiles(positionals);
  let status = 0;
  for (const path of positionals) {
    const text = readFileSync(path, "utf8");
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
    } else {
      writeFileAtomic(path, result.text);
      io.stdout(`formatted ${path}\n`);
    }
  }
  return status;
}
