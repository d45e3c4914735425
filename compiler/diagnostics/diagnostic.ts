/**
 * A diagnostic is plain data (the syntax layer makes its own, `grammar/syntax-diagnostic.ts`, of the
 * same shape): what went wrong, where, and how to fix it. Every phase produces these;
 * exactly one module renders them for the terminal (`render.ts`) and one turns them into JSON
 * (`json.ts`); the language server maps them to LSP diagnostics. A mistake in the user's program is
 * never an exception.
 */
import type { Range } from "../../grammar/ast.js";
import type { Fix, Label, Severity, SyntaxDiagnostic } from "../../grammar/syntax-diagnostic.js";

// The span, label and fix types are the syntax layer's (a syntax diagnostic is a diagnostic as it stands).
export type { Fix, Label, Location, Severity, TextEdit } from "../../grammar/syntax-diagnostic.js";

/** Every diagnostic code of the language reference, with its one-line meaning. */
export const DIAGNOSTIC_CODES = {
  E000: "internal error: nnc failed while checking (a bug to report)",
  E001: "syntax error",
  E002: "lexical error",
  E100: "unknown name",
  E101: "duplicate declaration",
  E102: "unknown argument or training key",
  E103: "missing required argument or key",
  E104: "argument of the wrong kind",
  E105: "argument out of range",
  E106: "cycle in blocks or in `use`",
  E107: "`use` or data file not found",
  E108: "data file does not fit its description",
  E200: "layer given an input of the wrong rank",
  E201: "window does not fit its input",
  E202: "merged tensors have incompatible shapes",
  E203: "reshape or flatten size mismatch",
  E204: "block signature mismatch",
  E205: "dimension symbol bound to two different values",
  E300: "model input does not match the data",
  E301: "model output does not match the data's targets",
  E302: "loss does not fit the output",
  E303: "training settings contradict each other",
  E304: "invalid search space",
  W400: "dense applied to an input of rank > 1",
  W401: "unused input, binding or block",
  W402: "vanishing-gradient risk",
  W403: "quadratic cost on a saturating output",
  W404: "activation applied twice, or softmax before the last layer",
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/**
 * A syntax diagnostic's fields (grammar/syntax-diagnostic.ts: severity, file, the smallest span that
 * shows the fault, message, label under the span, secondary labels, notes, help, fixes), with the
 * codes of every phase.
 */
export interface Diagnostic extends Omit<SyntaxDiagnostic, "code"> {
  readonly code: DiagnosticCode;
}

/** What a caller may leave out when making a diagnostic; severity follows from the code. */
export interface DiagnosticInit {
  readonly code: DiagnosticCode;
  readonly file: string;
  readonly range: Range;
  readonly message: string;
  readonly severity?: Severity;
  readonly label?: string;
  readonly labels?: readonly Label[];
  readonly notes?: readonly string[];
  readonly help?: string;
  readonly fixes?: readonly Fix[];
}

/** Builds a diagnostic; E-codes are errors and W-codes warnings unless `severity` says otherwise. */
export function diagnostic(init: DiagnosticInit): Diagnostic {
  return {
    code: init.code,
    severity: init.severity ?? (init.code.startsWith("E") ? "error" : "warning"),
    file: init.file,
    range: init.range,
    message: init.message,
    label: init.label,
    labels: init.labels ?? [],
    notes: init.notes ?? [],
    help: init.help,
    fixes: init.fixes ?? [],
  };
}

/**
 * E000: the check itself failed (an exception in nnc, never a mistake in the program). The editor
 * shows it at the start of the file in place of the diagnostics it could not compute.
 */
export function internalErrorDiagnostic(file: string, error: unknown): Diagnostic {
  let what: string;
  try {
    what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    what = "an exception that cannot be described";
  }
  const start = { line: 1, column: 1, offset: 0 };
  return diagnostic({
    code: "E000",
    file,
    range: { start, end: start },
    message: `internal error: ${what.length > 300 ? `${what.slice(0, 300)}…` : what} (please report)`,
    notes: ["nnc could not check this file; the other diagnostics of this file are not shown"],
  });
}

/** Orders diagnostics by file, then position, then code, so output is stable. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.range.start.offset - b.range.start.offset || a.code.localeCompare(b.code);
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
