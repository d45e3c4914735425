/**
 * A learning-rate schedule must take effect within the training (E303, on the argument at fault): a
 * warm-up shorter than `epochs`, steps (`step(every)`, `multistep(at)`) at epochs the training
 * reaches, and a `min_lr` of `cosine` or `on_plateau` below the optimizer's learning rate. Schedules
 * wrapped by `warmup(then: …)` are checked too.
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
  const within = `the training has ${epochs} epoch${epochs === 1 ? "" : "s"} (epochs 0 to ${epochs - 1})`;
  forEachSchedule(valueOf(training, "schedule"), exprOf(training, "schedule"), (name, args, at) => {
    const node = (param: string): Expr => args.get(param)?.node ?? at;
    if (name === "warmup") {
      const n = numberArg(args, "epochs");
      if (n !== undefined && n >= epochs) report(node("epochs"), `the warm-up lasts ${n} epochs, but ${within}`, "shorten the warm-up, or train for more epochs");
    } else if (name === "step") {
      const every = numberArg(args, "every");
      if (every !== undefined && every >= epochs) report(node("every"), `a step every ${every} epochs never happens: ${within}`, "step more often, or train for more epochs");
    } else if (name === "multistep") {
      const list = args.get("at");
      const items = list && concrete(list.value);
      const nodes = list?.node?.kind === "List" ? list.node.items : [];
      if (items?.kind !== "list") return;
      items.items.forEach((item, i) => {
        const c = concrete(item);
        if (c.kind === "number" && c.value >= epochs) {
          report(nodes[i] ?? node("at"), `the step at epoch ${c.value} never happens: ${within}`, "list epochs below `epochs`, or train for more epochs");
        }
      });
    } else if ((name === "cosine" || name === "on_plateau") && lr !== undefined) {
      const min = numberArg(args, "min_lr");
      if (min !== undefined && min >= lr) report(node("min_lr"), `\`min_lr\` ${min} is not below the learning rate ${lr}: \`${name}\` cannot lower it`, `use a \`min_lr\` below ${lr}`);
    }
  });
};
