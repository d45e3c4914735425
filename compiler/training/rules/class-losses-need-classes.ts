/**
 * A classification loss (`cross_entropy`, `binary_cross_entropy`, …) needs class targets (E303, on
 * the loss as written, each list item on its own).
 */
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { writtenLosses } from "../bound.js";
import { CLASSIFICATION_LOSSES } from "../losses.js";
import type { TrainingRule } from "./rule.js";

export const classLossesNeedClasses: TrainingRule = (training, ctx) => {
  const info = training.data;
  if (!info || info.targets.kind !== "regression") return;
  for (const loss of writtenLosses(training)) {
    if (!CLASSIFICATION_LOSSES.includes(loss.name)) continue;
    ctx.report(
      diagnostic({
        code: "E303",
        file: ctx.file,
        range: loss.at.range,
        message: `\`${loss.name}\` needs class targets, but \`${info.name}\` has real-valued targets`,
        help: "use `mse`, `mae` or `huber`",
      }),
    );
  }
};
