/**
 * A training is only valid if its data fits the model's input (E300, on the data value): the model
 * has one input; its element type is float32; and its declared shape accepts the dataset's example
 * shape, where a dimension symbol (`[T, 2]`) takes the example's size. A separate validation dataset
 * must fit the same way. Datasets whose shape comes from a file at run time are not checked here.
 */
import type { Expr, Position, Range } from "../../ast.js";
import type { ModelGraph, ModelInput } from "../../checker/graph.js";
import { diagnostic, type Fix } from "../../diagnostics/diagnostic.js";
import { constValue } from "../../shapes/dim.js";
import { shapeToString, type Shape } from "../../shapes/shape.js";
import type { Value } from "../../schema/values.js";
import { ctorOf, type BoundEntry } from "../bound.js";
import { datasetInfo, type DatasetInfo } from "../datasets.js";
import { matchInput } from "../model-facts.js";
import type { TrainingRule, TrainingRuleContext } from "./rule.js";

export const dataMatchesInput: TrainingRule = (training, ctx) => {
  const model = training.model;
  if (!model || model.inputs.length === 0) return;
  for (const entry of [training.entries.get("data"), training.entries.get("validation")]) {
    if (!entry) continue;
    const info = datasetInfo(entry.value);
    if (info) checkDataset(model, info, entry, ctx);
  }
};

function checkDataset(model: ModelGraph, info: DatasetInfo, { entry, value }: BoundEntry, ctx: TrainingRuleContext): void {
  const example = info.example;
  if (!example) return;
  const at = entry.value;
  const inputLabel = (input: ModelInput) => ({ ...input.definedAt, message: `input \`${input.name}\` is ${shapeToString(input.shape)}` });
  if (model.inputs.length > 1) {
    ctx.report(
      diagnostic({
        code: "E300",
        file: ctx.file,
        range: at.range,
        message: `model \`${model.name}\` has ${model.inputs.length} inputs (${model.inputs.map((i) => i.name).join(", ")}), but \`${info.name}\` gives one tensor per example`,
        label: `examples are ${shapeToString(example)}`,
        labels: model.inputs.map(inputLabel),
        help: `train a model with one input of shape ${shapeToString(example)}`,
      }),
    );
    return;
  }
  const input = model.inputs[0];
  if (input.dtype !== "float32") {
    ctx.report(
      diagnostic({
        code: "E300",
        file: ctx.file,
        range: at.range,
        message: `model \`${model.name}\` takes integer token ids (\`${input.name}\` is int32), but \`${info.name}\` gives real-valued examples`,
        label: `examples are ${shapeToString(example)} numbers`,
        labels: [inputLabel(input)],
        help: `declare the input as ${shapeToString(example)}, without \`int32\``,
      }),
    );
    return;
  }
  if (matchInput(input.shape, example)) return;
  const { help, fixes } = suggestion(info, input, value, at, ctx.file);
  ctx.report(
    diagnostic({
      code: "E300",
      file: ctx.file,
      range: at.range,
      message: `\`${info.name}\` gives examples of shape ${shapeToString(example)}, but model \`${model.name}\` takes ${shapeToString(input.shape)}`,
      label: `examples are ${shapeToString(example)}`,
      labels: [inputLabel(input)],
      help,
      fixes,
    }),
  );
}

function suggestion(info: DatasetInfo, input: ModelInput, value: Value, at: Expr, file: string): { help: string; fixes: Fix[] } {
  const example = shapeToString(info.example ?? []);
  const sizes = constSizes(input.shape);
  if (info.name === "mnist") {
    const flat = ctorOf(value)?.args.get("flat");
    const flatNode = flat?.node;
    if (sizes?.length === 1 && sizes[0] === 784 && info.exampleFrom !== "flat") {
      const fix = flatNode ? replace(file, flatNode.range, "true") : addArgument(file, at, "flat: true");
      return { help: "use `mnist(flat: true)`, which gives [784]", fixes: fix ? [{ title: "Use `mnist(flat: true)`", edits: [fix] }] : [] };
    }
    if (sizes?.join() === "28,28,1" && flatNode) {
      return { help: "remove `flat: true`: mnist then gives [28, 28, 1]", fixes: [{ title: "Use `flat: false`", edits: [replace(file, flatNode.range, "false")] }] };
    }
    if (sizes && product(sizes) === 784) {
      return { help: `declare the input as ${example} and reshape it in the model: \`${input.name} -> reshape(${shapeToString(input.shape)})\`` , fixes: [] };
    }
    return { help: "declare the input as [28, 28, 1], or as [784] with `mnist(flat: true)`", fixes: [] };
  }
  if (info.name === "adding_problem") {
    return { help: `declare the input as ${example}, or as [T, 2] to accept any length`, fixes: [] };
  }
  return { help: `declare the input as ${example}${info.exampleFrom ? `, or change \`${info.exampleFrom}\`` : ""}`, fixes: [] };
}

function constSizes(shape: Shape): number[] | undefined {
  const sizes = shape.map(constValue);
  return sizes.every((s): s is number => s !== undefined) ? sizes : undefined;
}

function product(sizes: readonly number[]): number {
  return sizes.reduce((a, b) => a * b, 1);
}

function replace(file: string, range: Range, newText: string) {
  return { file, range, newText };
}

/** An edit adding `text` as the last argument of a dataset call (or giving a bare name its parentheses). */
function addArgument(file: string, at: Expr, text: string) {
  if (at.kind === "Name" || (at.kind === "Call" && !at.hasParens)) {
    const name = at.kind === "Name" ? at.name.name : at.callee.name;
    return replace(file, at.range, `${name}(${text})`);
  }
  if (at.kind !== "Call") return undefined;
  const last = at.args[at.args.length - 1];
  if (last) return replace(file, empty(last.range.end), `, ${text}`);
  const end = at.range.end;
  return replace(file, empty({ line: end.line, column: end.column - 1, offset: end.offset - 1 }), text);
}

function empty(position: Position): Range {
  return { start: position, end: position };
}
