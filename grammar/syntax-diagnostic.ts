/**
 * What the syntax layer reports, as plain data: a syntax or lexical error (or a slip from another
 * language, which names what nnc writes instead) with its span, message, help and fixes. The types
 * of spans, labels and fixes live here, below every phase; `compiler/diagnostics/diagnostic.ts`
 * widens the codes to those of every phase, so a syntax diagnostic is a diagnostic as it stands.
 */
import type { Range } from "./ast.js";

export type Severity = "error" | "warning" | "info";

/** A location in a particular file. */
export interface Location {
  readonly file: string;
  readonly range: Range;
}

/** A secondary span with a short message: where a shape came from, the first declaration, … */
export interface Label extends Location {
  readonly message: string;
}

/** A text replacement that fixes the problem; used by editors' code actions. */
export interface TextEdit extends Location {
  readonly newText: string;
}

export interface Fix {
  /** What the fix does, as an editor shows it: "Replace with `relu`". */
  readonly title: string;
  readonly edits: readonly TextEdit[];
}

/**
 * The codes the syntax layer gives: E001 syntax, E002 lexical; a slip may be E100 (`Dense`, a name
 * from another library) or E104 (a quoted name) when that is what the user will look for.
 */
export type SyntaxCode = "E001" | "E002" | "E100" | "E104";

export interface SyntaxDiagnostic {
  readonly code: SyntaxCode;
  readonly severity: Severity;
  readonly file: string;
  /** The smallest span that shows the fault. */
  readonly range: Range;
  readonly message: string;
  /** Text drawn under the primary span (`input is [4, 4, 20], from maxpool at line 6`). */
  readonly label?: string;
  readonly labels: readonly Label[];
  readonly notes: readonly string[];
  readonly help?: string;
  readonly fixes: readonly Fix[];
}

/** A syntax error: everything the syntax layer reports is an error. */
export function syntaxDiagnostic(init: { readonly code: SyntaxCode; readonly file: string; readonly range: Range; readonly message: string; readonly help?: string; readonly fixes?: readonly Fix[] }): SyntaxDiagnostic {
  return { code: init.code, severity: "error", file: init.file, range: init.range, message: init.message, label: undefined, labels: [], notes: [], help: init.help, fixes: init.fixes ?? [] };
}
