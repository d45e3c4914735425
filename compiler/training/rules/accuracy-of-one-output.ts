/**
 * Accuracy is a number per output: a model with several outputs has no single `accuracy` or
 * `val_accuracy` for early stopping, `on_plateau` or the objective to watch (E303, on the metric as
 * written). Monitors left to their default watch `val_loss`, the weighted total, on such models.
 */
import type { Expr } from "../../../grammar/ast.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import type { BoundArgs, Value } from "../../schema/values.js";
import { ctorOf, enumArg, exprOf, hasSeveralOutputs, valueOf } from "../bound.js";
import type { TrainingRule } from "./rule.js";

export const accuracyOfOneOutput: TrainingRule = (training, ctx) => {
  const model = training.model;
  if (!model || !hasSeveralOutputs(training)) return;
  const written: { args: BoundArgs; param: string; what: string }[] = [];
  const early = ctorOf(valueOf(training, "early_stopping"));
  if (early) written.push({ args: early.args, param: "monitor", what: "early stopping" });
  forEachSchedule(valueOf(training, "schedule"), (name, args) => {
    if (name === "on_plateau") written.push({ args, param: "monitor", what: "`on_plateau`" });
  });
  const objective = ctorOf(valueOf(training, "objective"));
  if (objective && exprOf(training, "objective")) written.push({ args: objective.args, param: "metric", what: "the objective" });
  for (const { args, param, what } of written) {
    const node: Expr | undefined = args.get(param)?.node;
    const name = enumArg(args, param);
    if (!node || !name?.endsWith("accuracy")) continue;
    const loss = name.startsWith("val_") ? "val_loss" : "loss";
    ctx.report(
      diagnostic({
        code: "E303",
        file: ctx.file,
        range: node.range,
        message: `${what} watches \`${name}\`, but model \`${model.name}\` has ${model.outputs.length} outputs: each has its own accuracy`,
        labels: model.outputs.map((o) => ({ ...o.definedAt, message: `output \`${o.name}\`` })),
        help: `monitor \`${loss}\` (the weighted total)`,
        fixes: [{ title: `Watch \`${loss}\``, edits: [{ file: ctx.file, range: node.range, newText: loss }] }],
      }),
    );
  }
};

/** Calls `visit` for a schedule value and, through `warmup(then: …)`, the schedules it wraps. */
function forEachSchedule(value: Value | undefined, visit: (name: string, args: BoundArgs) => void): void {
  const schedule = ctorOf(value);
  if (!schedule) return;
  visit(schedule.name, schedule.args);
  if (schedule.name === "warmup") forEachSchedule(schedule.args.get("then")?.value, visit);
}
