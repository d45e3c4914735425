/**
 * A training must leave some weights to learn (E303): a model without any layer that has weights, or
 * a `freeze:` list naming every layer that has weights, gives the optimizer nothing to update (the
 * runtime would stop at the first step, as tfjs's `variableGrads` needs a trainable variable).
 */
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { constValue } from "../../shapes/dim.js";
import { concrete } from "../../schema/values.js";
import { exprOf, valueOf } from "../bound.js";
import type { TrainingRule } from "./rule.js";

export const somethingToTrain: TrainingRule = (training, ctx) => {
  const model = training.model;
  if (!model || model.incomplete) return;
  // A count that is not known (symbolic) is taken as weights: only a sure 0 means none.
  const weighted = model.layers.filter((l) => l.params !== undefined && constValue(l.params) !== 0);
  if (weighted.length === 0) {
    ctx.report(
      diagnostic({
        code: "E303",
        file: ctx.file,
        range: training.decl.model.range,
        message: `model \`${model.name}\` has no layer with weights: nothing would train`,
        help: "add a layer with weights, such as `dense(…)` or `conv2d(…)`",
      }),
    );
    return;
  }
  const freeze = valueOf(training, "freeze");
  const freezeExpr = exprOf(training, "freeze");
  const list = freeze && concrete(freeze);
  if (!freezeExpr || list?.kind !== "list") return;
  const frozen = new Set(list.items.flatMap((i) => (i.kind === "enum" ? [i.name] : [])));
  if (!weighted.every((l) => frozen.has(l.name))) return;
  const last = weighted[weighted.length - 1];
  ctx.report(
    diagnostic({
      code: "E303",
      file: ctx.file,
      range: freezeExpr.range,
      message: "every layer with weights is frozen: nothing would train",
      labels: weighted.map((l) => ({ ...l.definedAt, message: `\`${l.name}\` has weights and is frozen` })),
      help: `leave at least one layer with weights out of \`freeze\`, e.g. \`${last.name}\`, the last one`,
    }),
  );
};
