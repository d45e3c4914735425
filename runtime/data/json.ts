/**
 * JSON files (`json(path, shape, classes, targets)`), in either of two layouts:
 *
 *     [{"x": [[0, 1], [2, 3]], "y": 1}, …]        an array of examples
 *     {"x": [[[0, 1], [2, 3]], …], "y": [1, …]}   two parallel arrays
 *
 * Each x is a nested array of numbers (or one number); every example's shape is checked against
 * `shape` (a missing trailing channel axis of 1 is accepted), or without `shape` against the first
 * example's. Each y is a class index or a target vector: class labels (one-hot rows) when `classes`
 * is given, or when neither `classes` nor `targets` is given and every y is a non-negative integer
 * (classes = largest + 1); otherwise regression targets of shape [targets], or the first y's shape.
 * Examples are numbered from 0, as JSON arrays are indexed.
 */
import { DataError, sizeOf, type Examples } from "./examples.js";
import { classTargets, fitsShape, formatShape, readDataFile, requireExamples } from "./user-files.js";

export interface JsonSetting {
  readonly path: string;
  readonly shape: readonly number[] | null;
  readonly classes: number | null;
  readonly targets: number | null;
}

/** One value of one example, flattened, with the shape it had. */
interface Nested {
  readonly dims: number[];
  readonly values: number[];
}

/** Loads `json(path, shape, classes, targets)`; the path is relative to `baseDir`, the `.nn` file's folder. */
export function loadJson(setting: JsonSetting, baseDir: string): Examples {
  const file = setting.path;
  if (setting.classes !== null && setting.targets !== null) {
    throw new DataError(`${file}: both \`classes\` and \`targets\` are given; keep one`);
  }
  const text = readDataFile(file, baseDir).toString("utf8");
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new DataError(`${file}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const rows = examplesOf(document, file);
  const count = rows.length;
  requireExamples(count, file);
  const at = (i: number): string => `${file}: example ${i}`;

  const first = nested(rows[0].x, "x", at(0));
  const expectedX = setting.shape ?? first.dims;
  const xShape = expectedX.length === 0 ? [1] : [...expectedX];
  if (sizeOf(xShape) === 0) throw new DataError(`${at(0)}: x is empty (shape ${formatShape(xShape)}), expected numbers`);
  const rowSize = sizeOf(xShape);
  const x = new Float32Array(count * rowSize);
  for (let i = 0; i < count; i++) {
    const xi = i === 0 ? first : nested(rows[i].x, "x", at(i));
    if (!fitsShape(xi.dims, xShape)) {
      const source = setting.shape ? "" : " (the shape of example 0)";
      throw new DataError(`${at(i)}: x has shape ${formatShape(xi.dims)}, expected ${formatShape(xShape)}${source}`);
    }
    x.set(xi.values, i * rowSize);
  }

  const ys = rows.map((row, i) => nested(row.y, "y", at(i)));
  const scalar = (y: Nested): boolean => y.dims.length === 0 || (y.dims.length === 1 && y.dims[0] === 1);
  const asClasses =
    setting.classes !== null ||
    (setting.targets === null && ys.every((y) => y.dims.length === 0 && Number.isInteger(y.values[0]) && y.values[0] >= 0));
  if (asClasses) {
    const labels = ys.map((y, i) => {
      if (!scalar(y)) throw new DataError(`${at(i)}: y has shape ${formatShape(y.dims)}, expected a class index (one number)`);
      return y.values[0];
    });
    const t = classTargets(labels, setting.classes, (i) => `${at(i)}: y`);
    return { x, xShape, y: t.y, yShape: t.yShape, count, classes: t.classes };
  }
  const expectedY = setting.targets !== null ? [setting.targets] : ys[0].dims.length === 0 ? [1] : ys[0].dims;
  const ySize = sizeOf(expectedY);
  const y = new Float32Array(count * ySize);
  ys.forEach((yi, i) => {
    if (!fitsShape(yi.dims, expectedY)) {
      const source = setting.targets !== null ? " from `targets`" : " (the shape of example 0)";
      throw new DataError(`${at(i)}: y has shape ${formatShape(yi.dims)}, expected ${formatShape(expectedY)}${source}`);
    }
    y.set(yi.values, i * ySize);
  });
  return { x, xShape, y, yShape: [...expectedY], count, classes: null };
}

/** The examples of either layout, as (x, y) pairs. */
function examplesOf(document: unknown, file: string): { x: unknown; y: unknown }[] {
  if (Array.isArray(document)) {
    return document.map((row: unknown, i) => {
      if (typeof row !== "object" || row === null || Array.isArray(row) || !("x" in row) || !("y" in row)) {
        throw new DataError(`${file}: example ${i}: expected an object with "x" and "y", found ${describe(row)}`);
      }
      return { x: row.x, y: row.y };
    });
  }
  if (typeof document === "object" && document !== null && "x" in document && "y" in document) {
    const { x, y } = document;
    if (!Array.isArray(x)) throw new DataError(`${file}: "x" is ${describe(x)}, expected an array of examples`);
    if (!Array.isArray(y)) throw new DataError(`${file}: "y" is ${describe(y)}, expected an array of targets`);
    if (x.length !== y.length) throw new DataError(`${file}: "x" holds ${x.length} examples but "y" holds ${y.length} targets; they must match one to one`);
    return x.map((xi: unknown, i) => ({ x: xi, y: y[i] as unknown }));
  }
  throw new DataError(`${file}: expected an array of {"x": …, "y": …} examples or an object {"x": […], "y": […]}, found ${describe(document)}`);
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
