/**
 * From the labels a data file holds to the targets a model output is trained on. Readers
 * (csv.ts, json.ts, npy.ts, idx.ts, images.ts) only read: numbers, or class names, per example.
 * This file decides what they mean, once for every source:
 *
 * - `targets: k` makes them real values (regression), whatever they look like.
 * - Class names (any label that is not a number) are classes: the names are `classes: [..]` when
 *   given, else the training part's names sorted by code point. A name outside the list is an error
 *   naming the file and row.
 * - Numbers are class indices when `classes` is given, or when the training part's targets were
 *   classes, or — inferred — when every label is a non-negative integer and the model's output has
 *   one unit per class along its last axis (`[k]` for one label per example, `[T, k]` for one per
 *   step). With one output unit, labels that are all 0 or 1 are two classes (a sigmoid's), and
 *   other numbers are the values themselves.
 * - Classes become one-hot rows along the last axis; two classes into one output unit become 0/1.
 *
 * Test and validation parts are encoded with the training part's classes, so a class index means
 * the same in every part and a name only the test file has is reported, not silently added.
 */
import { DataError, indexNames, sizeOf, type Column, type TargetColumn } from "./examples.js";
import type { ClassesSetting } from "../core/settings.js";

/** One output's labels as a file holds them. */
export type RawLabels =
  | {
      readonly kind: "numbers";
      readonly values: Float32Array | Float64Array;
      /** The shape of one example's label: [] for one number. */
      readonly shape: readonly number[];
    }
  | { readonly kind: "names"; readonly names: readonly string[] };

/** What a reader gives: the inputs, as the model takes them, and each output's raw labels. */
export interface RawExamples {
  readonly count: number;
  readonly inputs: readonly Column[];
  readonly labels: readonly RawLabels[];
  /** The file(s) as messages name them. */
  readonly file: string;
  /** Example `row` as messages name it: `iris.csv:17`, `digits/7/a.png`, `y.npy: example 3`. */
  readonly where: (row: number) => string;
}

/** Where labels come from, for messages. */
export type LabelOrigin = Pick<RawExamples, "file" | "where">;

/** How one output's labels are to be read. */
export interface TargetRule {
  /** `classes:` of the data source: a count or the names; null when not given. */
  readonly classes: ClassesSetting | null;
  /** `targets: k`: real-valued targets of k values; null when not given. */
  readonly targets: number | null;
  /** The model output's per-example shape (null where symbolic); null when no model is known. */
  readonly output: readonly (number | null)[] | null;
}

/** The training part's classes for one output: names, or null when its targets were real values. */
export type KnownClasses = readonly string[] | null;

/**
 * Encodes one output's labels. `known` is undefined for the training part (which decides the
 * classes) and the training part's classes for the other parts.
 */
export function encodeTargets(raw: RawLabels, rule: TargetRule, origin: LabelOrigin, known?: KnownClasses): TargetColumn {
  const classes = classesOf(raw, rule, origin.file, known);
  return classes === null ? realValues(raw, rule, origin.where) : classTargets(raw, classes, rule, origin.where, known !== undefined);
}

function classesOf(raw: RawLabels, rule: TargetRule, file: string, known: KnownClasses | undefined): readonly string[] | null {
  if (rule.targets !== null) return null;
  if (known !== undefined) return known;
  if (Array.isArray(rule.classes)) return rule.classes as readonly string[];
  if (raw.kind === "names") {
    const names = [...new Set(raw.names)].sort(byCodePoint);
    if (typeof rule.classes === "number" && names.length !== rule.classes) {
      throw new DataError(`${file}: \`classes: ${rule.classes}\`, but the labels are ${names.length} class names (${listed(names)}); give the names in order with \`classes: [${names.map((n) => JSON.stringify(n)).join(", ")}]\``);
    }
    return names;
  }
  if (typeof rule.classes === "number") return indexNames(rule.classes);
  const scalar = raw.shape.length === 0 || (raw.shape.length === 1 && raw.shape[0] === 1);
  if (rule.output) {
    const units = rule.output[rule.output.length - 1];
    if (units === null || units === undefined) return null;
    const lead = rule.output.slice(0, -1);
    const fits = lead.length === 0 ? scalar : lead.length === raw.shape.length && lead.every((d, i) => d === null || d === raw.shape[i]);
    if (!fits) return null;
    // One unit: 0/1 labels are two classes (a sigmoid's), anything else a value.
    if (units === 1) return raw.values.every((v) => v === 0 || v === 1) ? indexNames(2) : null;
    // Whole numbers for an output of several units are class indices; one out of range is reported with its row.
    return raw.values.every((v) => Number.isInteger(v)) ? indexNames(units) : null;
  }
  if (!allClassIndices(raw.values)) return null;
  if (!scalar) return null;
  let max = 0;
  for (let i = 0; i < raw.values.length; i++) max = Math.max(max, raw.values[i]);
  return indexNames(max + 1);
}

