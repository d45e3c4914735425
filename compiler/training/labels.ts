/**
 * Binds the layer labels of `freeze` and `reinit`: each must name a labelled layer of the trained
 * model (E100 with a suggestion among the labels), once (E101).
 */
import type { Expr, Range } from "../../grammar/ast.js";
import type { ModelGraph } from "../checker/graph.js";
import { diagnostic } from "../diagnostics/diagnostic.js";
import { checkValue, reportUnknownName, type BindContext } from "../schema/bind.js";
import type { ValueType } from "../schema/types.js";
import { UNKNOWN, type Value } from "../schema/values.js";

export function bindLabels(key: string, expr: Expr, model: ModelGraph | undefined, ctx: BindContext): Value {
  if (expr.kind === "Error") return UNKNOWN;
  // Labels after an elaboration error are missing from the graph, so only a complete model can judge.
  const known = model && !model.incomplete ? model.layers.filter((l) => l.labelled).map((l) => l.name) : undefined;
  const type: ValueType = { kind: "enum", what: "layer label", values: known ?? [] };
  const seen = new Map<string, Range>();
  const items: Value[] = [];
  for (const item of expr.kind === "List" ? expr.items : [expr]) {
    if (item.kind === "Error") continue;
    if (item.kind !== "Name") {
      checkValue(ctx.evaluate(item, type), type, item, ctx);
      continue;
    }
    const name = item.name.name;
    const earlier = seen.get(name);
    if (earlier) {
      ctx.report(
        diagnostic({
          code: "E101",
          file: ctx.file,
          range: item.range,
          message: `\`${name}\` is listed twice in \`${key}\``,
          labels: [{ file: ctx.file, range: earlier, message: "first listed here" }],
          help: "remove one of the two",
        }),
      );
      continue;
    }
    seen.set(name, item.range);
    if (model && known && !known.includes(name)) {
      reportUnknownLabel(name, item.range, key, model, known, ctx);
      continue;
    }
    items.push({ kind: "enum", name });
  }
  return { kind: "list", items };
}

function reportUnknownLabel(name: string, range: Range, key: string, model: ModelGraph, labels: readonly string[], ctx: BindContext): void {
  const unlabelled = model.layers.find((l) => !l.labelled && l.name === name);
  if (unlabelled || labels.length === 0) {
    ctx.report(
      diagnostic({
        code: "E100",
        file: ctx.file,
        range,
        message: unlabelled
          ? `\`${name}\` is not a label: \`${key}\` names labelled layers`
          : `unknown layer label \`${name}\`: model \`${model.name}\` has no labelled layers`,
        labels: unlabelled ? [{ ...unlabelled.definedAt, message: `this layer is called \`${name}\` only because it has no label` }] : [],
        help: `label the layer in the model (\`-> ${unlabelled ? "head" : name}: ${unlabelled?.def.name ?? "dense"}(…)\`) and list that label`,
      }),
    );
    return;
  }
  reportUnknownName(name, range, "layer label", labels, ctx);
}
