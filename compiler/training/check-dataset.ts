/**
 * Checks what a dataset's signature cannot say, on the argument at fault:
 * - MNIST has only 60,000 training and 10,000 test images (E105);
 * - a user source gives `classes` or `targets`, not both, and neither when it feeds several outputs,
 *   whose targets the runtime reads per output (E303);
 * - class names and label columns are distinct, and there are at least two classes (E105);
 * - `images(size:)` is `[height, width]` (E105); npy `shape:` describes one input (E303);
 * - `test:`/`validation:` parts have the form of the source's own files (E104, E105) and their
 *   fractions leave something to train on (E105);
 * - what the runtime reads as fixed values (class lists, label columns, color modes, parts) is not a
 *   search space (E304).
 */
import type { Expr, Range } from "../../grammar/ast.js";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { concrete, type BoundArgs, type Value } from "../schema/values.js";
import { partProblem, sourceFiles } from "./dataset-parts.js";
import { MNIST_TEST_IMAGES, MNIST_TRAINING_IMAGES, isUserSource } from "./datasets.js";

interface Context {
  readonly file: string;
  report(d: Diagnostic): void;
}

/** Arguments the runtime reads as plain values: a search space cannot stand in for them. */
const FIXED_ARGUMENTS = ["classes", "label", "color", "test", "validation"] as const;

/**
 * `validationReplaced`: the training has a `validation` key, which replaces a built-in set's own
 * validation part (resolved as `validation: 0`), so that part's default must not count.
 */
export function checkDataset(value: Value, expr: Expr, ctx: Context, validationReplaced = false): void {
  const v = concrete(value);
  if (v.kind !== "ctor") return;
  const source = v.signature.name;
  const args = v.args;
  const at = (name: string): Range => args.get(name)?.node?.range ?? expr.range;
  const report: Report = (code, range, message, help, labels = []) =>
    ctx.report(diagnostic({ code, file: ctx.file, range, message, help, labels: labels.map((l) => ({ ...l, file: ctx.file })) }));
  if (source === "mnist") {
    checkMnist(args, at, report, validationReplaced);
    return;
  }
  if (!isUserSource(source)) return;

  const searched = FIXED_ARGUMENTS.filter((name) => args.get(name) && containsSearch(args.get(name)!.value));
  for (const name of searched) {
    report("E304", at(name), `\`${name}\` of \`${source}\` describes the files; it cannot be searched`, "write a single value");
  }
  const classes = args.get("classes")?.node;
  const targets = args.get("targets")?.node;
  if (classes && targets) {
    report("E303", targets.range, `\`${source}\` is given both \`classes\` (classification) and \`targets\` (regression)`, "keep `classes` for class labels, or `targets` for real-valued targets", [
      { range: classes.range, message: "classes given here" },
    ]);
  }
  checkOutputsDescribed(source, args, report);
  checkDistinct(args.get("classes"), "class name", "classes", report);
  if (source === "csv") checkDistinct(args.get("label"), "column", "label", report);
  const names = listValue(args.get("classes")?.value);
  const classesNode = args.get("classes")?.node;
  if (names && names.length < 2 && classesNode) {
    report("E105", classesNode.range, `\`classes\` names ${names.length === 0 ? "no class" : "one class"}; a classifier needs at least two`, 'list every class, e.g. `classes: ["cat", "dog"]`');
  }
  if (source === "images") checkImageSize(args, report);
  if (source === "npy") checkNpyShape(args, report);
  checkParts(source, args, report);
}

type Report = (code: "E104" | "E105" | "E303" | "E304", range: Range, message: string, help: string, labels?: { range: Range; message: string }[]) => void;

function checkMnist(args: BoundArgs, at: (name: string) => Range, report: Report, validationReplaced: boolean): void {
  const train = number(args, "train") ?? 0;
  const validation = validationReplaced && !args.get("validation")?.node ? 0 : (number(args, "validation") ?? 0);
  const test = number(args, "test") ?? 0;
  if (train > MNIST_TRAINING_IMAGES) {
    report("E105", at("train"), `mnist has ${MNIST_TRAINING_IMAGES} training images; \`train: ${train}\` asks for more`, `use at most \`train: ${MNIST_TRAINING_IMAGES - validation}\` next to \`validation: ${validation}\``);
  } else if (train + validation > MNIST_TRAINING_IMAGES) {
    const culprit = args.get("validation")?.node ? "validation" : "train";
    report(
      "E105",
      at(culprit),
      `mnist has ${MNIST_TRAINING_IMAGES} training images, but train ${train} + validation ${validation} = ${train + validation}`,
      `validation images come from the end of the training set: lower \`train\` to ${MNIST_TRAINING_IMAGES - validation} or \`validation\` to ${MNIST_TRAINING_IMAGES - train}`,
    );
  }
  if (test > MNIST_TEST_IMAGES) {
    report("E105", at("test"), `mnist has ${MNIST_TEST_IMAGES} test images; \`test: ${test}\` asks for more`, `use at most \`test: ${MNIST_TEST_IMAGES}\``);
  }
}

