/**
 * A metric that a setting watches (early stopping's and `on_plateau`'s `monitor`, the objective's
 * `metric`, written or left to its default) must be one the run computes (E303, on the monitor, or
 * on the setting for a default): accuracy must be in `metrics` when the key is written and needs
 * class targets, and a `val_*` metric needs validation data.
 */
import type { Expr } from "../../../grammar/ast.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import type { BoundArgs } from "../../schema/values.js";
import { ctorOf, exprOf, validationSource, valueOf, watchedMetric, type BoundTraining } from "../bound.js";
import { isValidationMetric } from "../settings.js";
import { forEachSchedule } from "./each-schedule.js";
import type { TrainingRule } from "./rule.js";

export const monitoredMetricComputed: TrainingRule = (training, ctx) => {
  const source = validationSource(training);
  const targets = training.data?.targets.kind;
  const listed = listedMetrics(training);
  const report = (at: Expr, message: string, help: string): void => ctx.report(diagnostic({ code: "E303", file: ctx.file, range: at.range, message, help }));
  for (const { name, at, what } of watched(training)) {
    const base = name.replace(/^val_/, "");
    if (base === "accuracy" && listed && !listed.has("accuracy")) {
      report(at, `${what} watches \`${name}\`, but \`metrics\` does not compute accuracy`, `add \`accuracy\` to \`metrics\`, or watch \`${name.replace("accuracy", "loss")}\``);
    } else if (base === "accuracy" && targets === "regression") {
      report(at, `${what} watches \`${name}\`, but \`${training.data?.name}\` has real-valued targets: accuracy needs classes`, `watch \`${name.replace("accuracy", "loss")}\` instead`);
    } else if (isValidationMetric(name) && source === "none") {
      const dataset = training.data?.name;
      const fromData = dataset === "mnist" || dataset === "adding_problem" ? `give \`${dataset}\` a validation part, ` : "";
      report(at, `${what} watches \`${name}\`, but the training has no validation data`, `${fromData}add \`validation: 0.1\` (a fraction of the training data), or watch \`${base}\``);
    }
  }
};

/** Every metric a setting watches, with where it is written (the setting itself for a default). */
function watched(training: BoundTraining): { name: string; at: Expr; what: string }[] {
  const found: { name: string; at: Expr; what: string }[] = [];
  const add = (args: BoundArgs, param: string, fallback: Expr, what: string): void => {
    const name = watchedMetric(training, args, param);
    if (name) found.push({ name, at: args.get(param)?.node ?? fallback, what });
  };
  const early = ctorOf(valueOf(training, "early_stopping"));
  const earlyExpr = exprOf(training, "early_stopping");
  if (early && earlyExpr) add(early.args, "monitor", earlyExpr, "early stopping");
  forEachSchedule(valueOf(training, "schedule"), exprOf(training, "schedule"), (name, args, at) => {
    if (name === "on_plateau") add(args, "monitor", at, "`on_plateau`");
  });
  const objective = ctorOf(valueOf(training, "objective"));
  const objectiveExpr = exprOf(training, "objective");
  if (objective && objectiveExpr) add(objective.args, "metric", objectiveExpr, "the objective");
  return found;
}

/** The metrics a `metrics:` list makes the run compute besides the loss; undefined without the key. */
function listedMetrics(training: BoundTraining): Set<string> | undefined {
  const list = valueOf(training, "metrics");
  if (!list || list.kind !== "list") return undefined;
  return new Set(list.items.flatMap((item) => ctorOf(item)?.name ?? []));
}
