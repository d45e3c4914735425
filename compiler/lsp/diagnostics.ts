/**
 * Diagnostics for the editor: the checker's `Diagnostic` data, converted and never re-worded. Code
 * and range are those of `nnc check`. Many clients (Neovim, Helix, Emacs) show only a diagnostic's
 * message, so the message carries what the terminal draws around the code frame, one part a line, as
 * rust-analyzer does:
 *
 *     conv2d window 5×5 does not fit its input 4×4
 *     input is [4, 4, 40], from maxpool at line 5
 *     help: use padding: same, a smaller kernel, or one pooling layer fewer
 *
 * the checker's message, then the label under the span, then each note (`note: …`), then the help
 * (`help: …`) — the order of `nnc check`'s output. The secondary labels ("first used here") point at
 * other places: they become related information, with their locations.
 */
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type DiagnosticRelatedInformation } from "vscode-languageserver";
import { internalErrorDiagnostic, type Diagnostic, type Severity } from "../diagnostics/diagnostic.js";
import type { Analysis } from "./workspace.js";

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** The diagnostics of the analysed document itself (its `use`d files are reported when they are open). */
export function documentDiagnostics(analysis: Analysis): LspDiagnostic[] {
  return analysis.result.diagnostics.filter((d) => d.file === analysis.path).map((d) => toLspDiagnostic(d, analysis));
}

/**
 * The text an editor shows for `d`: its message, the label under its span, its notes and its help,
 * one a line. Only the checker's words, put together; nothing is re-worded.
 */
export function messageText(d: Pick<Diagnostic, "message" | "label" | "notes" | "help">): string {
  const lines = [d.message];
  if (d.label) lines.push(d.label);
  for (const note of d.notes) lines.push(`note: ${note}`);
  if (d.help) lines.push(`help: ${d.help}`);
  return lines.join("\n");
}

export function toLspDiagnostic(d: Diagnostic, analysis: Analysis): LspDiagnostic {
  const related: DiagnosticRelatedInformation[] = [];
  for (const label of d.labels) {
    const lines = analysis.linesOf(label.file);
    if (lines) related.push({ location: { uri: analysis.uriOf(label.file), range: lines.range(label.range) }, message: label.message });
  }
  return {
    range: analysis.lines.range(d.range),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: "nnc",
    message: messageText(d),
    ...(related.length > 0 ? { relatedInformation: related } : {}),
  };
}

/**
 * What the editor shows when the check of a document threw: one E000 diagnostic at the start of the
 * file (made by the checker's `internalErrorDiagnostic`, its message composed like any other's), in
 * place of the previous version's diagnostics.
 */
export function internalErrorDiagnostics(path: string, error: unknown): LspDiagnostic[] {
  const d = internalErrorDiagnostic(path, error);
  return [
    {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: SEVERITY[d.severity],
      code: d.code,
      source: "nnc",
      message: messageText(d),
    },
  ];
}
