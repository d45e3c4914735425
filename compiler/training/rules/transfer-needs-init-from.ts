/**
 * `freeze` and `reinit` apply to weights loaded with `init_from`, so they need it (E303, on the key's
 * value); and they exclude each other: a layer both frozen and re-initialised would keep fresh random
 * weights that never train (E303, on the `reinit` item).
 */
import { diagnostic } from "../../diagnostics/diagnostic.js";
import type { Value } from "../../schema/values.js";
import { exprOf, valueOf } from "../bound.js";
import type { TrainingRule } from "./rule.js";

export const transferNeedsInitFrom: TrainingRule = (training, ctx) => {
  const loads = training.entries.has("init_from");
  for (const key of ["freeze", "reinit"] as const) {
    const expr = exprOf(training, key);
    if (expr && !loads) {
      ctx.report(
        diagnostic({
          code: "E303",
          file: ctx.file,
          range: expr.range,
          message: `\`${key}\` applies to weights loaded with \`init_from\`, but the training loads none`,
          help: 'add `init_from: "runs/…/model.json"`, the model an earlier training saved',
        }),
      );
    }
  }
  const frozen = new Set(labelsOf(valueOf(training, "freeze")));
  const reinit = exprOf(training, "reinit");
  const items = reinit?.kind === "List" ? reinit.items : reinit ? [reinit] : [];
  for (const item of items) {
    if (item.kind === "Name" && frozen.has(item.name.name)) {
      ctx.report(
        diagnostic({
          code: "E303",
          file: ctx.file,
          range: item.range,
          message: `\`${item.name.name}\` is both frozen and re-initialised: its fresh random weights would never train`,
          help: "remove it from `freeze` or from `reinit`",
        }),
      );
    }
  }
};

/** The layer labels a `freeze:` list names. */
function labelsOf(value: Value | undefined): string[] {
  if (!value || value.kind !== "list") return [];
  return value.items.flatMap((i) => (i.kind === "enum" ? [i.name] : []));
}
