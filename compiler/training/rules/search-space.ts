/**
 * A training is only valid if its hyper-parameter search can run (E304), beyond what the binder checks
 * of each space: `tune: grid` enumerates values, so it cannot search a continuous `uniform` or
 * `log_uniform` range (reported on that range); `random` and `bayesian` need at least one trial;
 * the keys every trial must share (`tune`, `objective`, `seed`, `repeats`, `ensemble`, `folds`:
 * bound.ts's UNSEARCHABLE_KEYS) are not searched; and a model argument or a layer's argument takes
 * finitely many values (`choice`, `int_uniform`), because generated code builds one model per value.
 */
import type { Range } from "../../../grammar/ast.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import type { Value } from "../../schema/values.js";
import { ctorOf, exprOf, numberArg, searchSpaces, UNSEARCHABLE_KEYS, valueOf } from "../bound.js";
import type { TrainingKey } from "../keys.js";
import { layerSearches } from "../layer-searches.js";
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
  const invalid = (range: Range, message: string, help: string, file = ctx.file): void =>
    ctx.report(diagnostic({ code: "E304", file, range, message, help }));
  const spaces = searchSpaces(training, ctx.file);
  const unsearchable = new Set<TrainingKey>();
  for (const space of spaces) {
    const fixed = space.key && UNSEARCHABLE_KEYS[space.key];
    if (space.key && fixed && !unsearchable.has(space.key)) {
      unsearchable.add(space.key);
      invalid(space.range, `\`${space.key}\` cannot be searched: it ${fixed.why}`, fixed.help);
    }
    if (space.key !== undefined || (space.kind !== "uniform" && space.kind !== "log_uniform")) continue;
    // A space that does not fit its parameter (an integer's, a name's) was reported by the binder.
    const value = space.layer?.value ?? space.value;
    if (value?.kind === "search" && value.space.representative.kind === "unknown") continue;
    if (space.layer) {
      invalid(
        space.range,
        `the layer argument \`${space.path}\` is searched over a continuous range, but generated code builds the model once per value`,
        "list the values to try with `choice(…)`",
        space.file,
      );
    } else {
      invalid(
        space.range,
        `the model argument \`${space.path.replace(/^model\./, "")}\` is searched over a continuous range, but generated code builds one model per value`,
        "list the values to try with `choice(…)`, or use `int_uniform(…)` for an integer",
      );
    }
  }
  const layers = training.model ? layerSearches(training.model) : [];
  const variants = [...(training.model?.params.values() ?? []), ...layers.map((l) => l.value)].reduce((n, v) => n * valueCount(v), 1);
  if (variants > MAX_MODEL_VARIANTS) {
    invalid(
      training.decl.model.range,
      `the search over model ${layers.length > 0 ? "and layer " : ""}arguments builds ${Number.isFinite(variants) ? variants : "too many"} models, more than the ${MAX_MODEL_VARIANTS} generated code holds`,
      "narrow the arguments' ranges, or search fewer of them at once",
    );
  }
  const tune = ctorOf(valueOf(training, "tune"));
  const tuneExpr = exprOf(training, "tune");
  if (!tune || !tuneExpr) return;
  if (tune.name === "grid") {
    for (const space of spaces) {
      // A model's or a layer's continuous range is reported above.
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
