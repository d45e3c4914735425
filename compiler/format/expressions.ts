/** Prints expressions on one line in the canonical form. */
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
    case "Binary":
      return `${printExpr(e.left)} ${e.op} ${printExpr(e.right)}`;
    case "Unary":
      return `-${printExpr(e.operand)}`;
    case "Paren":
      return `(${printExpr(e.inner)})`;
    case "List":
      return `[${e.items.map(printExpr).join(", ")}]`;
    case "Pipe":
      return `${printExpr(e.source)} -> ${e.label ? `${e.label.name}: ` : ""}${printExpr(e.stage)}`;
    case "Error":
      return "";
  }
}
