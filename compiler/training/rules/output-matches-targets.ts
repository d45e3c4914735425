/**
 * A training is only valid if the model's outputs fit the data's targets (E301, on the data value,
 * and on a dataset given as the `validation` key):
 * the data names one target per model output (csv one per `label:` column, npy one per `y:` file,
 * json examples name the outputs by key, every other source one), and a single output's shape fits
 * its targets: `[classes]` for class targets (or `[1]` for two classes, a single sigmoid unit), also
 * `[T, classes]` where a label may be a sequence (idx, npy, json), and the targets' shape for
 * regression; an image folder's class folders count its classes when `classes` does not list them.
 * `classes:`/`targets:` describe one output's targets, so json data given them trains a
 * model with one output. Dimension symbols take the sizes they got from the inputs' examples; an
 * output whose size stays unknown is not checked.
 */
import type { Expr } from "../../../grammar/ast.js";
import type { ModelGraph } from "../../checker/graph.js";
import type { Label } from "../../diagnostics/diagnostic.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { shapeToString } from "../../shapes/shape.js";
import type { Value } from "../../schema/values.js";
import { ctorOf } from "../bound.js";
import type { DatasetInfo, Targets } from "../dataset-info.js";
import { inputSizes, outputLayer, sizesOf } from "../model-facts.js";
import type { TrainingRule, TrainingRuleContext } from "./rule.js";

export const outputMatchesTargets: TrainingRule = (training, ctx) => {
  const model = training.model;
  if (!model || model.incomplete || model.outputs.length === 0) return;
  for (const { entry, info } of training.datasets) {
    const at = entry.entry.value;
    if (!outputCountFits(model, info, entry.value, at, ctx)) continue;
    if (model.outputs.length === 1 && info.targets.kind !== "unknown") checkShape(model, info, info.targets, at, ctx);
  }
};

function outputLabels(model: ModelGraph): Label[] {
  return model.outputs.map((o) => ({ ...o.definedAt, message: `output \`${o.name}\` is ${shapeToString(o.tensor.shape)}` }));
}

/** Reports data that names another number of targets than the model has outputs; false then. */
function outputCountFits(model: ModelGraph, info: DatasetInfo, value: Value, at: Expr, ctx: TrainingRuleContext): boolean {
  const outputs = model.outputs;
  const names = outputs.map((o) => `\`${o.name}\``).join(", ");
  if (info.outputCount === "any") {
    if (outputs.length === 1) return true;
    const described = ["classes", "targets"].find((name) => ctorOf(value)?.args.get(name)?.node);
    if (!described) return true;
    ctx.report(
      diagnostic({
        code: "E301",
        file: ctx.file,
        range: at.range,
        message: `\`${described}\` describes the targets of one output, but model \`${model.name}\` has ${outputs.length} outputs (${names})`,
        labels: outputLabels(model),
        help: `remove \`${described}\`: each example's \`y\` is an object with one entry per output (${names}), read as the output's shape says`,
      }),
    );
    return false;
  }
  if (info.outputCount === outputs.length) return true;
  const has = info.outputCount === 1 ? "one target per example" : `${info.outputCount} targets per example`;
  ctx.report(
    diagnostic({
      code: "E301",
      file: ctx.file,
      range: at.range,
      message: `model \`${model.name}\` has ${outputs.length === 1 ? "one output" : `${outputs.length} outputs`} (${names}), but \`${info.name}\` has ${has}`,
      labels: outputLabels(model),
      help: outputCountHelp(info, model),
    }),
  );
  return false;
}

