/**
 * Code actions: the fixes that diagnostics carry ("did you mean …"), and two that need the tree — a
 * `flatten` before a dense layer given a rank > 1 input (W400), and the required keys a training
 * lacks (E103), each inserted on a line of its own.
 */
import { CodeActionKind, type CodeAction, type Diagnostic as LspDiagnostic, type TextEdit, type WorkspaceEdit } from "vscode-languageserver";
import type { Expr, Node, PipeExpr, TrainDecl } from "../../grammar/ast.js";
import type { Diagnostic, Fix } from "../diagnostics/diagnostic.js";
import { KEY_EXAMPLES } from "../training/check-training.js";
import { TRAINING_KEYS } from "../training/keys.js";
import { toLspDiagnostic } from "./diagnostics.js";
import { forEachNode } from "./syntax-tree.js";
import type { Analysis } from "./workspace.js";

/** The actions for the diagnostics of the document that overlap `[from, to]`. */
export function codeActions(analysis: Analysis, from: number, to: number): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of analysis.result.diagnostics) {
    if (d.file !== analysis.path || d.range.end.offset < from || d.range.start.offset > to) continue;
    const lsp = toLspDiagnostic(d, analysis);
    for (const fix of d.fixes) {
      const edit = fixEdit(analysis, fix);
      if (edit) actions.push(quickFix(fix.title, edit, lsp, d.fixes.length === 1));
    }
    const extra = d.code === "W400" ? insertFlatten(analysis, d) : d.code === "E103" ? addMissingKeys(analysis, d) : undefined;
    if (extra) actions.push(quickFix(extra.title, { changes: { [analysis.uri]: extra.edits } }, lsp, true));
  }
  return actions;
}

function quickFix(title: string, edit: WorkspaceEdit, diagnostic: LspDiagnostic, preferred: boolean): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit, isPreferred: preferred };
}

function fixEdit(analysis: Analysis, fix: Fix): WorkspaceEdit | undefined {
  const changes: Record<string, TextEdit[]> = {};
  for (const edit of fix.edits) {
    const lines = analysis.linesOf(edit.file);
    if (!lines) return undefined;
    (changes[analysis.uriOf(edit.file)] ??= []).push({ range: lines.range(edit.range), newText: edit.newText });
  }
  return { changes };
}

/** `x -> dense(10)` → `x -> flatten -> dense(10)`; `dense(x, 10)` → `dense(flatten(x), 10)`. */
function insertFlatten(analysis: Analysis, d: Diagnostic): { title: string; edits: TextEdit[] } | undefined {
  const node = nodeWithRange(analysis, d.range.start.offset, d.range.end.offset);
  if (!node) return undefined;
  const title = "Insert `flatten` before the dense layer";
  if (node.kind === "Pipe") {
    const at = (node.label ?? node.stage.callee).range.start.offset;
    return { title, edits: [{ range: analysis.lines.span(at, at), newText: "flatten -> " }] };
  }
  if (node.kind === "Call" && node.args[0] && !node.args[0].name) {
    const input = node.args[0].value;
    const text = analysis.text.slice(input.range.start.offset, input.range.end.offset);
    return { title, edits: [{ range: analysis.lines.range(input.range), newText: `flatten(${text})` }] };
  }
  return undefined;
}

/** The pipe whose stage is exactly the range, or the call-form call with that range. */
function nodeWithRange(analysis: Analysis, start: number, end: number): PipeExpr | Expr | undefined {
  const unit = analysis.result.program.units.get(analysis.path);
  let found: PipeExpr | Expr | undefined;
  if (!unit) return undefined;
  forEachNode(unit.ast, (node: Node) => {
    if (found) return;
    if (node.kind === "Pipe" && node.stage.range.start.offset === start && node.stage.range.end.offset === end) found = node;
    else if (node.kind === "Call" && node.range.start.offset === start && node.range.end.offset === end) found = node;
  });
  return found;
}

/** Adds `key: example` lines for the required keys a training lacks, before its closing brace. */
function addMissingKeys(analysis: Analysis, d: Diagnostic): { title: string; edits: TextEdit[] } | undefined {
  const unit = analysis.result.program.units.get(analysis.path);
  const decl = unit?.ast.decls.find((x): x is TrainDecl => x.kind === "Train" && x.range.start.offset === d.range.start.offset);
  if (!decl) return undefined;
  // Exactly the keys the diagnostic names (a misspelt key is not reported missing: its own fix renames it).
  const named = d.message.slice(d.message.indexOf(" needs "));
  const missing = TRAINING_KEYS.filter((k) => k.required && named.includes(`\`${k.name}\``));
  const close = decl.range.end.offset - 1;
  if (missing.length === 0 || analysis.text[close] !== "}") return undefined;
  const lineStart = analysis.text.lastIndexOf("\n", close - 1) + 1;
  const ownLine = analysis.text.slice(lineStart, close).trim() === "";
  const firstEntry = decl.entries[0];
  const indent = firstEntry ? analysis.text.slice(analysis.text.lastIndexOf("\n", firstEntry.range.start.offset - 1) + 1, firstEntry.range.start.offset) : "  ";
  const lines = missing.map((k) => `${/^\s*$/.test(indent) ? indent : "  "}${KEY_EXAMPLES[k.name] ?? `${k.name}: `}\n`).join("");
  const at = ownLine ? lineStart : close;
  const newText = ownLine ? lines : `\n${lines}`;
  const names = missing.map((k) => `\`${k.name}\``).join(", ");
  return { title: `Add the missing ${missing.length === 1 ? "key" : "keys"} ${names}`, edits: [{ range: analysis.lines.span(at, at), newText }] };
}
