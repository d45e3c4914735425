/**
 * JSON files (`json(path, shape, classes, targets)`), in either of two layouts:
 *
 *     [{"x": [[0, 1], [2, 3]], "y": 1}, …]        an array of examples
 *     {"x": [[[0, 1], [2, 3]], …], "y": [1, …]}   parallel arrays
 *
 * Keys name the model's inputs and outputs: `x` and `y` for a model with one of each (or the
 * input's and output's own names), and for several, the names the model declares
 * (`{"image": …, "meta": …, "kind": "cat"}`). Each input is a nested array of numbers (or one
 * number); every example's shape is checked against `shape` (a missing trailing channel axis of 1
 * is accepted), or without `shape` against the first example's. Each target is a number, a nested
 * array of numbers, or a class name (a string); targets.ts decides what they mean.
 * Examples are numbered from 0, as JSON arrays are indexed.
 */
import { DataError, sizeOf, type Column } from "./examples.js";
import type { RawExamples, RawLabels } from "./targets.js";
import { fitsShape, formatShape, readDataFile, requireExamples } from "./user-files.js";

export interface JsonSetting {
  readonly path: string;
  readonly shape: readonly number[] | null;
  /** For files to predict on (`nnc predict`): target keys may be absent, and are not read when present. Unset for training data. */
  readonly targetsOptional?: boolean;
}

/** The model's input and output names, which the keys of a file for several of them must be. */
export interface TensorNames {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/** One value of one example, flattened, with the shape it had. */
interface Nested {
  readonly dims: number[];
  readonly values: number[];
}

/** Reads `json(path, shape)`; the path is relative to `baseDir`, the `.nn` file's folder. */
export function readJson(setting: JsonSetting, baseDir: string, names: TensorNames | null): RawExamples {
  const file = setting.path;
  const text = readDataFile(file, baseDir).toString("utf8");
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new DataError(`${file}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const model = names ?? { inputs: ["x"], outputs: ["y"] };
  const keys = keysOf(document, file, model, setting.targetsOptional === true);
  const rows = examplesOf(document, file, [...keys.inputs, ...keys.outputs], otherNames(keys, model));
  const count = rows.length;
  requireExamples(count, file);
  const where = (i: number): string => `${file}: example ${i}`;
  const inputs = keys.inputs.map((key) => inputColumn(rows, key, keys.inputs.length === 1 ? setting.shape : null, where));
  const labels = keys.outputs.map((key) => labelsOf(rows, key, where));
  return { count, inputs, labels, file, where };
}

function inputColumn(rows: readonly Record<string, unknown>[], key: string, shape: readonly number[] | null, where: (i: number) => string): Column {
  const first = nested(rows[0][key], key, where(0));
  const expected = shape ?? first.dims;
  const columnShape = expected.length === 0 ? [1] : [...expected];
  if (sizeOf(columnShape) === 0) throw new DataError(`${where(0)}: ${key} is empty (shape ${formatShape(columnShape)}), expected numbers`);
  const size = sizeOf(columnShape);
  const values = new Float32Array(rows.length * size);
  for (let i = 0; i < rows.length; i++) {
    const xi = i === 0 ? first : nested(rows[i][key], key, where(i));
    if (!fitsShape(xi.dims, columnShape) && !(xi.dims.length === 0 && size === 1)) {
      const source = shape ? "" : " (the shape of example 0)";
      throw new DataError(`${where(i)}: ${key} has shape ${formatShape(xi.dims)}, expected ${formatShape(columnShape)}${source}`);
    }
    values.set(xi.values, i * size);
  }
  return { values, shape: columnShape };
}

/** An output's targets: class names when the first is a string, else numbers of the first's shape. */
function labelsOf(rows: readonly Record<string, unknown>[], key: string, where: (i: number) => string): RawLabels {
  if (typeof rows[0][key] === "string") {
    const names = rows.map((row, i) => {
      const v = row[key];
      if (typeof v !== "string" || v === "") throw new DataError(`${where(i)}: ${key} is ${describe(v)}, expected a class name like example 0's`);
      return v;
    });
    return { kind: "names", names };
  }
  const first = nested(rows[0][key], key, where(0));
  const size = first.values.length;
  const values = new Float64Array(rows.length * size);
  rows.forEach((row, i) => {
    const yi = i === 0 ? first : nested(row[key], key, where(i));
    if (yi.dims.join() !== first.dims.join()) throw new DataError(`${where(i)}: ${key} has shape ${formatShape(yi.dims)}, expected ${formatShape(first.dims)} (the shape of example 0)`);
    values.set(yi.values, i * size);
  });
  return { kind: "numbers", values, shape: first.dims };
}

/**
 * Which keys hold the inputs and outputs: for one input (output), `x` (`y`) or the model's name for
 * it; for several, the model's names. A missing key is reported with the keys the file has.
 */
function keysOf(document: unknown, file: string, names: TensorNames, withoutOutputs = false): TensorNames {
  const sample = Array.isArray(document) ? document[0] : document;
  const present = typeof sample === "object" && sample !== null && !Array.isArray(sample) ? Object.keys(sample) : [];
  const pick = (wanted: readonly string[], single: string, what: string): string[] => {
    if (wanted.length === 1) {
      if (present.includes(single) || !present.includes(wanted[0])) return [single];
      return [wanted[0]];
    }
    const missing = wanted.filter((w) => !present.includes(w));
    if (present.length && missing.length) {
      throw new DataError(`${file}: the model's ${what} are ${wanted.map((w) => JSON.stringify(w)).join(", ")}, but the examples have no key ${missing.map((w) => JSON.stringify(w)).join(", ")} (they have ${present.map((p) => JSON.stringify(p)).join(", ")}); name each ${what.slice(0, -1)} by its key`);
    }
    return [...wanted];
  };
  return { inputs: pick(names.inputs, "x", "inputs"), outputs: withoutOutputs ? [] : pick(names.outputs, "y", "outputs") };
}

