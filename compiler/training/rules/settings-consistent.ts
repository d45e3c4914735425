/**
 * A training is only valid if its settings do not contradict each other (E303, on the value at
 * fault): a `val_*` metric needs validation data, and accuracy needs class targets; `vote` needs an
 * `ensemble`; `objective` needs `tune`, `tune` needs a search space and a search space needs `tune`;
 * `freeze` and `reinit` need `init_from` and exclude each other; a schedule must take effect within
 * `epochs`; Nesterov needs momentum; validation data is given once; cross-entropy needs class
 * targets; image transforms need images; a batch is no larger than the training set. Validation
 * data comes from one place: the key, folds, or the source's own part; a dataset given as the
 * `validation` key has no parts of its own.
 */
import type { Expr, Range } from "../../../grammar/ast.js";
import { diagnostic, type Label } from "../../diagnostics/diagnostic.js";
import { concrete, type BoundArgs, type Value } from "../../schema/values.js";
import {
  boolArg,
  ctorOf,
  enumArg,
  exprOf,
  numberArg,
  numberAt,
  searchSpaces,
  validationSource,
  valueOf,
  watchedMetric,
  writtenLosses,
  type BoundTraining,
} from "../bound.js";
import { isUserSource } from "../datasets.js";
import { CLASSIFICATION_LOSSES } from "../losses.js";
import { isLossMetric, isValidationMetric } from "../settings.js";
import type { TrainingRule, TrainingRuleContext } from "./rule.js";

/** Epochs when the key is absent (see resolved.ts). */
const DEFAULT_EPOCHS = 10;

type Report = (range: Range, message: string, help: string, labels?: Label[]) => void;

export const settingsConsistent: TrainingRule = (training, ctx) => {
  const report: Report = (range, message, help, labels = []) =>
    ctx.report(diagnostic({ code: "E303", file: ctx.file, range, message, help, labels }));
  monitoredMetrics(training, report);
  metrics(training, report);
  ensembleVote(training, report);
  search(training, report, ctx);
  transfer(training, report);
  schedules(training, report);
  optimizer(training, report);
  validation(training, report, ctx);
  dataUse(training, report);
};

/** Every metric a setting watches, with where it is written (the setting itself for a default). */
function watched(training: BoundTraining): { name: string; at: Expr; what: string }[] {
  const found: { name: string; at: Expr; what: string }[] = [];
  const add = (args: BoundArgs, param: string, fallback: Expr, what: string): void => {
    const name = watchedMetric(training, args, param);
    if (name) found.push({ name, at: args.get(param)?.node ?? fallback, what });
  };
  const early = ctorOf(valueOf(training, "early_stopping"));
  const earlyExpr = exprOf(training, "early_stopping");
  if (early && earlyExpr) add(early.args, "monitor", earlyExpr, "early stopping");
  forEachSchedule(valueOf(training, "schedule"), exprOf(training, "schedule"), (name, args, at) => {
    if (name === "on_plateau") add(args, "monitor", at, "`on_plateau`");
  });
  const objective = ctorOf(valueOf(training, "objective"));
  const objectiveExpr = exprOf(training, "objective");
  if (objective && objectiveExpr) add(objective.args, "metric", objectiveExpr, "the objective");
  return found;
}

/** The metrics a `metrics:` list makes the run compute besides the loss; undefined without the key. */
function listedMetrics(training: BoundTraining): Set<string> | undefined {
  const list = valueOf(training, "metrics");
  if (!list || list.kind !== "list") return undefined;
  return new Set(list.items.flatMap((item) => ctorOf(item)?.name ?? []));
}

