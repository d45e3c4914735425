/**
 * Arithmetic on argument values: numbers (`0.03 / 128`), integers (`width * 2`) and dimension
 * symbols (`C * 2`, `T - 2`), which stay symbolic.
 */
import type { Expr } from "../ast.js";
import { diagnostic } from "../diagnostics/diagnostic.js";
import type { BindContext } from "../schema/bind.js";
import { UNKNOWN, type Value } from "../schema/values.js";
import { add, constValue, dimConst, floorDiv, mul, sub, type Dim } from "../shapes/dim.js";

type Op = "+" | "-" | "*" | "/";

/** Applies `op`; reports E104 for operands that are not numbers and E105 for a division by zero. */
export function arithmetic(op: Op, left: Value, right: Value, expr: Expr, ctx: Pick<BindContext, "file" | "report">): Value {
  if (left.kind === "unknown" || right.kind === "unknown") return UNKNOWN;
  const fail = (message: string, code: "E104" | "E105" = "E104"): Value => {
    ctx.report(diagnostic({ code, file: ctx.file, range: expr.range, message }));
    return UNKNOWN;
  };
  if (left.kind === "number" && right.kind === "number") {
    if (op === "/" && right.value === 0) return fail("division by zero", "E105");
    const value = compute(op, left.value, right.value);
    const integer = left.integer && right.integer && Number.isInteger(value);
    return { kind: "number", value, integer };
  }
  const l = asDim(left);
  const r = asDim(right);
  if (!l || !r) return fail(`\`${op}\` needs numbers on both sides`);
  let result: Dim;
  if (op === "/") {
    const divisor = constValue(r);
    if (divisor === undefined || divisor <= 0) return fail("a dimension can only be divided by a positive integer constant");
    result = floorDiv(l, divisor);
  } else {
    result = op === "+" ? add(l, r) : op === "-" ? sub(l, r) : mul(l, r);
  }
  const c = constValue(result);
  return c === undefined ? { kind: "dim", dim: result } : { kind: "number", value: c, integer: true };
}

function compute(op: Op, a: number, b: number): number {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return a / b;
  }
}

/** An integer value as a dimension; numbers with a fraction are not dimensions. */
function asDim(value: Value): Dim | undefined {
  if (value.kind === "dim") return value.dim;
  if (value.kind === "number" && Number.isInteger(value.value)) return dimConst(value.value);
  return undefined;
}
