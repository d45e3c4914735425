/**
 * Checks one `train` block: binds every entry to its key's type (E101 duplicate key, E102 unknown key,
 * E103 missing key, and through the binder E100/E104/E105/E304 inside values), checks what the types
 * cannot say about datasets and schedules, checks the data files it names (E107, E108; what their
 * headers say feeds the rules), runs the training rules (E300–E304, W403), and resolves the settings
 * with their defaults.
 */
import type { Range, TrainDecl, TrainEntry } from "../../grammar/ast.js";
import type { ModelGraph } from "../checker/graph.js";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { didYouMean, formatList } from "../diagnostics/suggest.js";
import { bindValue, replaceWith, type BindContext } from "../schema/bind.js";
import { literalBindContext } from "../schema/literal-context.js";
import type { Value } from "../schema/values.js";
import { boundTraining, type BoundEntry } from "./bound.js";
import { checkDataFiles, type DataFacts } from "./check-data-files.js";
import { checkDataset } from "./check-dataset.js";
import type { DataFileAccess } from "./data-files.js";
import { TRAINING_KEY_NAMES, TRAINING_KEYS, trainingKey, type TrainingKey, type TrainingKeySpec } from "./keys.js";
import { bindLabels } from "./labels.js";
import { resolveTraining } from "./resolve.js";
import type { ResolvedTraining } from "./resolved.js";
import { TRAINING_RULES } from "./rules/index.js";
import { checkSchedule } from "./schedules.js";

export interface TrainingContext {
  readonly file: string;
  report(d: Diagnostic): void;
  /** The trained model, elaborated with this training's arguments; undefined when it is unknown. */
  readonly model?: ModelGraph;
  /** Whether binding the model's arguments (`Mlp(hiden: 30)`) reported an error: then nothing is resolved. */
  readonly argumentsFailed?: boolean;
  /** How data files are looked at (E107, E108, shapes from headers); undefined: they are not. */
  readonly dataFiles?: DataFileAccess;
}

/** What a missing required key would typically be, for the help line. */
export const KEY_EXAMPLES: Partial<Record<TrainingKey, string>> = {
  data: "data: mnist()",
  loss: "loss: cross_entropy",
  optimizer: "optimizer: sgd(lr: 0.1)",
};

/**
 * Checks `decl` and reports into `ctx`. Returns the resolved settings when the training and its model
 * are free of errors, and undefined otherwise.
 */
export function checkTraining(decl: TrainDecl, ctx: TrainingContext): ResolvedTraining | undefined {
  let failed = false;
  const report = (d: Diagnostic): void => {
    if (d.severity === "error") failed = true;
    ctx.report(d);
  };
  const bind = literalBindContext(ctx.file, report);
  const entries = new Map<TrainingKey, BoundEntry>();
  /** Keys that an unknown key was probably meant to be: not reported missing again. */
  const meant = new Set<string>();
  for (const entry of decl.entries) {
    const name = entry.key.name;
    if (name === "") continue; // a hole left by the parser
    const spec = trainingKey(name);
    if (!spec) {
      const guess = reportUnknownKey(entry, bind);
      if (guess) meant.add(guess);
      continue;
    }
    const earlier = entries.get(spec.name);
    if (earlier) {
      report(
        diagnostic({
          code: "E101",
          file: ctx.file,
          range: entry.key.range,
          message: `the key \`${name}\` is given twice`,
          labels: [{ file: ctx.file, range: earlier.entry.key.range, message: "first given here" }],
          help: "remove one of the two",
        }),
      );
      continue;
    }
    entries.set(spec.name, { entry, value: bindEntry(spec, entry, ctx.model, bind, decl) });
  }
  reportMissingKeys(decl, entries, meant, bind);

  const facts = ctx.dataFiles ? checkTrainingFiles(entries, ctx.file, ctx.dataFiles, report) : undefined;
  const training = boundTraining(decl, ctx.model, entries, facts);
  for (const rule of TRAINING_RULES) rule(training, { file: ctx.file, report });
  if (failed || ctx.argumentsFailed || !ctx.model || ctx.model.incomplete) return undefined;
  const resolved = resolveTraining(training);
  // Code generation refuses a training without settings; `nnc check` must then not say it is fine.
  if (!resolved) reportUnresolved(decl, training.name, ctx);
  return resolved;
}

