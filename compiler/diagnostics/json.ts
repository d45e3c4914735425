/**
 * The `--format json` form of diagnostics (§7 of the language reference): 1-based lines and columns.
 */
import type { Range } from "../../grammar/ast.js";
import type { Diagnostic } from "./diagnostic.js";

export interface JsonRange {
  readonly start: { readonly line: number; readonly column: number };
  readonly end: { readonly line: number; readonly column: number };
}

export interface JsonDiagnostic {
  readonly file: string;
  readonly severity: Diagnostic["severity"];
  readonly code: string;
  readonly message: string;
  readonly range: JsonRange;
  readonly label?: string;
  readonly help?: string;
  readonly labels?: { readonly file: string; readonly range: JsonRange; readonly message: string }[];
}

function jsonRange(range: Range): JsonRange {
  return {
    start: { line: range.start.line, column: range.start.column },
    end: { line: range.end.line, column: range.end.column },
  };
}

export function diagnosticsToJson(diagnostics: readonly Diagnostic[]): { diagnostics: JsonDiagnostic[] } {
  return {
    diagnostics: diagnostics.map((d) => ({
      file: d.file,
      severity: d.severity,
      code: d.code,
      message: d.message,
      range: jsonRange(d.range),
      ...(d.label ? { label: d.label } : {}),
      ...(d.help ? { help: d.help } : {}),
      ...(d.labels.length ? { labels: d.labels.map((l) => ({ file: l.file, range: jsonRange(l.range), message: l.message })) } : {}),
    })),
  };
}
