/**
 * CSV files: one example per row, the label(s) in named columns, the other columns features
 * (`csv(path, label, features, classes, targets)`). Parsing (RFC 4180: quoted fields with commas,
 * line breaks and doubled quotes) is csv-parse's; this file decides which cells are what and
 * validates every row. What the labels mean (classes or values) is decided in targets.ts.
 *
 * - Header: the first row is a header when any of its cells is not a number; otherwise messages call
 *   columns by index (`column 3`) and `label` must be an index.
 * - `label` names one column per model output, by header name or 0-based index.
 * - `targets: k` (one output): the targets are the k columns starting at the label column, so a
 *   vector target is written as adjacent columns and named by its first.
 * - `features`: how many feature columns each model input takes, left to right among the columns
 *   that are not labels; without it, every such column feeds the one input.
 * - A label column whose cells are all numbers gives numbers; one with any other cell gives class
 *   names (empty cells are errors).
 * - Blank lines at the end are ignored; a blank line elsewhere is an error. Errors give 1-based line
 *   numbers of the file (`data.csv:17: …`), the line where the row starts.
 */
import { parse } from "csv-parse/sync";
import { DataError, type Column } from "./examples.js";
import { CSV_PARSE_OPTIONS, isBlankCsvRow, isCsvHeader, parseCsvNumber as parseNumber } from "./headers.js";
import type { RawExamples, RawLabels } from "./targets.js";
import { readDataFile, requireExamples } from "./user-files.js";
import { loadNow, type Loading } from "./loading.js";

export interface CsvSetting {
  readonly path: string;
  /** The label columns, one per model output: a column name, or a 0-based column index. */
  readonly label: readonly (string | number)[];
  /** Feature columns per model input; null: every non-label column, for one input. */
  readonly features: readonly number[] | null;
  readonly targets: number | null;
  /**
   * For files to predict on (`nnc predict`): the label columns may be absent (every column is then
   * a feature) or present (they are skipped, even empty); no labels are read. A label named by
   * index is present when the file has more columns than `features` counts. Unset for training data.
   */
  readonly labelsOptional?: boolean;
}

export interface Row {
  readonly cells: string[];
  /** The 1-based line of the file the row starts on. */
  readonly line: number;
}

/** About how many characters of a file are parsed at once, between two pauses of a paced loading. */
const CHUNK_CHARS = 1 << 18;

/** Parses a piece of CSV text (`first`: the file's start, where a byte order mark is skipped); `ends` gets the line (counted within `text`) each record ends on. */
function parseRecords(text: string, ends: number[], first = true): string[][] {
  return parse(text, {
    ...CSV_PARSE_OPTIONS,
    bom: first && CSV_PARSE_OPTIONS.bom,
    record_delimiter: [...CSV_PARSE_OPTIONS.record_delimiter],
    on_record: (record: string[], context) => {
      ends.push(context.lines);
      return record;
    },
  });
}

/**
 * The rows of the file with their starting lines; trailing blank lines dropped. The text is parsed
 * in chunks of about `chunk` characters that end with a line break outside quotes (a record's end),
 * pausing after each: the rows are those of parsing it whole (a property in
 * test/runtime/data/loading.test.ts). When the parser refuses a chunk, the text is parsed whole
 * again, for the error exactly as that parse gives it (with the file's line numbers).
 */
export function* readCsvRows(text: string, file: string, chunk = CHUNK_CHARS): Loading<Row[]> {
  const rows: Row[] = [];
  const cuts = new RecordCuts(text);
  /** The line the previous chunk's last record ended on: the chunk's own lines count from it. */
  let lines = 0;
  for (let from = 0; from < text.length; ) {
    const to = cuts.next(from + chunk);
    const ends: number[] = [];
    let records: string[][];
    try {
      records = parseRecords(text.slice(from, to), ends, from === 0);
    } catch (error) {
      throw new DataError(notValidCsv(text, file, wholeTextError(text) ?? error));
    }
    for (let i = 0; i < records.length; i++) rows.push({ cells: records[i], line: lines + (i === 0 ? 1 : ends[i - 1] + 1) });
    lines += ends[ends.length - 1] ?? 0;
    from = to;
    yield;
  }
  while (rows.length > 0 && isBlank(rows[rows.length - 1])) rows.pop();
  return rows;
}

/** The error parsing `text` whole gives, if any. */
function wholeTextError(text: string): unknown {
  try {
    parseRecords(text, []);
    return undefined;
  } catch (error) {
    return error;
  }
}

/**
 * Where chunks of a CSV text may end: just after a line feed outside quoted fields. In a text the
 * parser accepts every quote opens a field, closes one, or is half of a doubled quote inside one,
 * so an odd number of quotes before a point means it lies inside a quoted field. (In a text it
 * refuses, the first chunk that holds the fault is refused too: the cuts before it are right.)
 */
class RecordCuts {
  /** Where the next cut is looked for: every quote before it has been counted. */
  private at = 0;
  /** Whether an odd number of quotes lies before `at`. */
  private quoted = false;
  /** The first quote at or after `at`, or -1. */
  private quote: number;

