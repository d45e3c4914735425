/**
 * `vote` combines the networks of an ensemble, so it needs `ensemble` with more than one network; a
 * majority vote also needs class predictions (E303, on the `vote` value).
 */
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { concrete } from "../../schema/values.js";
import { exprOf, numberAt, valueOf } from "../bound.js";
import type { TrainingRule } from "./rule.js";

export const voteNeedsEnsemble: TrainingRule = (training, ctx) => {
  const vote = exprOf(training, "vote");
  if (!vote) return;
  const ensemble = numberAt(training, "ensemble");
  if (!training.entries.has("ensemble") || ensemble === 1) {
    ctx.report(
      diagnostic({
        code: "E303",
        file: ctx.file,
        range: vote.range,
        message: "`vote` combines the networks of an ensemble, but the training trains one network",
        help: "add `ensemble: 5` (or another count), or remove `vote`",
      }),
    );
    return;
  }
  const v = valueOf(training, "vote");
  const c = v && concrete(v);
  if (c?.kind === "enum" && c.name === "majority" && training.data?.targets.kind === "regression") {
    ctx.report(
      diagnostic({
        code: "E303",
        file: ctx.file,
        range: vote.range,
        message: `a majority vote needs class predictions, but \`${training.data.name}\` has real-valued targets`,
        help: "use `vote: mean`",
      }),
    );
  }
};
