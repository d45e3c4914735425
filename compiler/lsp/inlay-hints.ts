/**
 * Inlay hints: after every pipeline stage (and every layer or block applied in call form), the shape
 * it gives, `: [24, 24, 20]`. In a block called with different shapes, every shape is listed.
 */
import { InlayHintKind, type InlayHint } from "vscode-languageserver";
import type { Node } from "../../grammar/ast.js";
import { shapesOf } from "./describe.js";
import { forEachNode } from "./syntax-tree.js";
import type { Analysis } from "./workspace.js";

export function inlayHints(analysis: Analysis, from: number, to: number): InlayHint[] {
  const unit = analysis.result.program.units.get(analysis.path);
  if (!unit) return [];
  const stages = new Set<Node>();
  const hints: InlayHint[] = [];
  forEachNode(unit.ast, (node) => {
    if (node.kind === "Pipe") stages.add(node.stage);
    if (node.kind !== "Pipe" && (node.kind !== "Call" || stages.has(node))) return;
    const end = node.range.end.offset;
    if (end < from || end > to) return;
    const shapes = shapesOf(analysis.result.values.get(node));
    if (shapes.length === 0) return;
    hints.push({ position: analysis.lines.positionAt(end), label: `: ${shapes.join(" | ")}`, kind: InlayHintKind.Type, paddingLeft: false });
  });
  return hints;
}
