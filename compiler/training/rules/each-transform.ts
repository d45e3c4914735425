/** The `augment` and `expand` entries a training has, with their values' expressions: the two rules on image transforms walk them. */
import type { Expr } from "../../../grammar/ast.js";
import { exprOf, type BoundTraining } from "../bound.js";

export function transformEntries(training: BoundTraining): [key: "augment" | "expand", expr: Expr][] {
  const entries: [key: "augment" | "expand", expr: Expr][] = [];
  for (const key of ["augment", "expand"] as const) {
    const expr = exprOf(training, key);
    // `augment: []` transforms nothing (the settings of a run are written back so), whatever the data.
    if (expr && !(expr.kind === "List" && expr.items.length === 0)) entries.push([key, expr]);
  }
  return entries;
}
