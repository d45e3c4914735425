/**
 * The evaluation context of values written outside a model body: training entries and a training's
 * model arguments. There are no bindings there: a bare name is an enum value or constructor name,
 * and arithmetic is on literals (`min_lr: 0.03 / 128`).
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnostic } from "../diagnostics/diagnostic.js";
import { arithmetic } from "../checker/arithmetic.js";
import { acceptsNames } from "./accepts-names.js";
import { reportUnknownName, type BindContext } from "./bind.js";
import { describeType } from "./types.js";
import { UNKNOWN, type Value } from "./values.js";

export function literalBindContext(file: string, report: (d: Diagnostic) => void): BindContext {
  const ctx: BindContext = {
    file,
    report,
    evaluate(expr, type): Value {
      switch (expr.kind) {
        case "Number":
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
          return arithmetic("-", { kind: "number", value: 0, integer: true }, ctx.evaluate(expr.operand, type), expr, ctx);
        case "Binary":
          return arithmetic(expr.op, ctx.evaluate(expr.left, type), ctx.evaluate(expr.right, type), expr, ctx);
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