/**
 * For `x` and `y` standing for the model's one input or output: the model's own name for it, which
 * a file may use instead (keysOf), for messages.
 */
function otherNames(keys: TensorNames, model: TensorNames): Map<string, string> {
  const other = new Map<string, string>();
  if (keys.inputs.length === 1 && model.inputs.length === 1 && keys.inputs[0] !== model.inputs[0]) other.set(keys.inputs[0], model.inputs[0]);
  if (keys.outputs.length === 1 && model.outputs.length === 1 && keys.outputs[0] !== model.outputs[0]) other.set(keys.outputs[0], model.outputs[0]);
  return other;
}

/** What a missing key's message ends with: the keys wanted, and the model's own names that may stand for `x` and `y`. */
function keysHelp(keys: readonly string[], missing: readonly string[], other: ReadonlyMap<string, string>): string {
  const aliases = missing.flatMap((k) => (other.has(k) ? [`${JSON.stringify(k)} may also be named ${JSON.stringify(other.get(k))}, as the model names it`] : []));
  return `${keys.map((k) => JSON.stringify(k)).join(" and ")}${aliases.length ? ` (${aliases.join("; ")})` : ""}`;
}

const quoted = (names: readonly string[]): string => (names.length === 0 ? "none" : names.map((k) => JSON.stringify(k)).join(", "));

/** The examples of either layout, as objects holding every key. */
function examplesOf(document: unknown, file: string, keys: readonly string[], other: ReadonlyMap<string, string> = new Map()): Record<string, unknown>[] {
  const shown = keys.map((k) => JSON.stringify(k)).join(" and ");
  if (Array.isArray(document)) {
    return document.map((row: unknown, i) => {
      if (typeof row !== "object" || row === null || Array.isArray(row)) {
        throw new DataError(`${file}: example ${i}: expected an object with ${shown}, found ${describe(row)}`);
      }
      const missing = keys.filter((k) => !(k in row));
      if (missing.length > 0) {
        const has = Object.keys(row);
        throw new DataError(
          `${file}: example ${i} has no key ${quoted(missing)} (its keys are ${quoted(has)}); give every example the keys ${keysHelp(keys, missing, other)}`,
        );
      }
      return row as Record<string, unknown>;
    });
  }
  if (typeof document === "object" && document !== null) {
    const missing = keys.filter((k) => !(k in document));
    if (missing.length > 0) {
      throw new DataError(
        `${file}: an object of parallel arrays, but it has no key ${quoted(missing)} (its keys are ${quoted(Object.keys(document))}); give it one array for each of ${keysHelp(keys, missing, other)}, or make the file an array of examples`,
      );
    }
    const columns = document as Record<string, unknown>;
    let count = -1;
    for (const k of keys) {
      const column = columns[k];
      if (!Array.isArray(column)) throw new DataError(`${file}: ${JSON.stringify(k)} is ${describe(column)}, expected an array with one item per example`);
      if (count >= 0 && column.length !== count) throw new DataError(`${file}: ${JSON.stringify(keys[0])} holds ${count} items but ${JSON.stringify(k)} holds ${column.length}; they must match one to one`);
      count = column.length;
    }
    return Array.from({ length: count }, (_, i) => Object.fromEntries(keys.map((k) => [k, (columns[k] as unknown[])[i]])));
  }
  throw new DataError(`${file}: expected an array of examples, objects with ${shown}, or an object of parallel arrays ${shown}, found ${describe(document)}`);
}

/**
 * A nested array of numbers, flattened in row-major order. Its shape is read along the first
 * elements, then every element is checked against it, so a ragged array is reported where it breaks.
 */
function nested(value: unknown, name: string, where: string): Nested {
  const dims: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) {
    dims.push(v.length);
    if (v.length === 0) break;
  }
  const values: number[] = [];
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === dims.length) {
      if (typeof v === "number" && Number.isFinite(v)) {
        values.push(v);
        return;
      }
      const why = Array.isArray(v) ? ` (${name} is not rectangular: ${name}${"[0]".repeat(depth)} is a number)` : "";
      throw new DataError(`${where}: ${name}${path} is ${describe(v)}, expected a number${why}`);
    }
    if (!Array.isArray(v)) {
      throw new DataError(`${where}: ${name}${path} is ${describe(v)}, expected an array of ${dims[depth]} (${name} is not rectangular)`);
    }
    if (v.length !== dims[depth]) {
      throw new DataError(`${where}: ${name}${path} has ${v.length} items, expected ${dims[depth]} like ${name}${"[0]".repeat(depth)} (${name} is not rectangular)`);
    }
    v.forEach((item: unknown, i) => walk(item, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, "");
  return { dims, values };
}

/** A short description of a JSON value for messages. */
function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v === null) return "null";
  if (typeof v === "object") return "an object";
  if (typeof v === "undefined") return "missing";
  if (typeof v === "number") return String(v); // JSON.stringify would print Infinity as null
  const text = JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
