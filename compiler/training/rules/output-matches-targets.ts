/**
 * A training is only valid if the model's output fits the data's targets (E301, on the data value):
 * one output, of shape `[classes]` for class targets (or `[1]` for two classes, a single sigmoid
 * unit), or of the targets' shape for regression. Dimension symbols take the sizes they got from the
 * data's examples; an output whose size stays unknown is not checked.
 */
import type { Label } from "../../diagnostics/diagnostic.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { shapeToString } from "../../shapes/shape.js";
import { matchInput, outputLayer, sizesOf } from "../model-facts.js";
import type { TrainingRule } from "./rule.js";

export const outputMatchesTargets: TrainingRule = (training, ctx) => {
  const { model, data: info } = training;
  const entry = training.entries.get("data");
  if (!model || model.incomplete || !info || !entry || info.targets.kind === "unknown" || model.outputs.length === 0) return;
  const at = entry.entry.value.range;
  const targets = info.targets;
  const describeTargets = targets.kind === "classes" ? `${targets.classes} classes` : `targets of shape ${shapeToString(targets.shape)}`;
  if (model.outputs.length > 1) {
    ctx.report(
      diagnostic({
        code: "E301",
        file: ctx.file,
        range: at,
        message: `model \`${model.name}\` has ${model.outputs.length} outputs, but \`${info.name}\` has one target per example`,
        labels: model.outputs.map((o) => ({ ...o.definedAt, message: `output \`${o.name}\`` })),
        help: "train a model with a single output",
      }),
    );
    return;
  }
  const sizes = (model.inputs.length === 1 && info.example && matchInput(model.inputs[0].shape, info.example)) || new Map<string, number>();
  const output = model.outputs[0].tensor.shape;
  const actual = sizesOf(output, sizes);
  if (!actual) return;
  const expected = targets.kind === "classes" ? [targets.classes] : sizesOf(targets.shape, new Map());
  if (!expected || actual.join() === expected.join()) return;
  if (targets.kind === "classes" && targets.classes === 2 && actual.join() === "1") return;

  const layer = outputLayer(model);
  const labels: Label[] = layer ? [{ ...layer.definedAt, message: `the output, ${shapeToString(output)}, comes from here` }] : [];
  const width = expected.length === 1 ? expected[0] : undefined;
  const units = layer?.def.name === "dense" && actual.length === 1 ? layer.args.get("units")?.node : undefined;
  const help =
    width === undefined
      ? `make the model's output [${expected.join(", ")}]`
      : units
        ? `give the last layer ${width} unit${width === 1 ? "" : "s"}`
        : actual.length > 1
          ? `flatten, then end the model with \`dense(${width}${targets.kind === "classes" ? ", activation: softmax" : ""})\``
          : `end the model with \`dense(${width}${targets.kind === "classes" ? ", activation: softmax" : ""})\``;
  ctx.report(
    diagnostic({
      code: "E301",
      file: ctx.file,
      range: at,
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
};
