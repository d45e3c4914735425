/**
 * Document symbols, for the outline and breadcrumbs: models (with their inputs, bindings and layers),
 * blocks (with their layers) and trainings (with their keys).
 */
import { SymbolKind, type DocumentSymbol } from "vscode-languageserver";
import type { Expr, Range, Stmt } from "../../grammar/ast.js";
import { lookupLayer } from "../layers/registry.js";
import { shapesOf } from "./describe.js";
import type { Analysis } from "./workspace.js";

export function documentSymbols(analysis: Analysis): DocumentSymbol[] {
  const unit = analysis.result.program.units.get(analysis.path);
  if (!unit) return [];
  const symbols: DocumentSymbol[] = [];
  for (const decl of unit.ast.decls) {
    if (decl.kind === "Use") continue;
    const id = decl.kind === "Train" ? (decl.label ?? decl.model) : decl.name;
    if (!id.name) continue;
    const children = decl.kind === "Train"
      ? decl.entries.filter((e) => e.key.name).map((e) => symbol(analysis, e.key.name, SymbolKind.Property, e.range, e.key.range))
      : decl.body.flatMap((stmt) => statementSymbols(analysis, stmt));
    const kind = decl.kind === "Model" ? SymbolKind.Class : decl.kind === "Block" ? SymbolKind.Function : SymbolKind.Event;
    const detail = decl.kind === "Train" ? `train ${decl.model.name}` : decl.kind === "Model" ? "model" : "block";
    symbols.push({ ...symbol(analysis, id.name, kind, decl.range, id.range), detail, children });
  }
  return symbols;
}

function statementSymbols(analysis: Analysis, stmt: Stmt): DocumentSymbol[] {
  const layers = layerSymbols(analysis, stmt.kind === "Input" ? undefined : stmt.value);
  switch (stmt.kind) {
    case "Input":
      return stmt.name.name ? [{ ...symbol(analysis, stmt.name.name, SymbolKind.Variable, stmt.range, stmt.name.range), detail: "input" }] : [];
    case "Let":
      return stmt.name.name ? [{ ...symbol(analysis, stmt.name.name, SymbolKind.Variable, stmt.range, stmt.name.range), detail: shape(analysis, stmt.value), children: layers }] : layers;
    case "Output":
      return stmt.name?.name ? [{ ...symbol(analysis, stmt.name.name, SymbolKind.Variable, stmt.range, stmt.name.range), detail: "output", children: layers }] : layers;
    case "ExprStmt":
      return layers;
  }
}

/** The stages of a pipeline, and layers applied in call form, in source order. */
function layerSymbols(analysis: Analysis, expr: Expr | undefined): DocumentSymbol[] {
  const found: DocumentSymbol[] = [];
  const stack: Expr[] = expr ? [expr] : [];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (e.kind === "Pipe") {
      const name = e.label?.name || e.stage.callee.name;
      if (name) found.push({ ...symbol(analysis, name, lookupLayer(e.stage.callee.name) ? SymbolKind.Method : SymbolKind.Module, e.stage.range, (e.label ?? e.stage.callee).range), detail: shape(analysis, e) });
      stack.push(e.source, ...e.stage.args.map((a) => a.value));
    } else if (e.kind === "Call") {
      if (lookupLayer(e.callee.name) && e.callee.name) found.push({ ...symbol(analysis, e.callee.name, SymbolKind.Method, e.range, e.callee.range), detail: shape(analysis, e) });
      stack.push(...e.args.map((a) => a.value));
    } else if (e.kind === "Binary") stack.push(e.left, e.right);
    else if (e.kind === "Paren") stack.push(e.inner);
    else if (e.kind === "List") stack.push(...e.items);
  }
  return found.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

function shape(analysis: Analysis, expr: Expr): string {
  return shapesOf(analysis.result.values.get(expr)).join(" | ");
}

function symbol(analysis: Analysis, name: string, kind: SymbolKind, range: Range, selection: Range): DocumentSymbol {
  const full = analysis.lines.range(range);
  const selectionRange = analysis.lines.range(selection);
  // The selection must lie inside the full range, even where recovery left odd ranges.
  const contains = selection.start.offset >= range.start.offset && selection.end.offset <= range.end.offset;
  return { name, kind, range: contains ? full : selectionRange, selectionRange };
}
