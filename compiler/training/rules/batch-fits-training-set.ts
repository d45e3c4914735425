/**
 * A batch is no larger than the training set, where the data says how large that is (E303, on the
 * `batch_size` value).
 */
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { exprOf, numberAt } from "../bound.js";
import type { TrainingRule } from "./rule.js";

export const batchFitsTrainingSet: TrainingRule = (training, ctx) => {
  const trainSize = training.data?.trainSize;
  const batch = numberAt(training, "batch_size");
  const batchExpr = exprOf(training, "batch_size");
  if (trainSize === undefined || batch === undefined || !batchExpr || batch <= trainSize) return;
  ctx.report(
    diagnostic({
      code: "E303",
      file: ctx.file,
      range: batchExpr.range,
      message: `a batch of ${batch} is larger than the ${trainSize} training examples`,
      help: `use a \`batch_size\` of at most ${trainSize}`,
    }),
  );
};
