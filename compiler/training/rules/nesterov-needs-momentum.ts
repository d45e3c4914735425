/**
 * Nesterov's method is a kind of momentum: `sgd(nesterov: true)` needs a `momentum` above 0 (E303,
 * on the `nesterov` argument).
 */
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { boolArg, ctorOf, exprOf, numberArg, valueOf } from "../bound.js";
import type { TrainingRule } from "./rule.js";

export const nesterovNeedsMomentum: TrainingRule = (training, ctx) => {
  const opt = ctorOf(valueOf(training, "optimizer"));
  if (opt?.name !== "sgd" || boolArg(opt.args, "nesterov") !== true || numberArg(opt.args, "momentum") !== 0) return;
  const at = opt.args.get("nesterov")?.node ?? exprOf(training, "optimizer");
  if (!at) return;
  ctx.report(
    diagnostic({
      code: "E303",
      file: ctx.file,
      range: at.range,
      message: "Nesterov's method is a kind of momentum, but `momentum` is 0",
      help: "add `momentum: 0.9`",
    }),
  );
};