function monitoredMetrics(training: BoundTraining, report: Report): void {
  const source = validationSource(training);
  const targets = training.data?.targets.kind;
  const listed = listedMetrics(training);
  for (const { name, at, what } of watched(training)) {
    const base = name.replace(/^val_/, "");
    if (base === "accuracy" && listed && !listed.has("accuracy")) {
      report(at.range, `${what} watches \`${name}\`, but \`metrics\` does not compute accuracy`, `add \`accuracy\` to \`metrics\`, or watch \`${name.replace("accuracy", "loss")}\``);
    } else if (base === "accuracy" && targets === "regression") {
      report(at.range, `${what} watches \`${name}\`, but \`${training.data?.name}\` has real-valued targets: accuracy needs classes`, `watch \`${name.replace("accuracy", "loss")}\` instead`);
    } else if (isValidationMetric(name) && source === "none") {
      const dataset = training.data?.name;
      const fromData = dataset === "mnist" || dataset === "adding_problem" ? `give \`${dataset}\` a validation part, ` : "";
      report(at.range, `${what} watches \`${name}\`, but the training has no validation data`, `${fromData}add \`validation: 0.1\` (a fraction of the training data), or watch \`${base}\``);
    }
  }
}

function metrics(training: BoundTraining, report: Report): void {
  const list = valueOf(training, "metrics");
  const expr = exprOf(training, "metrics");
  const info = training.data;
  if (!list || !expr || list.kind !== "list" || !info) return;
  list.items.forEach((item, i) => {
    const metric = ctorOf(item);
    const at = expr.kind === "List" ? (expr.items[i] ?? expr) : expr;
    if (!metric) return;
    if ((metric.name === "accuracy" || metric.name === "top_k") && info.targets.kind === "regression") {
      report(at.range, `\`${metric.name}\` needs class targets, but \`${info.name}\` has real-valued targets`, "use `mae` or `loss`");
      return;
    }
    const k = metric.name === "top_k" ? numberArg(metric.args, "k") : undefined;
    if (k !== undefined && info.targets.kind === "classes" && info.targets.classes !== undefined && k >= info.targets.classes) {
      report((metric.args.get("k")?.node ?? at).range, `\`top_k(${k})\` is always 1: \`${info.name}\` has only ${info.targets.classes} classes`, `use a k below ${info.targets.classes}`);
    }
  });
}

function ensembleVote(training: BoundTraining, report: Report): void {
  const vote = exprOf(training, "vote");
  if (!vote) return;
  const ensemble = numberAt(training, "ensemble");
  if (!training.entries.has("ensemble") || ensemble === 1) {
    report(vote.range, "`vote` combines the networks of an ensemble, but the training trains one network", "add `ensemble: 5` (or another count), or remove `vote`");
    return;
  }
  const v = valueOf(training, "vote");
  if (v && concrete(v).kind === "enum" && nameIs(v, "majority") && training.data?.targets.kind === "regression") {
    report(vote.range, `a majority vote needs class predictions, but \`${training.data.name}\` has real-valued targets`, "use `vote: mean`");
  }
}

function search(training: BoundTraining, report: Report, ctx: TrainingRuleContext): void {
  const tune = exprOf(training, "tune");
  const objective = exprOf(training, "objective");
  const spaces = searchSpaces(training).filter((s) => s.key !== "tune" && s.key !== "objective");
  if (objective && !tune) {
    report(objective.range, "`objective` ranks the trials of a hyper-parameter search, but the training has no `tune`", "add `tune: random(trials: 20)`, or remove `objective`");
  }
  const goal = ctorOf(valueOf(training, "objective"));
  const metric = goal && enumArg(goal.args, "metric");
  if (goal && metric && objective && (goal.name === "maximize") === isLossMetric(metric)) {
    const other = goal.name === "maximize" ? "minimize" : "maximize";
    report(objective.range, `\`${goal.name}(${metric})\` would rank the worst trial first`, `use \`${other}(${metric})\``);
  }
  if (tune && spaces.length === 0) {
    report(tune.range, "`tune` has nothing to search: no value is a search space", "write a search space where a value goes, e.g. `lr: log_uniform(0.001, 1.0)` or `Model(hidden: choice(30, 100))`");
  } else if (tune && !objective && validationSource(training) === "none") {
    report(tune.range, "`tune` ranks trials on validation data, but the training has none", "add `validation: 0.1`, or say what to rank by: `objective: minimize(loss)`");
  }
  if (!tune && spaces.length > 0) {
    const [first, ...rest] = spaces;
    report(
      first.range,
      `\`${first.kind}(…)\` is a search space, but the training has no \`tune\``,
      "add `tune: random(trials: 20)` (or `grid`, `bayesian(trials: 20)`), or write a single value",
      rest.map((s) => ({ file: ctx.file, range: s.range, message: "also a search space" })),
    );
  }
}

