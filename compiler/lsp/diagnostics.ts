/**
 * Diagnostics for the editor: the checker's `Diagnostic` data, converted and never re-worded. Code,
 * range and message are those of `nnc check`; secondary labels become related information, and the
 * label under the span and the help line go where an editor shows them.
 */
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type DiagnosticRelatedInformation } from "vscode-languageserver";
import type { Diagnostic, Severity } from "../diagnostics/diagnostic.js";
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

export function toLspDiagnostic(d: Diagnostic, analysis: Analysis): LspDiagnostic {
  const related: DiagnosticRelatedInformation[] = [];
  for (const label of d.labels) {
    const lines = analysis.linesOf(label.file);
    if (lines) related.push({ location: { uri: analysis.uriOf(label.file), range: lines.range(label.range) }, message: label.message });
  }
  if (d.label) related.unshift({ location: { uri: analysis.uriOf(d.file), range: analysis.lines.range(d.range) }, message: d.label });
  if (d.help) related.push({ location: { uri: analysis.uriOf(d.file), range: analysis.lines.range(d.range) }, message: `help: ${d.help}` });
  return {
    range: analysis.lines.range(d.range),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: "nnc",
    message: d.message,
    ...(related.length > 0 ? { relatedInformation: related } : {}),
  };
}
