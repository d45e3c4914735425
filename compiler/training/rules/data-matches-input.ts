/**
 * A training is only valid if its data fits the model's inputs (E300, on the data value): the data
 * gives one tensor per model input (csv one per `features:` count, npy one per `x:` file, json
 * examples name the inputs by key, every other source one); an `int32` input of token ids gets
 * integers from a file (csv, json, npy, idx — the runtime checks the values), never the real-valued
 * examples of mnist, adding_problem or images; and each input's declared shape accepts the examples'
 * shape where it is known, a dimension symbol (`[T, 2]`) taking the example's size. A separate
 * validation dataset must fit the same way. Shapes not stated are taken from the files' headers where
 * `nnc check` could read them (check-data-files.ts; the message says where), else not checked.
 */
import type { Expr, Position, Range } from "../../../grammar/ast.js";
import type { ModelGraph, ModelInput } from "../../checker/graph.js";
import { diagnostic, type Fix, type Label } from "../../diagnostics/diagnostic.js";
import { constValue } from "../../shapes/dim.js";
import { shapeToString, type Shape } from "../../shapes/shape.js";
import type { Value } from "../../schema/values.js";
import { ctorOf, type BoundEntry } from "../bound.js";
import type { DatasetInfo } from "../dataset-info.js";
import { matchInput } from "../model-facts.js";
import type { TrainingRule, TrainingRuleContext } from "./rule.js";

export const dataMatchesInput: TrainingRule = (training, ctx) => {
  const model = training.model;
  if (!model || model.inputs.length === 0) return;
  for (const { entry, info } of training.datasets) checkDataset(model, info, entry, ctx);
};

function inputLabel(input: ModelInput): Label {
  return { ...input.definedAt, message: `input \`${input.name}\` is ${input.dtype === "int32" ? "int32" : ""}${shapeToString(input.shape)}` };
}

function checkDataset(model: ModelGraph, info: DatasetInfo, entry: BoundEntry, ctx: TrainingRuleContext): void {
  const at = entry.entry.value;
  if (!inputCountFits(model, info, at, ctx)) return;
  model.inputs.forEach((input, i) => {
    if (input.dtype === "int32" && info.realValued) {
      const example = info.examples[i];
      ctx.report(
        diagnostic({
          code: "E300",
          file: ctx.file,
          range: at.range,
          message: `model \`${model.name}\` takes integer token ids (\`${input.name}\` is int32), but \`${info.name}\` gives real-valued examples`,
          label: example ? `examples are ${shapeToString(example)} numbers` : "examples are real numbers",
          labels: [inputLabel(input)],
          help: example ? `declare the input as ${shapeToString(example)}, without \`int32\`` : "declare the input without `int32`",
        }),
      );
      return;
    }
    const example = info.examples[i];
    if (!example || matchInput(input.shape, example)) return;
    const { help, fixes } = suggestion(info, example, input, entry.value, at, ctx.file);
    const which = model.inputs.length > 1 ? ` for input \`${input.name}\`` : "";
    const origin = info.exampleOrigins?.[i];
    ctx.report(
      diagnostic({
        code: "E300",
        file: ctx.file,
        range: at.range,
        message: `\`${info.name}\` gives examples of shape ${shapeToString(example)}${which}${origin ? ` (${origin})` : ""}, but model \`${model.name}\` takes ${shapeToString(input.shape)}`,
        label: `examples are ${shapeToString(example)}`,
        labels: [inputLabel(input)],
        help,
        fixes,
      }),
    );
  });
}