function outputCountHelp(info: DatasetInfo, model: ModelGraph): string {
  const outputs = model.outputs;
  switch (info.name) {
    case "csv":
      return outputs.length === 1
        ? 'give one label column, `label: "y"`'
        : `give one label column per output, in output order: \`label: [${outputs.map((o) => `"${o.name}"`).join(", ")}]\``;
    case "npy":
      return outputs.length === 1 ? 'give one targets file, `y: "y.npy"`' : `give one targets file per output, in output order: \`y: [${outputs.map((o) => `"${o.name}.npy"`).join(", ")}]\``;
    default:
      return `\`${info.name}\` has one target per example: train a model with a single output, or use \`csv\`, \`npy\` or \`json\` data, which can name several`;
  }
}

function checkShape(model: ModelGraph, info: DatasetInfo, targets: Exclude<Targets, { kind: "unknown" }>, at: Expr, ctx: TrainingRuleContext): void {
  const sizes = inputSizes(model.inputs, info.examples);
  const output = model.outputs[0].tensor.shape;
  const actual = sizesOf(output, sizes);
  if (!actual) return;
  const layer = outputLayer(model);
  const labels: Label[] = layer ? [{ ...layer.definedAt, message: `the output, ${shapeToString(output)}, comes from here` }] : [];
  if (targets.kind === "classes") {
    if (classOutputFits(actual, targets)) return;
    if (targets.classes === undefined) {
      ctx.report(
        diagnostic({
          code: "E301",
          file: ctx.file,
          range: at.range,
          message: `model \`${model.name}\` outputs ${shapeToString(output)}, but \`${info.name}\` has one class per example`,
          label: "targets are one class per example: the output needs one unit per class",
          labels,
          help: actual.length > 1 ? "flatten, then end the model with `dense(classes, activation: softmax)`" : "end the model with `dense(classes, activation: softmax)`",
        }),
      );
      return;
    }
  }
  const expected = targets.kind === "classes" ? [targets.classes!] : sizesOf(targets.shape, new Map());
  if (!expected || actual.join() === expected.join()) return;
  const origin = targets.kind === "classes" && info.targetsOrigin ? ` (${info.targetsOrigin})` : "";
  const describeTargets = targets.kind === "classes" ? `${targets.classes} class${targets.classes === 1 ? "" : "es"}${origin}` : `targets of shape ${shapeToString(targets.shape)}`;
  const width = expected.length === 1 ? expected[0] : undefined;
  const units = layer?.def.name === "dense" && actual.length === 1 ? layer.args.get("units")?.node : undefined;
  const help =
    width === undefined
      ? `make the model's output [${expected.join(", ")}]`
      : units
        ? `give the last layer ${width} unit${width === 1 ? "" : "s"}`
        : actual.length > 1 && !(targets.kind === "classes" && !targets.perExample)
          ? `flatten, then end the model with \`dense(${width}${targets.kind === "classes" ? ", activation: softmax" : ""})\``
          : `end the model with \`dense(${width}${targets.kind === "classes" ? ", activation: softmax" : ""})\``;
  ctx.report(
    diagnostic({
      code: "E301",
      file: ctx.file,
      range: at.range,
      message: `model \`${model.name}\` outputs ${shapeToString(output)}, but \`${info.name}\` has ${describeTargets}`,
      label: targets.kind === "classes" ? `targets are one of ${targets.classes} classes: the output needs ${targets.classes} units` : describeTargets,
      labels,
      help,
      fixes:
        units && width !== undefined && layer
          ? [{ title: `Use ${width} units`, edits: [{ file: layer.definedAt.file, range: units.range, newText: String(width) }] }]
          : [],
    }),
  );
}

/**
 * Whether an output of these sizes can be trained on class targets: one unit per class along its
 * last axis (or one sigmoid unit for two classes); rank 1 where each example has one label, any rank
 * where a label may be a sequence (`[T, classes]`).
 */
function classOutputFits(actual: readonly number[], targets: { readonly classes?: number; readonly perExample: boolean }): boolean {
  if (actual.length === 0 || (targets.perExample && actual.length !== 1)) return false;
  const units = actual[actual.length - 1];
  if (targets.classes === undefined) return true;
  return units === targets.classes || (targets.classes === 2 && units === 1);
}
