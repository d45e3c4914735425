/**
 * Packages used from a program, by input and output name: what a generated module's `loadM()`,
 * `predictM()` and `evaluateM()` call. Inputs are given as the data file holds them (raw, before
 * the recorded normalization): a flat typed array of count × (values per example), or nested
 * arrays, one item per example.
 */
import { DataError, sizeOf, type Column, type Examples } from "../data/examples.js";
import { encodeTargets, type RawLabels } from "../data/targets.js";
import type { TensorSpec } from "../core/program.js";
import { packageDataFrom, packageTestPart } from "./data.js";
import { evaluatePredictor, type Evaluation } from "./evaluation.js";
import { PackageError } from "./format.js";
import { readPredictionInputs } from "./prediction-inputs.js";
import { loadPredictor, predict, type Predictor } from "./predictor.js";

/** A batch of examples for one input: flat values (count × per-example size) or one nested array per example. */
export type InputData = Float32Array | Int32Array | readonly number[] | readonly unknown[];

/** A batch of targets for one output: class names, class indices or real values (flat or nested per example). */
export type TargetData = readonly string[] | InputData;

/** What a model predicts for one output, for every example of a batch. */
export interface Prediction {
  /** The output's values, `count` rows of `prod(shape)` (a class output's probabilities, also when the network gives logits); for an ensemble the members' mean. */
  readonly values: Float32Array;
  /** The shape of one example's output. */
  readonly shape: readonly number[];
  /** The class names when the output predicts classes, else null. */
  readonly classes: readonly string[] | null;
  /** The predicted class name of each row (an example, or one step of a sequence output); null for real values. */
  readonly predicted: readonly string[] | null;
}

/** A loaded package of a model whose inputs are `I` and predictions `O` (as a generated module names them). */
export interface LoadedModel<I, O> extends Predictor {
  /** Never set: carries the model's input and output types, so one model's package cannot be passed for another's. */
  readonly __types?: { readonly inputs: I; readonly predictions: O };
}

/** What the generated module knows of a model, to check that a run folder holds that model. */
export interface ExpectedModel {
  readonly model: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

/** Loads a run folder's package, checking that it is a package of the model the caller expects. */
export async function loadNamedPackage<I, O>(runDir: string, expected: ExpectedModel): Promise<LoadedModel<I, O>> {
  const predictor = await loadPredictor(runDir);
  const { pkg } = predictor;
  const names = (specs: readonly { name: string }[]) => specs.map((s) => s.name).join(", ");
  const same = (a: readonly { name: string; shape: readonly (number | null)[] }[], b: readonly TensorSpec[]) =>
    a.length === b.length && a.every((s, i) => s.name === b[i].name && s.shape.length === b[i].shape.length && s.shape.every((d, k) => d === b[i].shape[k] || d === null || b[i].shape[k] === null));
  if (!same(pkg.inputs, expected.inputs) || !same(pkg.outputs, expected.outputs)) {
    predictor.dispose();
    throw new PackageError(
      `${runDir} holds a model with inputs (${names(pkg.inputs)}) and outputs (${names(pkg.outputs)}), trained by ${pkg.label}; model ${expected.model} has inputs (${names(expected.inputs)}) and outputs (${names(expected.outputs)})`,
    );
  }
  return predictor;
}

/** One input's values as a column: flat values or nested arrays, checked against the per-example shape. */
export function toColumn(data: InputData, spec: { readonly name: string; readonly shape: readonly (number | null)[] }): { column: Column; count: number } {
  let flat: Float32Array;
  let count: number;
  let shape: number[];
  if (ArrayBuffer.isView(data) || (Array.isArray(data) && data.every((v) => typeof v === "number"))) {
    flat = Float32Array.from(data as ArrayLike<number>);
    const open = spec.shape.some((d) => d === null);
    if (open) throw new DataError(`input \`${spec.name}\` has an open dimension ([${spec.shape.map((d) => d ?? "?").join(", ")}]): give one nested array per example`);
    shape = spec.shape as number[];
    const per = sizeOf(shape);
    if (flat.length % per !== 0) throw new DataError(`input \`${spec.name}\`: ${flat.length} values are not a whole number of examples of [${shape.join(", ")}] (${per} values each)`);
    count = flat.length / per;
  } else {
    const rows = data as readonly unknown[];
    count = rows.length;
    shape = count > 0 ? dims(rows[0]) : spec.shape.map((d) => d ?? 0);
    if (shape.length === 0) shape = [1];
    const fits = shape.length === spec.shape.length && spec.shape.every((d, i) => d === null || d === shape[i]);
    if (!fits) throw new DataError(`input \`${spec.name}\`: examples are [${shape.join(", ")}], but the model takes [${spec.shape.map((d) => d ?? "?").join(", ")}]`);
    const per = sizeOf(shape);
    flat = new Float32Array(count * per);
    rows.forEach((row, i) => {
      const values = flatten(row, `input \`${spec.name}\`, example ${i}`);
      if (values.length !== per) throw new DataError(`input \`${spec.name}\`, example ${i}: ${values.length} values, expected ${per} like example 0`);
      flat.set(values, i * per);
    });
  }
  return { column: { values: flat, shape }, count };
}

function dims(value: unknown): number[] {
  const out: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) out.push(v.length);
  return out;
}

