/**
 * The evaluation context of values written outside a model body: training entries and a training's
 * model arguments. There are no bindings there: a bare name is an enum value or constructor name,
 * and arithmetic is on literals (`min_lr: 0.03 / 128`). Chains of operators and minus signs are
 * evaluated by iterating along them: they are as deep in the AST as they are long.
 */
import type { BinaryExpr, Expr, UnaryExpr } from "../../grammar/ast.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnostic } from "../diagnostics/diagnostic.js";
import { arithmetic } from "./arithmetic.js";
import { numberTooLarge } from "../shapes/limits.js";
import { acceptsNames } from "./accepts-names.js";
import { reportUnknownName, type BindContext } from "./bind.js";
import { describeType, type ValueType } from "./types.js";
import { UNKNOWN, type Value } from "./values.js";

export function literalBindContext(file: string, report: (d: Diagnostic) => void): BindContext {
  const ctx: BindContext = {
    file,
    report,
    evaluate(expr, type): Value {
      switch (expr.kind) {
        case "Number":
          if (!Number.isFinite(expr.value)) {
            report(diagnostic({ code: "E105", file, range: expr.range, message: numberTooLarge(expr.text) }));
            return UNKNOWN;
          }
          return { kind: "number", value: expr.value, integer: expr.isInteger };
        case "String":
          return { kind: "string", value: expr.value };
        case "Bool":
          return { kind: "bool", value: expr.value };
        case "Paren":
          return ctx.evaluate(expr.inner, type);
        case "Name":
          if (acceptsNames(type)) return { kind: "enum", name: expr.name.name };
          reportUnknownName(expr.name.name, expr.name.range, "name", [], ctx);
          return UNKNOWN;
        case "Unary":
          return negations(expr, type, ctx);
        case "Binary":
          return binaryChain(expr, type, ctx);
        case "List":
          return { kind: "list", items: expr.items.map((i) => ctx.evaluate(i, type.kind === "list" ? type.of : type)) };
        case "Error":
          return UNKNOWN;
        case "Call":
        case "Pipe":
          report(
            diagnostic({
              code: "E104",
              file,
              range: expr.range,
              message: `expected ${describeType(type)}, found ${expr.kind === "Call" ? `a call of \`${expr.callee.name}\`` : "a pipeline"}`,
            }),
          );
          return UNKNOWN;
      }
    },
  };
  return ctx;
}

/** `- - … - operand`: the operand, then each minus from the inside out. */
function negations(outermost: UnaryExpr, type: ValueType, ctx: BindContext): Value {
  const chain: UnaryExpr[] = [];
  let operand: Expr = outermost;
  for (; operand.kind === "Unary"; operand = operand.operand) chain.push(operand);
  let value = ctx.evaluate(operand, type);
  for (let i = chain.length - 1; i >= 0; i--) value = arithmetic("-", { kind: "number", value: 0, integer: true }, value, chain[i], ctx);
  return value;
}

/** `a + b * c - …`: down the left operands to the first, then each operator from the inside out. */
function binaryChain(outermost: BinaryExpr, type: ValueType, ctx: BindContext): Value {
  const chain: BinaryExpr[] = [];
  let left: Expr = outermost;
  for (; left.kind === "Binary"; left = left.left) chain.push(left);
  let value = ctx.evaluate(left, type);
  for (let i = chain.length - 1; i >= 0; i--) value = arithmetic(chain[i].op, value, ctx.evaluate(chain[i].right, type), chain[i], ctx);
  return value;
}