  constructor(private readonly text: string) {
    this.quote = text.indexOf('"');
  }

  /** The first cut at or after `wanted`, or the text's end. */
  next(wanted: number): number {
    const { text } = this;
    if (wanted >= text.length) return text.length;
    while (this.quote !== -1 && this.quote < wanted) this.passQuote();
    this.at = Math.max(this.at, wanted);
    for (;;) {
      const feed = this.quoted ? -1 : text.indexOf("\n", this.at);
      if (feed !== -1 && (this.quote === -1 || feed < this.quote)) return (this.at = feed + 1);
      if (this.quote === -1) return (this.at = text.length);
      this.at = this.quote + 1;
      this.passQuote();
    }
  }

  private passQuote(): void {
    this.quoted = !this.quoted;
    this.quote = this.text.indexOf('"', this.quote + 1);
  }
}

/**
 * What is wrong with a file the parser refused, in nnc's words, at the line to fix. The parser
 * reports an unclosed quote where the file ends; the line where that quote opens is found here.
 */
function notValidCsv(text: string, file: string, error: unknown): string {
  const fields = typeof error === "object" && error !== null ? (error as { code?: unknown; lines?: unknown }) : {};
  const at = (line: unknown) => (typeof line === "number" ? `${file}:${line}` : file);
  if (fields.code === "CSV_QUOTE_NOT_CLOSED") {
    const open = unclosedQuote(text);
    if (open) {
      return `${file}:${open.line}: not valid CSV: the quote that opens the field \`${open.field}\` is never closed, so the rest of the file would be read as that one field; close the quote at the end of the field, or remove it (a quote inside a quoted field is written twice: "")`;
    }
  }
  if (fields.code === "CSV_INVALID_CLOSING_QUOTE") {
    return `${at(fields.lines)}: not valid CSV: a quoted field is followed by more text before the next comma or line break; put that text inside the quotes, or write a quote inside the field twice ("")`;
  }
  if (fields.code === "INVALID_OPENING_QUOTE" || fields.code === "CSV_INVALID_OPENING_QUOTE") {
    return `${at(fields.lines)}: not valid CSV: a field has a quote after its first character; put the whole field in quotes and write the quote inside twice (""), or remove it`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `${at(fields.lines)}: not valid CSV (${message}); check the file's quotes and delimiters (RFC 4180)`;
}

/**
 * The quote left open at the end of `text`, with the line it opens on and the start of its field
 * (up to the end of that line), read as RFC 4180 reads quotes: a quote opens a field only at its
 * start, and two quotes inside a quoted field are one quote.
 */
export function unclosedQuote(text: string): { line: number; field: string } | undefined {
  let line = 1;
  let quoted = false;
  let opened = { line: 0, at: 0 };
  let fieldStart = true;
  for (let i = text.startsWith("\uFEFF") ? 1 : 0; i < text.length; i++) {
    const c = text[i];
    const lineBreak = c === "\n" || c === "\r";
    if (lineBreak && c === "\r" && text[i + 1] === "\n") i++;
    if (lineBreak) line++;
    if (quoted) {
      if (c !== '"') continue;
      if (text[i + 1] === '"') i++;
      else quoted = false;
      continue;
    }
    if (c === '"' && fieldStart) {
      quoted = true;
      opened = { line, at: i };
    }
    fieldStart = c === "," || lineBreak;
  }
  if (!quoted) return undefined;
  const rest = text.slice(opened.at).split(/\r\n|\n|\r/, 1)[0];
  return { line: opened.line, field: rest.length > 40 ? `${rest.slice(0, 40)}…` : rest };
}

function isBlank(row: Row): boolean {
  return isBlankCsvRow(row.cells);
}

/** Reads `csv(path, label, features, targets)`; the path is relative to `baseDir`, the `.nn` file's folder. */
export function readCsv(setting: CsvSetting, baseDir: string): RawExamples {
  return loadNow(readCsvSteps(setting, baseDir));
}

/** `readCsv` as a loading (loading.ts): it pauses between chunks of the file and blocks of rows. */
export function* readCsvSteps(setting: CsvSetting, baseDir: string): Loading<RawExamples> {
  const file = setting.path;
  const rows = yield* readCsvRows(readDataFile(file, baseDir).toString("utf8"), file);
  if (rows.length === 0) throw new DataError(`${file}: the file is empty`);

  const hasHeader = isCsvHeader(rows[0].cells);
  const width = rows[0].cells.length;
  const names = hasHeader ? rows[0].cells.map((c) => c.trim()) : Array.from({ length: width }, (_, i) => `column ${i}`);
  const body = hasHeader ? rows.slice(1) : rows;
  const columnName = (c: number): string => (hasHeader ? JSON.stringify(names[c]) : String(c));

  const optional = setting.labelsOptional === true;
  if (setting.label.length === 0 && !optional) throw new DataError(`${file}: no label column given`);
  if (setting.targets !== null && setting.label.length > 1) throw new DataError(`${file}: \`targets\` reads adjacent columns for one output; with several label columns give one column per output`);
  const span = setting.targets ?? 1;
  const labelColumns = (optional ? presentLabels(setting, names, hasHeader, width) : setting.label).map((l) => labelColumn(l, names, hasHeader, file));
  const first = labelColumns[0];
  if (first !== undefined && first + span > width) {
    throw new DataError(
      `${file}: \`targets: ${span}\` takes ${span} columns from the label column ${columnName(first)} (index ${first}), but the file has ${width} columns (the last index is ${width - 1})`,
    );
  }
  const targetColumns = labelColumns.length === 0 ? [] : setting.targets !== null ? [Array.from({ length: span }, (_, i) => first + i)] : labelColumns.map((c) => [c]);
  const used = new Set(targetColumns.flat());
  if (used.size !== targetColumns.flat().length) throw new DataError(`${file}: a column is named twice in \`label\``);
  const featureColumns = names.map((_, i) => i).filter((i) => !used.has(i));
  const labelsText = targetColumns.flat().length === 1 ? `the label column ${columnName(first)}` : `the ${targetColumns.flat().length} label columns`;
  const counts = setting.features ?? [featureColumns.length];
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== featureColumns.length) {
    const wanted = setting.features && setting.features.length > 1 ? `${setting.features.join(" + ")} = ${total}` : String(total);
    if (optional) throw new DataError(`${file}: ${featureColumns.length} feature columns (${targetColumns.length ? `every column but ${labelsText}` : "the file has no label column"}), but the model takes ${wanted}`);
    throw new DataError(`${file}: ${featureColumns.length} feature columns (every column but ${labelsText}), expected ${wanted} from \`features\``);
  }
  if (featureColumns.length === 0) throw new DataError(`${file}: no feature columns: every column is a label`);
  requireExamples(body.length, file);

  const count = body.length;
  const x = new Float32Array(count * featureColumns.length);
  const cells: string[][] = targetColumns.map(() => []);
  for (let r = 0; r < count; r++) {
    if (r % 4096 === 4095) yield;
    const row = body[r];
    if (isBlank(row)) throw new DataError(`${file}:${row.line}: blank line, expected ${width} columns`);
    if (row.cells.length !== width) throw new DataError(`${file}:${row.line}: expected ${width} columns, found ${row.cells.length}`);
    for (let f = 0; f < featureColumns.length; f++) {
      const c = featureColumns[f];
      const v = parseNumber(row.cells[c]);
      if (v === null) throw new DataError(`${file}:${row.line}: column ${columnName(c)} holds ${JSON.stringify(row.cells[c])}, expected a number`);
      x[r * featureColumns.length + f] = v;
    }
    targetColumns.forEach((columns, t) => {
      for (const c of columns) cells[t].push(row.cells[c].trim());
    });
  }

  yield;
  const inputs: Column[] = [];
  let offset = 0;
  for (const n of counts) {
    const values = new Float32Array(count * n);
    for (let r = 0; r < count; r++) values.set(x.subarray(r * featureColumns.length + offset, r * featureColumns.length + offset + n), r * n);
    inputs.push({ values, shape: [n] });
    offset += n;
  }
  yield;
  const where = (r: number): string => `${file}:${body[r].line}`;
  const labels = optional ? [] : targetColumns.map((columns, t): RawLabels => labelsOf(cells[t], columns, setting.targets !== null, (i) => `${where(Math.floor(i / columns.length))}: column ${columnName(columns[i % columns.length])}`));
  return { count, inputs, labels, file, where };
}

