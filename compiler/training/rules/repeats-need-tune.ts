/**
 * `repeats` trains each trial of a hyper-parameter search several times and ranks it on the mean,
 * so it needs `tune` (E303, on the `repeats` value).
 */
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { exprOf } from "../bound.js";
import type { TrainingRule } from "./rule.js";

export const repeatsNeedTune: TrainingRule = (training, ctx) => {
  const repeats = exprOf(training, "repeats");
  if (!repeats || exprOf(training, "tune")) return;
  ctx.report(
    diagnostic({
      code: "E303",
      file: ctx.file,
      range: repeats.range,
      message: "`repeats` trains each trial of a hyper-parameter search several times, but the training has no `tune`",
      help: "add `tune: grid` (or `random(trials: 20)`) with a search space, or remove `repeats`; for several networks from different seeds, use `ensemble`",
    }),
  );
};
