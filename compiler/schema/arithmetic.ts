/**
 * Arithmetic on argument values: numbers (`0.03 / 128`), integers (`width * 2`) and dimension
 * symbols (`C * 2`, `T - 2`), which stay symbolic. A result that is not a finite number (`1e308 * 10`)
 * or a dimension that cannot be computed exactly (coefficients beyond 2^53 − 1, or a product of sums
 * too large to track) is E105 at the expression: checking must never go on with NaN or a rounded size.
 */
import type { Expr } from "../../grammar/ast.js";
import { diagnostic } from "../diagnostics/diagnostic.js";
import type { BindContext } from "./bind.js";
import { UNKNOWN, type Value } from "./values.js";
import { add, constValue, dimConst, exactly, floorDiv, mul, sub, type Dim } from "../shapes/dim.js";

type Op = "+" | "-" | "*" | "/";

/**
 * What two integers are: numbers (an argument: `width / 2` is 50 when width is 100, `width / 3` a
 * fraction), or dimensions (a declared shape: `H / 2` rounds down whether `H` is a symbol or bound to
 * 9, so a block's signature means the same for every size it is called with).
 */
export type Integers = "numbers" | "dimensions";

/** Applies `op`; reports E104 for operands that are not numbers and E105 for a division by zero. */
export function arithmetic(op: Op, left: Value, right: Value, expr: Expr, ctx: Pick<BindContext, "file" | "report">, integers: Integers = "numbers"): Value {
  if (left.kind === "unknown" || right.kind === "unknown") return UNKNOWN;
  const fail = (message: string, code: "E104" | "E105" = "E104"): Value => {
    ctx.report(diagnostic({ code, file: ctx.file, range: expr.range, message }));
    return UNKNOWN;
  };
  const fraction = [left, right].find((v) => v.kind === "number" && !Number.isInteger(v.value));
  // A fraction beside a dimension (`C * 0.5`, or anywhere in a declared shape) is the fault: both
  // sides are numbers, so saying one is missing would be false.
  const inDimension = integers === "dimensions" || left.kind === "dim" || right.kind === "dim";
  if (fraction?.kind === "number" && inDimension && isNumeric(left) && isNumeric(right)) {
    return fail(`a dimension takes part only in integer arithmetic, and ${fraction.value} is not an integer`);
  }
  if (left.kind === "number" && right.kind === "number" && integers === "numbers") {
    if (op === "/" && right.value === 0) return fail("division by zero", "E105");
    const value = compute(op, left.value, right.value);
    if (Number.isNaN(value)) return fail(`${left.value} ${op} ${right.value} evaluates to NaN`, "E105");
    if (!Number.isFinite(value)) return fail(`${left.value} ${op} ${right.value} evaluates to ${value < 0 ? "minus " : ""}infinity: numbers go up to about 1.8e308`, "E105");
    const integer = left.integer && right.integer && Number.isInteger(value);
    return { kind: "number", value, integer };
  }
  if (!isDim(left) || !isDim(right)) return fail(`\`${op}\` needs numbers on both sides`);
  if (op === "/") {
    const divisor = right.kind === "number" ? right.value : constValue(right.dim);
    if (divisor === undefined || divisor <= 0) return fail("a dimension can only be divided by a positive integer constant");
  }
  const outcome = exactly((): Dim => {
    const l = asDim(left);
    const r = asDim(right);
    if (op === "/") return floorDiv(l, constValue(r)!);
    return op === "+" ? add(l, r) : op === "-" ? sub(l, r) : mul(l, r);
  });
  if (!outcome.ok) return fail(`this dimension cannot be computed exactly: ${outcome.reason}`, "E105");
  const c = constValue(outcome.value);
  return c === undefined ? { kind: "dim", dim: outcome.value } : { kind: "number", value: c, integer: true };
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

function isNumeric(value: Value): boolean {
  return value.kind === "number" || value.kind === "dim";
}

/** Whether a value can take part in dimension arithmetic: a dimension, or an integer (numbers with a fraction are not dimensions). */
function isDim(value: Value): value is (Value & { kind: "dim" }) | (Value & { kind: "number" }) {
  return value.kind === "dim" || (value.kind === "number" && Number.isInteger(value.value));
}

/** An integer value as a dimension; one beyond 2^53 − 1 overflows (inside `exactly`). */
function asDim(value: (Value & { kind: "dim" }) | (Value & { kind: "number" })): Dim {
  return value.kind === "dim" ? value.dim : dimConst(value.value);
}