/**
 * A label column's cells as numbers, or as class names when any cell is not a number (never when
 * `targets` says the values are real). An empty cell is an error either way.
 */
function labelsOf(cells: readonly string[], columns: readonly number[], real: boolean, at: (i: number) => string): RawLabels {
  const numbers = new Float64Array(cells.length);
  let named = false;
  // Every cell is looked at, also after the first class name: an empty one would be a class "".
  for (let i = 0; i < cells.length; i++) {
    if (cells[i] === "") throw new DataError(`${at(i)} is empty, expected a ${real ? "number" : "label"}; fill in the example's ${real ? "target" : "label"}, or remove the row`);
    if (named) continue;
    const v = parseNumber(cells[i]);
    if (v === null) {
      if (real) throw new DataError(`${at(i)} holds ${JSON.stringify(cells[i])}, expected a number (\`targets\` makes the labels real values)`);
      named = true;
      continue;
    }
    numbers[i] = v;
  }
  if (named) return { kind: "names", names: cells };
  return { kind: "numbers", values: numbers, shape: columns.length === 1 ? [] : [columns.length] };
}

/** The labels of `setting` a file to predict on has: by name in its header, by index when it has more columns than the features. */
function presentLabels(setting: CsvSetting, names: readonly string[], hasHeader: boolean, width: number): (string | number)[] {
  const features = setting.features && setting.features.reduce((a, b) => a + b, 0);
  return setting.label.filter((l) => (typeof l === "string" ? hasHeader && names.includes(l) : features === null ? l < width : width > features));
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