/**
 * `classes`/`targets` describe the targets of a source with one output: with several label columns
 * or target files, each output's targets are read from its own column or file, and the runtime would
 * ignore them.
 */
function checkOutputsDescribed(source: string, args: BoundArgs, report: Report): void {
  const outputs = source === "csv" ? args.get("label") : source === "npy" ? args.get("y") : undefined;
  const count = listValue(outputs?.value)?.length ?? 1;
  if (count < 2) return;
  for (const name of ["classes", "targets"] as const) {
    const node = args.get(name)?.node;
    if (!node) continue;
    const what = source === "csv" ? `\`label\` names ${count} columns` : `\`y\` names ${count} files`;
    report(
      "E303",
      node.range,
      `\`${name}\` describes the targets of one output, but ${what}, one per model output`,
      `remove \`${name}\`: each output's targets are read from its own ${source === "csv" ? "column" : "file"}, classes or values as the output's shape says`,
    );
  }
}

/** Reports the first value listed twice (class names, label columns). */
function checkDistinct(bound: { readonly value: Value; readonly node?: Expr } | undefined, what: string, key: string, report: Report): void {
  const items = listValue(bound?.value);
  if (!items || !bound?.node) return;
  const nodes = bound.node.kind === "List" ? bound.node.items : [];
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const c = concrete(item);
    if (c.kind !== "string" && c.kind !== "number") return;
    const shown = JSON.stringify(c.value);
    const first = seen.get(shown);
    if (first === undefined) {
      seen.set(shown, i);
      return;
    }
    report("E105", (nodes[i] ?? bound.node!).range, `${what} ${shown} is listed twice in \`${key}\``, "list each once", nodes[first] ? [{ range: nodes[first].range, message: "first listed here" }] : []);
  });
}

function checkImageSize(args: BoundArgs, report: Report): void {
  const size = args.get("size");
  const items = listValue(size?.value);
  if (!size?.node || !items || items.length === 2) return;
  report("E105", size.node.range, `\`size\` is [height, width]; found ${items.length} number${items.length === 1 ? "" : "s"}`, "write `size: [64, 64]`; the channels come from `color`");
}

function checkNpyShape(args: BoundArgs, report: Report): void {
  const shape = args.get("shape")?.node;
  const inputs = listValue(args.get("x")?.value)?.length ?? 1;
  if (!shape || inputs < 2) return;
  report("E303", shape.range, `\`shape\` describes the examples of one input, but \`x\` names ${inputs} files, one per model input`, "remove `shape`: each file's header gives its examples' shape");
}

function checkParts(source: string, args: BoundArgs, report: Report): void {
  const files = sourceFiles(source, args);
  const fractions: { key: string; value: number; range: Range }[] = [];
  for (const key of ["test", "validation"] as const) {
    const part = args.get(key);
    if (!part?.node) continue;
    const problem = partProblem(files, key, part.value, part.node);
    if (problem) report(problem.code, (problem.at ?? part.node).range, problem.message, problem.help);
    const fraction = concrete(part.value);
    if (fraction.kind === "number") fractions.push({ key, value: fraction.value, range: part.node.range });
  }
  const total = fractions.reduce((sum, f) => sum + f.value, 0);
  if (fractions.length === 2 && total >= 1) {
    const last = fractions[1];
    report(
      "E105",
      last.range,
      `the test and validation parts take ${fractions.map((f) => f.value).join(" + ")} = ${round(total)} of \`${source}\`'s examples: none are left to train on`,
      "use fractions that add up to less than 1, e.g. `test: 0.2, validation: 0.1`",
    );
  }
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function containsSearch(value: Value): boolean {
  if (value.kind === "search") return true;
  if (value.kind === "list") return value.items.some(containsSearch);
  return false;
}

function listValue(value: Value | undefined): readonly Value[] | undefined {
  const v = value && concrete(value);
  return v?.kind === "list" ? v.items : undefined;
}

function number(args: BoundArgs, name: string): number | undefined {
  const v = args.get(name)?.value;
  const c = v && concrete(v);
  return c?.kind === "number" ? c.value : undefined;
}