function transfer(training: BoundTraining, report: Report): void {
  const loads = training.entries.has("init_from");
  for (const key of ["freeze", "reinit"] as const) {
    const expr = exprOf(training, key);
    if (expr && !loads) {
      report(expr.range, `\`${key}\` applies to weights loaded with \`init_from\`, but the training loads none`, 'add `init_from: "runs/…/model.json"`, the model an earlier training saved');
    }
  }
  const frozen = new Set(labelsOf(valueOf(training, "freeze")));
  const reinit = exprOf(training, "reinit");
  const items = reinit?.kind === "List" ? reinit.items : reinit ? [reinit] : [];
  for (const item of items) {
    if (item.kind === "Name" && frozen.has(item.name.name)) {
      report(item.range, `\`${item.name.name}\` is both frozen and re-initialised: its fresh random weights would never train`, "remove it from `freeze` or from `reinit`");
    }
  }
}

function schedules(training: BoundTraining, report: Report): void {
  const epochs = numberAt(training, "epochs") ?? DEFAULT_EPOCHS;
  const lr = numberArg(ctorOf(valueOf(training, "optimizer"))?.args ?? new Map(), "lr");
  const within = `the training has ${epochs} epoch${epochs === 1 ? "" : "s"} (epochs 0 to ${epochs - 1})`;
  forEachSchedule(valueOf(training, "schedule"), exprOf(training, "schedule"), (name, args, at) => {
    const node = (param: string): Expr => args.get(param)?.node ?? at;
    if (name === "warmup") {
      const n = numberArg(args, "epochs");
      if (n !== undefined && n >= epochs) report(node("epochs").range, `the warm-up lasts ${n} epochs, but ${within}`, "shorten the warm-up, or train for more epochs");
    } else if (name === "step") {
      const every = numberArg(args, "every");
      if (every !== undefined && every >= epochs) report(node("every").range, `a step every ${every} epochs never happens: ${within}`, "step more often, or train for more epochs");
    } else if (name === "multistep") {
      const list = args.get("at");
      const items = list && concrete(list.value);
      const nodes = list?.node?.kind === "List" ? list.node.items : [];
      if (items?.kind !== "list") return;
      items.items.forEach((item, i) => {
        const c = concrete(item);
        if (c.kind === "number" && c.value >= epochs) {
          report((nodes[i] ?? node("at")).range, `the step at epoch ${c.value} never happens: ${within}`, "list epochs below `epochs`, or train for more epochs");
        }
      });
    } else if ((name === "cosine" || name === "on_plateau") && lr !== undefined) {
      const min = numberArg(args, "min_lr");
      if (min !== undefined && min >= lr) report(node("min_lr").range, `\`min_lr\` ${min} is not below the learning rate ${lr}: \`${name}\` cannot lower it`, `use a \`min_lr\` below ${lr}`);
    }
  });
}

function optimizer(training: BoundTraining, report: Report): void {
  const opt = ctorOf(valueOf(training, "optimizer"));
  if (opt?.name !== "sgd" || boolArg(opt.args, "nesterov") !== true || numberArg(opt.args, "momentum") !== 0) return;
  const at = opt.args.get("nesterov")?.node ?? exprOf(training, "optimizer");
  if (at) report(at.range, "Nesterov's method is a kind of momentum, but `momentum` is 0", "add `momentum: 0.9`");
}

