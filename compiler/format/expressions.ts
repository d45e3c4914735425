/**
 * Prints expressions on one line in the canonical form. Chains (`x -> a -> b …`, `a + b + c …`,
 * `- - 1`) are printed by iterating along them: the AST nests them as deep as they are long.
 * Everything else nests only as deep as brackets do, which the parser bounds.
 */
import type * as A from "../ast.js";

export function printExpr(e: A.Expr | A.Arg): string {
  switch (e.kind) {
    case "Arg":
      return e.name ? `${e.name.name}: ${printExpr(e.value)}` : printExpr(e.value);
    case "Number":
      return e.text;
    case "String":
      return `"${e.value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t")}"`;
    case "Bool":
      return String(e.value);
    case "Name":
      return e.name.name;
    case "Call":
      return e.hasParens ? `${e.callee.name}(${e.args.map(printExpr).join(", ")})` : e.callee.name;
    case "Binary": {
      const operations: A.BinaryExpr[] = [];
      let left: A.Expr = e;
      for (; left.kind === "Binary"; left = left.left) operations.push(left);
      const parts = [printExpr(left)];
      for (let i = operations.length - 1; i >= 0; i--) parts.push(` ${operations[i].op} `, printExpr(operations[i].right));
      return parts.join("");
    }
    case "Unary": {
      let minuses = 0;
      let operand: A.Expr = e;
      for (; operand.kind === "Unary"; operand = operand.operand) minuses++;
      return `${"-".repeat(minuses)}${printExpr(operand)}`;
    }
    case "Paren":
      return `(${printExpr(e.inner)})`;
    case "List":
      return `[${e.items.map(printExpr).join(", ")}]`;
    case "Pipe": {
      const stages: A.PipeExpr[] = [];
      let source: A.Expr = e;
      for (; source.kind === "Pipe"; source = source.source) stages.push(source);
      const parts = [printExpr(source)];
      for (let i = stages.length - 1; i >= 0; i--) parts.push(` -> ${printStage(stages[i])}`);
      return parts.join("");
    }
    case "Error":
      return "";
  }
}

/** One stage of a pipeline without its arrow: `fc: dense(10)`. */
export function printStage(stage: A.PipeExpr): string {
  return `${stage.label ? `${stage.label.name}: ` : ""}${printExpr(stage.stage)}`;
}