function classTargets(raw: RawLabels, classes: readonly string[], rule: TargetRule, where: (row: number) => string, fromTraining: boolean): TargetColumn {
  const n = classes.length;
  const source = fromTraining ? "the training data's classes" : Array.isArray(rule.classes) ? "`classes`" : raw.kind === "names" ? "the class names of the training data" : `classes 0…${n - 1}`;
  let indices: Int32Array;
  let shape: readonly number[];
  if (raw.kind === "names") {
    const index = new Map(classes.map((c, i) => [c, i]));
    indices = new Int32Array(raw.names.length);
    raw.names.forEach((name, i) => {
      const c = index.get(name);
      if (c === undefined) throw new DataError(`${where(i)}: class ${JSON.stringify(name)} is not one of ${source} (${listed(classes)})`);
      indices[i] = c;
    });
    shape = [];
  } else {
    indices = new Int32Array(raw.values.length);
    const per = Math.max(1, sizeOf(raw.shape));
    for (let i = 0; i < raw.values.length; i++) {
      const v = raw.values[i];
      if (!Number.isInteger(v) || v < 0 || v >= n) {
        const names = classes.some((c, k) => c !== String(k)) ? ` (${listed(classes)})` : "";
        throw new DataError(`${where(Math.floor(i / per))}: label ${v} is not a class index in 0…${n - 1}${names}`);
      }
      indices[i] = v;
    }
    // A label of shape [1] is one label per example, unless the output has a step axis for it.
    const steps = rule.output ? rule.output.length - 1 : 0;
    shape = raw.shape.length === 1 && raw.shape[0] === 1 && steps === 0 ? [] : raw.shape;
  }
  const units = rule.output ? rule.output[rule.output.length - 1] : undefined;
  if (n === 2 && units === 1) {
    // Two classes into one sigmoid unit: the unit's target is the class index, 0 or 1.
    return { values: Float32Array.from(indices), shape: [...shape, 1], classes };
  }
  const values = new Float32Array(indices.length * n);
  for (let i = 0; i < indices.length; i++) values[i * n + indices[i]] = 1;
  return { values, shape: [...shape, n], classes };
}

function realValues(raw: RawLabels, rule: TargetRule, where: (row: number) => string): TargetColumn {
  if (raw.kind === "names") {
    const i = raw.names.findIndex((n) => n !== "");
    throw new DataError(`${where(Math.max(0, i))}: the target is ${JSON.stringify(raw.names[Math.max(0, i)])}, expected a number${rule.targets !== null ? " (`targets` makes them real values)" : ""}`);
  }
  const per = sizeOf(raw.shape);
  const shape = rule.targets !== null ? [rule.targets] : raw.shape.length === 0 ? [1] : [...raw.shape];
  if (sizeOf(shape) !== per) throw new DataError(`${where(0)}: each target holds ${per} values, expected ${rule.targets} from \`targets\``);
  const values = Float32Array.from(raw.values);
  for (let i = 0; i < values.length; i++) {
    // Tested after the conversion to float32, so values beyond its range are caught too.
    if (!Number.isFinite(values[i])) throw new DataError(`${where(Math.floor(i / Math.max(1, per)))}: the target holds ${raw.values[i]}, expected a finite number`);
  }
  return { values, shape, classes: null };
}

/** Whether every value is a class index (a non-negative integer). */
export function allClassIndices(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0) return false;
  }
  return true;
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** At most ten names, quoted, for messages. */
function listed(names: readonly string[]): string {
  const shown = names.slice(0, 10).map((n) => JSON.stringify(n));
  return names.length > 10 ? `${shown.join(", ")}, … ${names.length} in all` : shown.join(", ");
}
