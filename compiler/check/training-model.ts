/**
 * A trained model elaborated with its training's arguments. What goes wrong there is reported in the
 * model, where the layer is, but the cause may be a value written in the training: `kernel: k` reads
 * as 3, the default, while training `big` says `k: 40`. So a diagnostic that the model with its
 * defaults does not give carries a label at each argument of the training that differs from its
 * default: "`k` is 40 in training `big`" (brief §7: diagnostics say where values came from).
 */
import type { ModelDecl, TrainDecl } from "../../grammar/ast.js";
import type { Diagnostic, Label } from "../diagnostics/diagnostic.js";
import { elaborateModel } from "../checker/elaborate.js";
import type { ModelGraph } from "../checker/graph.js";
import type { Declared } from "../checker/program.js";
import { MODEL_RULES } from "../checker/rules/index.js";
import { valueToString, type BoundArgs, type Value } from "../schema/values.js";
import { elaborateVariant, modelVariants } from "../training/model-variants.js";
import type { CheckContext } from "./check-cache.js";

/** The training whose arguments bind the model: its declaration, name, file and bound arguments. */
export interface TrainingArguments {
  readonly decl: TrainDecl;
  readonly name: string;
  readonly file: string;
  readonly args: BoundArgs;
}

/**
 * Elaborates `model` with `training`'s arguments and runs the model rules on it, reporting into
 * `context`; diagnostics these arguments cause are labelled at them.
 */
export function elaborateForTraining(model: Declared<ModelDecl>, training: TrainingArguments, context: Pick<CheckContext, "program" | "report" | "blockCalled">): ModelGraph {
  const params = new Map<string, Value>([...training.args].map(([name, a]) => [name, a.value]));
  const found: Diagnostic[] = [];
  const graph = elaborateAndRun(model, params, context, (d) => found.push(d));
  if (found.length === 0 || training.args.size === 0) {
    for (const d of found) context.report(d);
    return graph;
  }

  // The same model with its defaults, unreported: what it says too does not come from the training.
  const fromDefaults = new Set<string>();
  const defaults = elaborateAndRun(model, new Map(), { program: context.program }, (d) => fromDefaults.add(sameFault(d)));
  const labels = argumentLabels(training, defaults.params);
  for (const d of found) context.report(labels.length === 0 || fromDefaults.has(sameFault(d)) ? d : { ...d, labels: [...d.labels, ...labels] });
  return graph;
}

/**
 * Checks `model` as each variant `training`'s search builds (generated code builds every one, so
 * each must check, not only the search's first values): an error a variant has that `graph`, the
 * model with the search's first values, does not have is reported with a label naming the variant's
 * values ("with `k` = 50 from `choice(3, 50)` in training `s`"). A continuous range or too many
 * variants is E304 (search-space.ts), and nothing is enumerated.
 */
export function checkVariants(model: Declared<ModelDecl>, graph: ModelGraph, training: TrainingArguments, context: Pick<CheckContext, "program" | "report">): void {
  const variants = modelVariants(graph);
  if (variants.kind !== "searched") return;
  // What the check of `graph` reported: elaborated again, unreported, as `graph` was.
  const reported = new Set<string>();
  const params = new Map<string, Value>([...training.args].map(([name, a]) => [name, a.value]));
  elaborateModel(model, params, { program: context.program, report: (d) => reported.add(sameFault(d)) });
  let fixedLabels: Label[] | undefined;
  for (const binding of variants.bindings) {
    const found: Diagnostic[] = [];
    elaborateVariant(model, variants, binding, { program: context.program, report: (d) => void (d.severity === "error" && !reported.has(sameFault(d)) && found.push(d)) });
    if (found.length === 0) continue;
    // The training's plain arguments that differ from their defaults are labelled as `graph`'s faults are.
    fixedLabels ??= argumentLabels(training, elaborateModel(model, new Map(), { program: context.program, report: () => {} }).params, false);
    const labels = [...fixedLabels, variantLabel(variants.dimensions, binding, training)];
    for (const d of found) context.report({ ...d, labels: [...d.labels, ...labels] });
  }
}

/**
 * "with `k` = 50 from `choice(3, 50)` in training `s`": when one dimension is searched, at the
 * training's argument (as `argumentLabels` puts it) or the layer's space; else at the training's model.
 */
function variantLabel(dimensions: readonly (readonly [string, Value])[], binding: readonly (readonly [string, Value])[], training: TrainingArguments): Label {
  const searched = dimensions.flatMap(([name, value], i) => (value.kind === "search" ? [{ name, space: value.space, value: binding[i][1] }] : []));
  const values = searched.map((s) => `\`${s.name}\` = ${valueToString(s.value)} from \`${valueToString({ kind: "search", space: s.space })}\``).join(", ");
  const message = `with ${values} in training \`${training.name}\``;
  if (searched.length !== 1) return { file: training.file, range: training.decl.model.range, message };
  const node = training.args.get(searched[0].name)?.node;
  const arg = node && training.decl.args.find((a) => a.value === node);
  return arg ? { file: training.file, range: arg.range, message } : { file: searched[0].space.file, range: searched[0].space.range, message };
}

function elaborateAndRun(
  model: Declared<ModelDecl>,
  params: ReadonlyMap<string, Value>,
  context: Pick<CheckContext, "program"> & Partial<Pick<CheckContext, "blockCalled">>,
  report: (d: Diagnostic) => void,
): ModelGraph {
  const graph = elaborateModel(model, params, { program: context.program, report, blockCalled: context.blockCalled });
  for (const rule of MODEL_RULES) rule(graph, { file: model.file, report });
  return graph;
}

/** What makes two diagnostics the same fault, as the check's deduplication sees it. */
function sameFault(d: Diagnostic): string {
  return `${d.file}:${d.range.start.offset}:${d.range.end.offset}:${d.code}:${d.message}`;
}

/** A label at each argument the training writes whose value is not the parameter's default (`searched`: searched ones too). */
function argumentLabels(training: TrainingArguments, defaults: ReadonlyMap<string, Value>, searched = true): Label[] {
  const labels: Label[] = [];
  for (const [name, { value, node }] of training.args) {
    const arg = node && training.decl.args.find((a) => a.value === node);
    if (!arg || value.kind === "unknown" || (!searched && value.kind === "search")) continue;
    const fallback = defaults.get(name);
    if (fallback && valueToString(fallback) === valueToString(value)) continue;
    const where = `in training \`${training.name}\``;
    const message =
      value.kind === "search"
        ? `\`${name}\` is searched ${where}; the check uses ${valueToString(value.space.representative)}`
        : `\`${name}\` is ${valueToString(value)} ${where}`;
    // A parameter without a default elaborates as its own symbol, which is no default to quote.
    const hasDefault = fallback && fallback.kind !== "unknown" && fallback.kind !== "dim";
    labels.push({ file: training.file, range: arg.range, message: hasDefault ? `${message} (its default is ${valueToString(fallback)})` : message });
  }
  return labels;
}
