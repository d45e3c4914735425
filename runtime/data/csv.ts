/**
 * CSV files: one example per row, the label in one column, every other column a feature
 * (`csv(path, label, features, classes, targets)`). Parsing (RFC 4180: quoted fields with commas,
 * line breaks and doubled quotes) is csv-parse's; this file decides what the cells mean and
 * validates every row.
 *
 * - Header: the first row is a header when any of its cells is not a number; otherwise messages call
 *   columns by index (`column 3`) and `label` must be an index.
 * - `label` names a column by header name, or by 0-based index.
 * - `targets: k`: the targets are the k columns starting at the label column (the label column and
 *   the k − 1 after it), so a vector target is written as adjacent columns and named by its first;
 *   all other columns are features. Chosen over "the last k columns" so that `label` always says
 *   where the targets are.
 * - Class labels (one-hot rows) when `classes` is given, or when neither `classes` nor `targets` is
 *   given and every label is a non-negative integer (classes = largest label + 1); otherwise a
 *   regression target of shape [targets] (or [1]).
 * - Blank lines at the end are ignored; a blank line elsewhere is an error. Errors give 1-based line
 *   numbers of the file (`data.csv:17: …`), the line where the row starts.
 */
import { parse } from "csv-parse/sync";
import { DataError, type Examples } from "./examples.js";
import { allClassIndices, classTargets, readDataFile, requireExamples } from "./user-files.js";

export interface CsvSetting {
  readonly path: string;
  /** A column name, or a 0-based column index. */
  readonly label: string | number;
  readonly features: number | null;
  readonly classes: number | null;
  readonly targets: number | null;
}

interface Row {
  readonly cells: string[];
  /** The 1-based line of the file the row starts on. */
  readonly line: number;
}

/** A decimal number as spreadsheets and NumPy write them; stricter than Number(), which takes "" and "0x1F". */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(text: string): number | null {
  const t = text.trim();
  if (!NUMBER.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** The rows of the file with their starting lines; trailing blank lines dropped. */
function readRows(text: string, file: string): Row[] {
  const ends: number[] = [];
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      relax_column_count: true, // counted here, for a message with the expected count
      skip_empty_lines: false, // kept so that every line is a record and line numbers follow
      record_delimiter: ["\r\n", "\n", "\r"],
      on_record: (record: string[], context) => {
        ends.push(context.lines);
        return record;
      },
    });
  } catch (error) {
    const line = typeof error === "object" && error !== null && "lines" in error && typeof error.lines === "number" ? `:${error.lines}` : "";
    const message = error instanceof Error ? error.message : String(error);
    throw new DataError(`${file}${line}: not valid CSV: ${message}`);
  }
  const rows = records.map((cells, i) => ({ cells, line: i === 0 ? 1 : ends[i - 1] + 1 }));
  while (rows.length > 0 && isBlank(rows[rows.length - 1])) rows.pop();
  return rows;
}

function isBlank(row: Row): boolean {
  return row.cells.length === 1 && row.cells[0].trim() === "";
}

/** Loads `csv(path, label, features, classes, targets)`; the path is relative to `baseDir`, the `.nn` file's folder. */
export function loadCsv(setting: CsvSetting, baseDir: string): Examples {
  const file = setting.path;
  if (setting.classes !== null && setting.targets !== null) {
    throw new DataError(`${file}: both \`classes\` and \`targets\` are given; keep one`);
  }
  const rows = readRows(readDataFile(file, baseDir).toString("utf8"), file);
  if (rows.length === 0) throw new DataError(`${file}: the file is empty`);

  const hasHeader = rows[0].cells.some((c) => parseNumber(c) === null);
  const width = rows[0].cells.length;
  const names = hasHeader ? rows[0].cells.map((c) => c.trim()) : Array.from({ length: width }, (_, i) => `column ${i}`);
  const body = hasHeader ? rows.slice(1) : rows;
  const columnName = (c: number): string => (hasHeader ? JSON.stringify(names[c]) : String(c));

  const label = labelColumn(setting.label, names, hasHeader, file);
  const targetCount = setting.targets ?? 1;
  if (label + targetCount > width) {
    throw new DataError(
      `${file}: \`targets: ${targetCount}\` takes ${targetCount} columns from the label column ${columnName(label)} (index ${label}), but the file has ${width} columns (the last index is ${width - 1})`,
    );
  }
  const targetColumns = Array.from({ length: targetCount }, (_, i) => label + i);
  const featureColumns = names.map((_, i) => i).filter((i) => i < label || i >= label + targetCount);
  if (setting.features !== null && setting.features !== featureColumns.length) {
    const targetsText = targetCount === 1 ? `the label column ${columnName(label)}` : `the ${targetCount} target columns from ${columnName(label)}`;
    throw new DataError(
      `${file}: ${featureColumns.length} feature columns (every column but ${targetsText}), expected ${setting.features} from \`features\``,
    );
  }
  requireExamples(body.length, file);

  const count = body.length;
  const x = new Float32Array(count * featureColumns.length);
  const raw = new Float64Array(count * targetCount); // targets kept exact until the class test
  for (let r = 0; r < count; r++) {
    const { cells, line } = body[r];
    if (isBlank(body[r])) throw new DataError(`${file}:${line}: blank line, expected ${width} columns`);
    if (cells.length !== width) throw new DataError(`${file}:${line}: expected ${width} columns, found ${cells.length}`);
    for (let f = 0; f < featureColumns.length; f++) {
      const c = featureColumns[f];
      const v = parseNumber(cells[c]);
      if (v === null) throw new DataError(`${file}:${line}: column ${columnName(c)} holds ${JSON.stringify(cells[c])}, expected a number`);
      x[r * featureColumns.length + f] = v;
    }
    for (let t = 0; t < targetCount; t++) {
      const c = targetColumns[t];
      const v = parseNumber(cells[c]);
      if (v === null) {
        const expected = setting.classes !== null ? `a class index 0…${setting.classes - 1}` : "a number";
        throw new DataError(`${file}:${line}: label column ${columnName(c)} holds ${JSON.stringify(cells[c])}, expected ${expected}`);
      }
      raw[r * targetCount + t] = v;
    }
  }

  const xShape = [featureColumns.length];
  const asClasses = setting.classes !== null || (setting.targets === null && allClassIndices(raw));
  if (asClasses) {
    const t = classTargets(raw, setting.classes, (r) => `${file}:${body[r].line}: column ${columnName(label)}`);
    return { x, xShape, y: t.y, yShape: t.yShape, count, classes: t.classes };
  }
  return { x, xShape, y: Float32Array.from(raw), yShape: [targetCount], count, classes: null };
}

function labelColumn(label: string | number, names: readonly string[], hasHeader: boolean, file: string): number {
  if (typeof label === "number") {
    if (!Number.isInteger(label) || label < 0 || label >= names.length) {
      throw new DataError(`${file}: label column index ${label} is outside the file's ${names.length} columns (0…${names.length - 1})`);
    }
    return label;
  }
  if (!hasHeader) {
    throw new DataError(`${file}: the label column is named ${JSON.stringify(label)}, but the file has no header row (its first row is all numbers); give the label as a 0-based column index`);
  }
  const found = names.indexOf(label);
  if (found < 0) {
    const shown = names.length > 12 ? `${names.slice(0, 12).join(", ")}, … (${names.length} in all)` : names.join(", ");
    throw new DataError(`${file}: no column named ${JSON.stringify(label)} in the header; its columns are ${shown}`);
  }
  return found;
}