/** Reports a data source that feeds another number of inputs than the model has; false then. */
function inputCountFits(model: ModelGraph, info: DatasetInfo, at: Expr, ctx: TrainingRuleContext): boolean {
  const inputs = model.inputs;
  const names = inputs.map((i) => `\`${i.name}\``).join(", ");
  if (info.inputCount === "any") {
    // json examples name their inputs by key; a stated shape only describes a single input.
    if (inputs.length === 1 || !info.examples[0]) return true;
    ctx.report(
      diagnostic({
        code: "E300",
        file: ctx.file,
        range: at.range,
        message: `\`${info.name}(shape: …)\` gives the shape of one input's examples, but model \`${model.name}\` has ${inputs.length} inputs (${names})`,
        labels: inputs.map(inputLabel),
        help: `remove \`shape\`: each example's \`x\` is an object with one entry per input (${names}), whose shapes the runtime checks`,
      }),
    );
    return false;
  }
  if (info.inputCount === inputs.length) return true;
  const gives = info.inputCount === 1 ? "one tensor per example" : `${info.inputCount} tensors per example`;
  ctx.report(
    diagnostic({
      code: "E300",
      file: ctx.file,
      range: at.range,
      message: `model \`${model.name}\` has ${inputs.length === 1 ? "one input" : `${inputs.length} inputs`} (${names}), but \`${info.name}\` gives ${gives}`,
      labels: inputs.map(inputLabel),
      help: inputCountHelp(info, inputs),
    }),
  );
  return false;
}

function inputCountHelp(info: DatasetInfo, inputs: readonly ModelInput[]): string {
  const counts = inputs.map((i) => {
    const sizes = constSizes(i.shape);
    return sizes && sizes.length === 1 ? String(sizes[0]) : "…";
  });
  switch (info.name) {
    case "csv":
      return inputs.length === 1
        ? "give one feature count, `features: n`, or leave `features` out to use every non-label column"
        : `give one feature count per input, in input order: \`features: [${counts.join(", ")}]\``;
    case "npy":
      return inputs.length === 1
        ? "give one examples file, `x: \"x.npy\"`"
        : `give one examples file per input, in input order: \`x: [${inputs.map((i) => `"${i.name}.npy"`).join(", ")}]\``;
    default: {
      const example = info.examples[0];
      return `\`${info.name}\` feeds one input: train a model with a single input${example ? ` of shape ${shapeToString(example)}` : ""}, or use \`csv\`, \`npy\` or \`json\` data, which can feed several`;
    }
  }
}

function suggestion(info: DatasetInfo, exampleShape: Shape, input: ModelInput, value: Value, at: Expr, file: string): { help: string; fixes: Fix[] } {
  const example = shapeToString(exampleShape);
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
      return { help: `declare the input as ${example} and reshape it in the model: \`${input.name} -> reshape(${shapeToString(input.shape)})\``, fixes: [] };
    }
    return { help: "declare the input as [28, 28, 1], or as [784] with `mnist(flat: true)`", fixes: [] };
  }
  if (info.name === "adding_problem") {
    return { help: `declare the input as ${example}, or as [T, 2] to accept any length`, fixes: [] };
  }
  const channels = exampleShape.length === 3 ? constValue(exampleShape[2]) : undefined;
  const sameSize = sizes?.length === 3 && sizes.slice(0, 2).every((n, i) => constValue(exampleShape[i]) === n);
  if (info.name === "images" && sizes && sameSize && channels !== undefined && sizes[2] !== channels) {
    const color = { 1: "grayscale", 3: "rgb", 4: "rgba" }[sizes[2]];
    if (color) return { help: `declare the input as ${example}, or use \`color: ${color}\` for ${sizes[2]} channel${sizes[2] === 1 ? "" : "s"}`, fixes: [] };
  }
  const read = !info.exampleFrom && info.exampleOrigins !== undefined;
  if (read && info.name === "images" && sizes?.length === 3 && sizes[2] === channels) {
    // Without `size`, the first image's size is every image's: `size` resizes them instead.
    const size = `size: [${sizes[0]}, ${sizes[1]}]`;
    const fix = addArgument(file, at, size);
    return { help: `declare the input as ${example}, or resize every image with \`${size}\``, fixes: fix ? [{ title: `Resize images to ${sizes[0]}×${sizes[1]}`, edits: [fix] }] : [] };
  }
  if (read && info.name === "idx" && sizes && product(sizes) === product(exampleShape.map((d) => constValue(d) ?? NaN))) {
    // IDX stores rows of values: `shape` arranges them as the model takes them.
    const shape = `shape: ${shapeToString(input.shape)}`;
    const fix = addArgument(file, at, shape);
    return { help: `declare the input as ${example}, or give \`${shape}\` (an IDX example may take any shape of its size)`, fixes: fix ? [{ title: `Read examples as ${shapeToString(input.shape)}`, edits: [fix] }] : [] };
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
