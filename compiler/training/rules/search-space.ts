/**
 * A training is only valid if its hyper-parameter search can run (E304), beyond what the binder checks
 * of each space: `tune: grid` enumerates values, so it cannot search a continuous `uniform` or
 * `log_uniform` range (reported on that range); `random` and `bayesian` need at least one trial;
 * the search settings themselves (`tune`, `objective`) are not searched; and a model argument takes
 * finitely many values (`choice`, `int_uniform`), because generated code builds one model per value.
 */
import type { Range } from "../../../grammar/ast.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import type { Value } from "../../schema/values.js";
import { ctorOf, exprOf, numberArg, searchSpaces, valueOf } from "../bound.js";
import type { TrainingRule } from "./rule.js";

/** How many models generated code builds at most for one training: one per binding of its model's searched arguments. */
export const MAX_MODEL_VARIANTS = 64;

/** How many values a model argument takes: one, a choice's options, an integer range's integers. */
function valueCount(value: Value): number {
  if (value.kind !== "search") return 1;
  const { kind, options } = value.space;
  if (kind === "choice") return options.reduce((n, o) => n + valueCount(o), 0);
  if (kind === "int_uniform") {
    const [low, high] = options.map((o) => (o.kind === "number" ? o.value : NaN));
    return Number.isFinite(low) && Number.isFinite(high) ? Math.max(0, Math.floor(high) - Math.ceil(low) + 1) : 1;
  }
  return 1;
}

export const searchSpace: TrainingRule = (training, ctx) => {
  const invalid = (range: Range, message: string, help: string): void =>
    ctx.report(diagnostic({ code: "E304", file: ctx.file, range, message, help }));
  const spaces = searchSpaces(training);
  for (const space of spaces) {
    if (space.key === "tune" || space.key === "objective") {
      invalid(space.range, `\`${space.key}\` says how to search; it cannot be searched itself`, "write a single value");
    }
    if (space.key === undefined && (space.kind === "uniform" || space.kind === "log_uniform")) {
      invalid(
        space.range,
        `the model argument \`${space.path.replace(/^model\./, "")}\` is searched over a continuous range, but generated code builds one model per value`,
        "list the values to try with `choice(…)`, or use `int_uniform(…)` for an integer",
      );
    }
  }
  const variants = [...(training.model?.params.values() ?? [])].reduce((n, v) => n * valueCount(v), 1);
  if (variants > MAX_MODEL_VARIANTS) {
    invalid(
      training.decl.model.range,
      `the search over model arguments builds ${Number.isFinite(variants) ? variants : "too many"} models, more than the ${MAX_MODEL_VARIANTS} generated code holds`,
      "narrow the arguments' ranges, or search fewer of them at once",
    );
  }
  const tune = ctorOf(valueOf(training, "tune"));
  const tuneExpr = exprOf(training, "tune");
  if (!tune || !tuneExpr) return;
  if (tune.name === "grid") {
    for (const space of spaces) {
      // A model argument's continuous range is reported above.
      if ((space.kind !== "uniform" && space.kind !== "log_uniform") || space.key === undefined) continue;
      invalid(
        space.range,
        `\`tune: grid\` tries every value, but \`${space.kind}(…)\` at \`${space.path}\` is a continuous range`,
        "list the values to try with `choice(…)`, or use `tune: random(trials: 20)`",
      );
    }
    return;
  }
  const trials = numberArg(tune.args, "trials");
  if (trials !== undefined && trials < 1) {
    invalid((tune.args.get("trials")?.node ?? tuneExpr).range, `\`${tune.name}\` search needs at least one trial; found ${trials}`, "use `trials: 20` or more");
  }
};