function validation(training: BoundTraining, report: Report, ctx: TrainingRuleContext): void {
  const key = exprOf(training, "validation");
  const folds = exprOf(training, "folds");
  const data = ctorOf(valueOf(training, "data"));
  const own = data?.args.get("validation");
  // mnist and adding_problem always have a validation count; a user source has a part only when written.
  const hasOwn = own?.node && (data && isUserSource(data.name) ? true : (numberArg(data?.args ?? new Map(), "validation") ?? 0) > 0);
  const ownLabel = own?.node ? [{ file: ctx.file, range: own.node.range, message: "the dataset's validation part" }] : [];
  if (key && hasOwn) {
    report(key.range, `validation data is given twice: by \`validation\` and by \`${data?.name}(validation: …)\``, "keep one of the two", ownLabel);
  }
  if (folds && key) {
    report(folds.range, "cross-validation validates on folds of the training data, but `validation` gives other validation data", "remove `folds` or `validation`", [
      { file: ctx.file, range: key.range, message: "validation data given here" },
    ]);
  } else if (folds && hasOwn && data && isUserSource(data.name)) {
    report(folds.range, `cross-validation validates on folds of the training data, but \`${data.name}(validation: …)\` gives a validation part`, `remove \`folds\` or the \`validation\` part of \`${data.name}\``, ownLabel);
  }
  // A dataset given as the validation key is validation data as a whole: parts of it would be ignored.
  const separate = ctorOf(valueOf(training, "validation"));
  if (separate && isUserSource(separate.name)) {
    for (const part of ["test", "validation"] as const) {
      const node = separate.args.get(part)?.node;
      if (node) {
        report(node.range, `the validation dataset is used whole: its \`${part}\` part would be ignored`, `remove \`${part}:\` here; parts belong to the \`data\` source`);
      }
    }
  }
}

function dataUse(training: BoundTraining, report: Report): void {
  const info = training.data;
  if (!info) return;
  for (const loss of writtenLosses(training)) {
    if (CLASSIFICATION_LOSSES.includes(loss.name) && info.targets.kind === "regression") {
      report(loss.at.range, `\`${loss.name}\` needs class targets, but \`${info.name}\` has real-valued targets`, "use `mse`, `mae` or `huber`");
    }
  }
  // Several inputs are reported by the transforms-one-input rule.
  const severalInputs = (training.model?.inputs.length ?? 0) > 1;
  for (const key of ["augment", "expand"] as const) {
    const expr = exprOf(training, key);
    if (expr && info.images === false && !severalInputs) {
      report(expr.range, `\`${key}\` transforms images, but \`${info.name}\` gives ${info.name === "adding_problem" ? "sequences" : "vectors"}`, `remove \`${key}\``);
    }
  }
  const batch = numberAt(training, "batch_size");
  const batchExpr = exprOf(training, "batch_size");
  if (batch !== undefined && batchExpr && info.trainSize !== undefined && batch > info.trainSize) {
    report(batchExpr.range, `a batch of ${batch} is larger than the ${info.trainSize} training examples`, `use a \`batch_size\` of at most ${info.trainSize}`);
  }
}

/** Calls `visit` for a schedule value and, through `warmup(then: …)`, the schedules it wraps. */
function forEachSchedule(value: Value | undefined, expr: Expr | undefined, visit: (name: string, args: BoundArgs, at: Expr) => void): void {
  const schedule = ctorOf(value);
  if (!schedule || !expr) return;
  visit(schedule.name, schedule.args, expr);
  const then = schedule.name === "warmup" ? schedule.args.get("then") : undefined;
  if (then?.node) forEachSchedule(then.value, then.node, visit);
}

function labelsOf(value: Value | undefined): string[] {
  if (!value || value.kind !== "list") return [];
  return value.items.flatMap((i) => (i.kind === "enum" ? [i.name] : []));
}

function nameIs(value: Value, name: string): boolean {
  const c = concrete(value);
  return c.kind === "enum" && c.name === name;
}
