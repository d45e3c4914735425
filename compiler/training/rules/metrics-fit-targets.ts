/**
 * The metrics a training lists must mean something for its targets (E303, on the list item): accuracy
 * and `top_k` need class targets, and `top_k(k)` needs k below the number of classes (it is always 1
 * otherwise).
 */
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { ctorOf, exprOf, numberArg, valueOf } from "../bound.js";
import type { TrainingRule } from "./rule.js";

export const metricsFitTargets: TrainingRule = (training, ctx) => {
  const list = valueOf(training, "metrics");
  const expr = exprOf(training, "metrics");
  const info = training.data;
  if (!list || !expr || list.kind !== "list" || !info) return;
  list.items.forEach((item, i) => {
    const metric = ctorOf(item);
    const at = expr.kind === "List" ? (expr.items[i] ?? expr) : expr;
    if (!metric) return;
    if ((metric.name === "accuracy" || metric.name === "top_k") && info.targets.kind === "regression") {
      ctx.report(
        diagnostic({
          code: "E303",
          file: ctx.file,
          range: at.range,
          message: `\`${metric.name}\` needs class targets, but \`${info.name}\` has real-valued targets`,
          help: "use `mae` or `loss`",
        }),
      );
      return;
    }
    const k = metric.name === "top_k" ? numberArg(metric.args, "k") : undefined;
    if (k !== undefined && info.targets.kind === "classes" && info.targets.classes !== undefined && k >= info.targets.classes) {
      ctx.report(
        diagnostic({
          code: "E303",
          file: ctx.file,
          range: (metric.args.get("k")?.node ?? at).range,
          message: `\`top_k(${k})\` is always 1: \`${info.name}\` has only ${info.targets.classes} classes`,
          help: `use a k below ${info.targets.classes}`,
        }),
      );
    }
  });
};
