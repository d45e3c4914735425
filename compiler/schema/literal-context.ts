/**
 * The evaluation context of values written outside a model body: training entries and a training's
 * model arguments. There are no bindings there: a bare name is an enum value or constructor name,
 * arithmetic is on literals (`min_lr: 0.03 / 128`), and a call or pipeline where a plain value goes
 * is E104. Everything else is the shared evaluator's (evaluate.ts).
 */
import type { CallExpr, Expr, PipeExpr } from "../../grammar/ast.js";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { acceptsNames } from "./accepts-names.js";
import { reportUnknownName, type BindContext } from "./bind.js";
import { evaluateExpression, type ExpressionContext } from "./evaluate.js";
import { describeType, type ValueType } from "./types.js";
import { UNKNOWN, type Value } from "./values.js";

export function literalBindContext(file: string, report: (d: Diagnostic) => void): BindContext {
  const notAValue = (expr: CallExpr | PipeExpr, type: ValueType): Value => {
    const found = expr.kind === "Call" ? `a call of \`${expr.callee.name}\`` : "a pipeline";
    report(diagnostic({ code: "E104", file, range: expr.range, message: `expected ${describeType(type)}, found ${found}` }));
    return UNKNOWN;
  };
  const literals: ExpressionContext<ValueType> = {
    file,
    report,
    evaluate: (expr: Expr, type: ValueType) => evaluateExpression(expr, type, literals),
    itemType: (type) => (type.kind === "list" ? type.of : type),
    // `min_lr: 0.03 / 128`: the operands are expected to be what the whole is.
    operandType: (type) => type,
    name(ref, type) {
      if (acceptsNames(type)) return { kind: "enum", name: ref.name.name };
      reportUnknownName(ref.name.name, ref.name.range, "name", [], literals, `expected ${describeType(type)}; outside a model there are no bindings to name`);
      return UNKNOWN;
    },
    call: notAValue,
    pipe: notAValue,
    hole: () => UNKNOWN,
  };
  return { file, report, evaluate: literals.evaluate };
}
