/**
 * The settings of a hyper-parameter search must agree (E303): `objective` ranks the trials of a
 * `tune`, and must not rank the worst first (maximizing a loss, minimizing accuracy); `tune` needs a
 * search space and, without an objective, validation data to rank trials on; a search space needs
 * `tune` (reported once, on the first, with the others as labels).
 */
import type { Range } from "../../../grammar/ast.js";
import { diagnostic, type Label } from "../../diagnostics/diagnostic.js";
import { ctorOf, enumArg, exprOf, searchSpaces, validationSource, valueOf } from "../bound.js";
import { isLossMetric } from "../settings.js";
import type { TrainingRule } from "./rule.js";

export const tuneConsistent: TrainingRule = (training, ctx) => {
  const report = (range: Range, message: string, help: string, labels: Label[] = []): void => ctx.report(diagnostic({ code: "E303", file: ctx.file, range, message, help, labels }));
  const tune = exprOf(training, "tune");
  const objective = exprOf(training, "objective");
  const spaces = searchSpaces(training, ctx.file).filter((s) => s.key !== "tune" && s.key !== "objective");
  if (objective && !tune) {
    report(objective.range, "`objective` ranks the trials of a hyper-parameter search, but the training has no `tune`", "add `tune: random(trials: 20)`, or remove `objective`");
  }
  const goal = ctorOf(valueOf(training, "objective"));
  const metric = goal && enumArg(goal.args, "metric");
  if (goal && metric && objective && (goal.name === "maximize") === isLossMetric(metric)) {
    const other = goal.name === "maximize" ? "minimize" : "maximize";
    report(objective.range, `\`${goal.name}(${metric})\` would rank the worst trial first`, `use \`${other}(${metric})\``);
  }
  // A model with an error may have lost the layers that hold its search spaces: it says nothing then.
  if (tune && spaces.length === 0 && !training.model?.incomplete) {
    report(tune.range, "`tune` has nothing to search: no value is a search space", "write a search space where a value goes, e.g. `lr: log_uniform(0.001, 1.0)` or `Model(hidden: choice(30, 100))`");
  } else if (tune && !objective && validationSource(training) === "none") {
    report(tune.range, "`tune` ranks trials on validation data, but the training has none", "add `validation: 0.1`, or say what to rank by: `objective: minimize(loss)`");
  }
  if (!tune && spaces.length > 0) {
    const [first, ...rest] = spaces;
    // A layer's space is written in the model: the training that trains it without `tune` is named.
    const trained = !first.layer ? [] : [{ file: ctx.file, range: training.decl.model.range, message: `trained here by \`${training.name}\`, which has no \`tune\`` }];
    ctx.report(
      diagnostic({
        code: "E303",
        file: first.file,
        range: first.range,
        message: `\`${first.kind}(…)\` ${first.layer ? `in \`${first.path}\` ` : ""}is a search space, but the training has no \`tune\``,
        help: "add `tune: random(trials: 20)` (or `grid`, `bayesian(trials: 20)`), or write a single value",
        labels: [...trained, ...rest.map((s) => ({ file: s.file, range: s.range, message: "also a search space" }))],
      }),
    );
  }
};