function flatten(value: unknown, where: string): number[] {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new DataError(`${where}: ${value} is not a finite number`);
    return [value];
  }
  if (Array.isArray(value)) return value.flatMap((v) => flatten(v, where));
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  throw new DataError(`${where}: ${JSON.stringify(value)} is not a number`);
}

function columns(predictor: Predictor, inputs: object): { columns: Column[]; count: number } {
  let count = -1;
  const byName = new Map(Object.entries(inputs) as [string, InputData][]);
  const out = predictor.pkg.inputs.map((spec) => {
    const data = byName.get(spec.name);
    if (data === undefined) throw new DataError(`no values for input \`${spec.name}\``);
    const { column, count: n } = toColumn(data, spec);
    if (count >= 0 && n !== count) throw new DataError(`input \`${spec.name}\` has ${n} examples, but \`${predictor.pkg.inputs[0].name}\` has ${count}`);
    count = n;
    return column;
  });
  return { columns: out, count: Math.max(0, count) };
}

/** Predicts a batch given by input name; the result is keyed by output name. */
export function predictNamed<I extends object, O>(predictor: LoadedModel<I, O>, inputs: I): O {
  const { columns: data, count } = columns(predictor, inputs);
  const outputs = predict(predictor, data, count);
  return Object.fromEntries(
    outputs.map((o) => [o.name, { values: o.values, shape: o.shape, classes: o.classes, predicted: o.classes && o.predicted ? Array.from(o.predicted, (c) => o.classes![c]) : null }]),
  ) as O;
}

/**
 * Evaluates on labelled examples given by input and output name, or — without them — on the run's
 * own test part, as `nnc evaluate` does.
 */
export function evaluateNamed<I extends object, O, T extends object>(predictor: LoadedModel<I, O>, data?: { readonly inputs: I; readonly targets: T } | { readonly files: readonly string[] }): Evaluation {
  const { pkg } = predictor;
  let examples: Examples;
  if (!data) examples = packageTestPart(pkg);
  else if ("files" in data) examples = packageDataFrom(pkg, data.files, process.cwd());
  else {
    const { columns: inputs, count } = columns(predictor, data.inputs);
    const byName = new Map(Object.entries(data.targets) as [string, TargetData][]);
    const targets = pkg.outputs.map((output) => {
      const given = byName.get(output.name);
      if (given === undefined) throw new DataError(`no targets for output \`${output.name}\``);
      const raw: RawLabels = given.length > 0 && typeof given[0] === "string" ? { kind: "names", names: given as readonly string[] } : numbers(given as InputData, count, output.name);
      return encodeTargets(raw, { classes: output.classes, targets: null, output: output.shape }, { file: "targets", where: (row) => `output \`${output.name}\`, example ${row}` }, output.classes);
    });
    examples = { inputs, targets, count };
  }
  return evaluatePredictor(predictor, examples);
}

function numbers(data: InputData, count: number, name: string): RawLabels {
  const values = Float64Array.from(ArrayBuffer.isView(data) || (data as readonly unknown[]).every((v) => typeof v === "number") ? (data as ArrayLike<number>) : (data as readonly unknown[]).flatMap((v, i) => flatten(v, `output \`${name}\`, example ${i}`)));
  if (count > 0 && values.length % count !== 0) throw new DataError(`output \`${name}\`: ${values.length} target values for ${count} examples`);
  const per = count > 0 ? values.length / count : 1;
  return { kind: "numbers", values, shape: per === 1 ? [] : [per] };
}

/**
 * Reads examples to predict from files, as `nnc predict` does (CSV, JSON, NPY, IDX, image files and
 * folders, decoded and resized as the training read its images), keyed by input name; `rows`
 * names each example (`photos/cat.png`, `new.csv:3`). Relative paths start at the working folder.
 */
export function inputsFromFiles<I extends object, O>(model: LoadedModel<I, O>, paths: readonly string[]): { readonly inputs: I; readonly rows: readonly string[] } {
  const read = readPredictionInputs(model.pkg, paths, process.cwd());
  const inputs = Object.fromEntries(model.pkg.inputs.map((spec, i) => [spec.name, read.inputs[i].values])) as I;
  return { inputs, rows: read.rows };
}
