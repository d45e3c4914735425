/**
 * The one expression evaluator. The part every context shares — literals (numbers within the E105
 * limit), strings, bools, parentheses, lists, unary minus and the arithmetic operators — is here;
 * what a name, a call or a pipeline means is the context's (bindings and layers inside a model,
 * enum values and E104 in training entries), passed in as an `ExpressionContext`.
 *
 * Chains of operators and minus signs are as deep in the AST as they are long, and their length
 * comes from the user's input: they are evaluated by iterating along them, never by recursion.
 */
import type { BinaryExpr, CallExpr, ErrorExpr, Expr, NameRef, PipeExpr, UnaryExpr } from "../../grammar/ast.js";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { numberTooLarge } from "../shapes/limits.js";
import { arithmetic } from "./arithmetic.js";
import { UNKNOWN, type Value } from "./values.js";

/**
 * What an evaluation context decides. `Expected` is how the context describes the type it expects
 * of an expression (a `ValueType`, or `ValueType | undefined` where none may be known).
 */
export interface ExpressionContext<Expected> {
  readonly file: string;
  report(diagnostic: Diagnostic): void;
  /**
   * Evaluates a sub-expression: the context's own entry point, so that it can count nesting depth
   * or record values; it normally calls `evaluateExpression` again.
   */
  evaluate(expr: Expr, expected: Expected): Value;
  /** What a list's items are expected to be, given what the list is expected to be. */
  itemType(expected: Expected): Expected;
  /** What an operand of `-`, `+`, `*` or `/` is expected to be, given what the whole is expected to be. */
  operandType(expected: Expected): Expected;
  name(ref: NameRef, expected: Expected): Value;
  call(call: CallExpr, expected: Expected): Value;
  pipe(pipe: PipeExpr, expected: Expected): Value;
  /** A hole left by a syntax error, which the parser reported already. */
  hole(expr: ErrorExpr): Value;
  /** Applies a binary operator to evaluated operands, the whole expected as `expected`; `arithmetic` when absent. */
  binary?(expr: BinaryExpr, left: Value, right: Value, expected: Expected): Value;
  /**
   * Called with the value of each inner node of a chain of operators or minus signs, the values the
   * context's `evaluate` would have seen had it been called on them (the outermost is its own).
   */
  recordChainValue?(node: Expr, value: Value): void;
}

/** Evaluates `expr` in `ctx`; mistakes are reported to `ctx` and evaluate to `UNKNOWN`. */
export function evaluateExpression<Expected>(expr: Expr, expected: Expected, ctx: ExpressionContext<Expected>): Value {
  switch (expr.kind) {
    case "Number":
      if (!Number.isFinite(expr.value)) {
        ctx.report(diagnostic({ code: "E105", file: ctx.file, range: expr.range, message: numberTooLarge(expr.text) }));
        return UNKNOWN;
      }
      return { kind: "number", value: expr.value, integer: expr.isInteger };
    case "String":
      return { kind: "string", value: expr.value };
    case "Bool":
      return { kind: "bool", value: expr.value };
    case "Paren":
      return ctx.evaluate(expr.inner, expected);
    case "List": {
      const itemType = ctx.itemType(expected);
      return { kind: "list", items: expr.items.map((item) => ctx.evaluate(item, itemType)) };
    }
    case "Unary":
      return negations(expr, expected, ctx);
    case "Binary":
      return binaryChain(expr, expected, ctx);
    case "Name":
      return ctx.name(expr, expected);
    case "Call":
      return ctx.call(expr, expected);
    case "Pipe":
      return ctx.pipe(expr, expected);
    case "Error":
      return ctx.hole(expr);
  }
}

const ZERO: Value = { kind: "number", value: 0, integer: true };

/** `- - … - operand`: the operand, then each minus from the inside out. */
function negations<Expected>(outermost: UnaryExpr, expected: Expected, ctx: ExpressionContext<Expected>): Value {
  const chain: UnaryExpr[] = [];
  let operand: Expr = outermost;
  for (; operand.kind === "Unary"; operand = operand.operand) chain.push(operand);
  let value = ctx.evaluate(operand, ctx.operandType(expected));
  for (let i = chain.length - 1; i >= 0; i--) {
    value = arithmetic("-", ZERO, value, chain[i], ctx);
    if (i > 0) ctx.recordChainValue?.(chain[i], value);
  }
  return value;
}

/** `a + b * c - …`: down the left operands to the first, then each operator from the inside out. */
function binaryChain<Expected>(outermost: BinaryExpr, expected: Expected, ctx: ExpressionContext<Expected>): Value {
  const chain: BinaryExpr[] = [];
  let left: Expr = outermost;
  for (; left.kind === "Binary"; left = left.left) chain.push(left);
  const operandType = ctx.operandType(expected);
  let value = ctx.evaluate(left, operandType);
  for (let i = chain.length - 1; i >= 0; i--) {
    const node = chain[i];
    const right = ctx.evaluate(node.right, operandType);
    // An inner node of the chain is an operand of the one outside it, expected as operands are.
    value = ctx.binary ? ctx.binary(node, value, right, i === 0 ? expected : operandType) : arithmetic(node.op, value, right, node, ctx);
    if (i > 0) ctx.recordChainValue?.(node, value);
  }
  return value;
}