/** E000: a training with no error that still could not be resolved is nnc's fault, said as such. */
function reportUnresolved(decl: TrainDecl, name: string, ctx: TrainingContext): void {
  ctx.report(
    diagnostic({
      code: "E000",
      file: ctx.file,
      range: { start: decl.range.start, end: decl.model.range.end },
      message: `internal error: nnc found no mistake in training \`${name}\` but could not resolve its settings (please report)`,
      notes: ["code for this training cannot be generated until this is fixed in nnc"],
    }),
  );
}

/**
 * Checks the files of `data` and of a dataset given as the `validation` key (not its parts: it is
 * used whole, and parts there are E303); returns what their headers say, per key.
 */
function checkTrainingFiles(
  entries: ReadonlyMap<TrainingKey, BoundEntry>,
  file: string,
  files: DataFileAccess,
  report: (d: Diagnostic) => void,
): Map<"data" | "validation", DataFacts> {
  const facts = new Map<"data" | "validation", DataFacts>();
  for (const key of ["data", "validation"] as const) {
    const bound = entries.get(key);
    const found = bound && checkDataFiles(bound.value, bound.entry.value, { file, files, report }, key === "data");
    if (found) facts.set(key, found);
  }
  return facts;
}

function bindEntry(spec: TrainingKeySpec, entry: TrainEntry, model: ModelGraph | undefined, ctx: BindContext, decl: TrainDecl): Value {
  if (spec.name === "freeze" || spec.name === "reinit") return bindLabels(spec.name, entry.value, model, ctx);
  const value = bindValue(spec.type, entry.value, ctx);
  if (spec.name === "data") checkDataset(value, entry.value, ctx, decl.entries.some((e) => e.key.name === "validation"));
  if (spec.name === "validation") checkDataset(value, entry.value, ctx);
  if (spec.name === "schedule") checkSchedule(value, ctx);
  return value;
}

/** Reports E102 and returns the key suggested instead, if any. */
function reportUnknownKey(entry: TrainEntry, ctx: BindContext): string | undefined {
  const { name, range } = entry.key;
  const guess = didYouMean(name, TRAINING_KEY_NAMES);
  ctx.report(
    diagnostic({
      code: "E102",
      file: ctx.file,
      range,
      message: `unknown training key \`${name}\``,
      help: guess ? `did you mean \`${guess}\`?` : `the keys are ${formatList(TRAINING_KEY_NAMES)}`,
      fixes: guess ? [replaceWith(ctx.file, range, guess)] : [],
    }),
  );
  return guess;
}

/**
 * One E103 on the `train` header naming every required key that is missing, except those an unknown
 * key was suggested to be (`optimiser` is E102 with the fix; a second error would say the same).
 */
function reportMissingKeys(decl: TrainDecl, entries: ReadonlyMap<TrainingKey, BoundEntry>, meant: ReadonlySet<string>, ctx: BindContext): void {
  const missing = TRAINING_KEYS.filter((k) => k.required && !entries.has(k.name) && !meant.has(k.name));
  if (missing.length === 0) return;
  const header: Range = { start: decl.range.start, end: decl.model.range.end };
  const name = decl.label?.name || decl.model.name;
  const names = missing.map((k) => `\`${k.name}\``);
  ctx.report(
    diagnostic({
      code: "E103",
      file: ctx.file,
      range: header,
      message: `training \`${name}\` needs ${names.length === 1 ? "the key" : "the keys"} ${joinAnd(names)}`,
      help: `add ${joinAnd(missing.map((k) => `\`${KEY_EXAMPLES[k.name] ?? `${k.name}: …`}\``))}`,
    }),
  );
}

function joinAnd(items: readonly string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
