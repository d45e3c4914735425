/**
 * A learning-rate schedule must take effect within the training (E303, on the argument at fault): a
 * warm-up shorter than `epochs`, steps (`step(every)`, `multistep(at)`) at epochs the training
 * reaches, and a `min_lr` of `cosine` or `on_plateau` below the optimizer's learning rate. Schedules
 * wrapped by `warmup(then: …)` are checked too, against the epochs left after the warm-up, which is
 * where the runtime starts counting theirs.
 */
import type { Expr } from "../../../grammar/ast.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { concrete } from "../../schema/values.js";
import { ctorOf, exprOf, numberArg, numberAt, valueOf } from "../bound.js";
import { EPOCHS } from "../defaults.js";
import { forEachSchedule } from "./each-schedule.js";
import type { TrainingRule } from "./rule.js";

export const schedulesWithinEpochs: TrainingRule = (training, ctx) => {
  const report = (at: Expr, message: string, help: string): void => ctx.report(diagnostic({ code: "E303", file: ctx.file, range: at.range, message, help }));
  const epochs = numberAt(training, "epochs") ?? EPOCHS.value;
  const lr = numberArg(ctorOf(valueOf(training, "optimizer"))?.args ?? new Map(), "lr");
  forEachSchedule(valueOf(training, "schedule"), exprOf(training, "schedule"), (name, args, at, warmedUp) => {
    const node = (param: string): Expr => args.get(param)?.node ?? at;
    const left = epochs - warmedUp;
    // A warm-up as long as the training is reported on itself; what it wraps never starts.
    if (left <= 0) return;
    const within =
      warmedUp === 0
        ? `the training has ${epochs} epoch${epochs === 1 ? "" : "s"} (epochs 0 to ${epochs - 1})`
        : `after the ${warmedUp}-epoch warm-up the training has ${left} epoch${left === 1 ? "" : "s"} left, which this schedule counts from 0 (0 to ${left - 1})`;
    if (name === "warmup") {
      const n = numberArg(args, "epochs");
      if (n !== undefined && n >= left) report(node("epochs"), `the warm-up lasts ${n} epochs, but ${within}`, "shorten the warm-up, or train for more epochs");
    } else if (name === "step") {
      const every = numberArg(args, "every");
      if (every !== undefined && every >= left) report(node("every"), `a step every ${every} epochs never happens: ${within}`, "step more often, or train for more epochs");
    } else if (name === "multistep") {
      const list = args.get("at");
      const items = list && concrete(list.value);
      const nodes = list?.node?.kind === "List" ? list.node.items : [];
      if (items?.kind !== "list") return;
      items.items.forEach((item, i) => {
        const c = concrete(item);
        if (c.kind === "number" && c.value >= left) {
          report(nodes[i] ?? node("at"), `the step at epoch ${c.value} never happens: ${within}`, warmedUp === 0 ? "list epochs below `epochs`, or train for more epochs" : `list epochs below ${left}, or train for more epochs`);
        }
      });
    } else if ((name === "cosine" || name === "on_plateau") && lr !== undefined) {
      const min = numberArg(args, "min_lr");
      if (min !== undefined && min >= lr) report(node("min_lr"), `\`min_lr\` ${min} is not below the learning rate ${lr}: \`${name}\` cannot lower it`, `use a \`min_lr\` below ${lr}`);
    }
  });
};
