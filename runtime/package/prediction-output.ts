/**
 * `nnc predict`'s output: one record per example, `source` first (where the example came from),
 * then per model output:
 *
 * - a class output: the predicted class name (`class` with one output, else the output's name) —
 *   an ensemble's vote — and one probability per class (an ensemble's mean output; a single sigmoid
 *   unit's value is the probability of the second class, 1 − it that of the first). CSV has a
 *   column `p(<class>)` per class (`<output> p(<class>)` with several outputs); JSON one object
 *   `p` (`<output> p`) keyed by class name. A sequence output predicts one class per step: a list
 *   in JSON, joined with spaces in CSV (so are its probabilities);
 * - a real-valued output: its value (`<output>`), or its values (`<output>[i]`, flattened, in CSV;
 *   nested arrays of the output's shape in JSON).
 *
 * Numbers are written with the fewest digits that give back the same float32. CSV quotes fields as
 * RFC 4180 says (a field with a comma, a double quote or a line break is put in double quotes,
 * doubling the quotes inside).
 */
import { sizeOf } from "../data/examples.js";
import type { OutputPrediction } from "./predictor.js";

/** The shortest decimal text that reads back as the same float32: 0.1 rather than 0.10000000149011612. */
export function float32Text(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const v = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const t = Number(v.toPrecision(digits));
    if (Math.fround(t) === v) return String(t);
  }
  return String(v);
}

function float32Number(value: number): number | null {
  return Number.isFinite(value) ? Number(float32Text(value)) : null;
}

/** A CSV field as RFC 4180 writes it. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** How one output is laid out per example. */
interface Layout {
  readonly prediction: OutputPrediction;
  /** The CSV column (and JSON key) of the class, or of the value(s). */
  readonly key: string;
  /** Values per example, and for classes: units per row and rows (steps) per example. */
  readonly size: number;
  readonly units: number;
  readonly steps: number;
  /** Whether an example's class output is a sequence (one class per step). */
  readonly sequence: boolean;
  /** The prefix of probability columns: `` or `<output> `. */
  readonly prefix: string;
}

function layouts(predictions: readonly OutputPrediction[]): Layout[] {
  const single = predictions.length === 1;
  return predictions.map((p) => {
    const size = sizeOf(p.shape);
    const units = p.shape[p.shape.length - 1] ?? 1;
    const classes = p.classes !== null;
    return {
      prediction: p,
      key: classes && single ? "class" : p.name,
      size,
      units,
      steps: classes ? size / units : 1,
      sequence: classes && p.shape.length > 1,
      prefix: single ? "" : `${p.name} `,
    };
  });
}

/** The probability of class `c` at `step` of `example`. */
function probability(layout: Layout, example: number, step: number, c: number): number {
  const { prediction, units, steps } = layout;
  const at = (example * steps + step) * units;
  if (units === 1) return c === 1 ? prediction.values[at] : Math.fround(1 - prediction.values[at]);
  return prediction.values[at + c];
}

function className(layout: Layout, example: number, step: number): string {
  const { prediction, steps } = layout;
  return prediction.classes![prediction.predicted![example * steps + step]];
}

/** The CSV columns of the predictions, header first. */
export function predictionCsv(predictions: readonly OutputPrediction[], rows: readonly string[]): string {
  const all = layouts(predictions);
  const header = ["source"];
  for (const l of all) {
    const classes = l.prediction.classes;
    if (classes) header.push(l.key, ...classes.map((c) => `${l.prefix}p(${c})`));
    else if (l.size === 1 && l.prediction.shape.length <= 1) header.push(l.key);
    else for (let i = 0; i < l.size; i++) header.push(`${l.key}[${i}]`);
  }
  const lines = [header.map(csvField).join(",")];
  const stepsOf = (l: Layout) => Array.from({ length: l.steps }, (_, t) => t);
  rows.forEach((source, e) => {
    const fields = [source];
    for (const l of all) {
      const classes = l.prediction.classes;
      if (classes) {
        fields.push(stepsOf(l).map((t) => className(l, e, t)).join(" "));
        classes.forEach((_, c) => fields.push(stepsOf(l).map((t) => float32Text(probability(l, e, t, c))).join(" ")));
      } else {
        for (let i = 0; i < l.size; i++) fields.push(float32Text(l.prediction.values[e * l.size + i]));
      }
    }
    lines.push(fields.map(csvField).join(","));
  });
  return `${lines.join("\n")}\n`;
}

/** Nested arrays of `shape` from flat values. */
function nest(values: ArrayLike<number>, offset: number, shape: readonly number[]): unknown {
  if (shape.length <= 1) return Array.from({ length: shape[0] ?? 1 }, (_, i) => float32Number(values[offset + i]));
  const inner = sizeOf(shape.slice(1));
  return Array.from({ length: shape[0] }, (_, i) => nest(values, offset + i * inner, shape.slice(1)));
}

/** The predictions as records with the CSV's fields, probabilities as objects keyed by class. */
export function predictionRecords(predictions: readonly OutputPrediction[], rows: readonly string[]): Record<string, unknown>[] {
  const all = layouts(predictions);
  return rows.map((source, e) => {
    const record: Record<string, unknown> = { source };
    for (const l of all) {
      const classes = l.prediction.classes;
      if (classes) {
        const steps = Array.from({ length: l.steps }, (_, t) => t);
        record[l.key] = l.sequence ? steps.map((t) => className(l, e, t)) : className(l, e, 0);
        record[`${l.prefix}p`] = Object.fromEntries(
          classes.map((c, k) => [c, l.sequence ? steps.map((t) => float32Number(probability(l, e, t, k))) : float32Number(probability(l, e, 0, k))]),
        );
      } else if (l.size === 1 && l.prediction.shape.length <= 1) {
        record[l.key] = float32Number(l.prediction.values[e]);
      } else {
        record[l.key] = nest(l.prediction.values, e * l.size, l.prediction.shape);
      }
    }
    return record;
  });
}

/** A JSON array of the records, one record per line. */
export function predictionJson(predictions: readonly OutputPrediction[], rows: readonly string[]): string {
  const records = predictionRecords(predictions, rows);
  return records.length === 0 ? "[]\n" : `[\n${records.map((r) => `  ${JSON.stringify(r)}`).join(",\n")}\n]\n`;
}
