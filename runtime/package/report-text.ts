/**
 * `nnc evaluate`'s text: what was evaluated, the metrics (as the training printed them,
 * metric-format.ts), and for each class output a per-class table laid out as scikit-learn's
 * `classification_report` (4 digits) and a confusion matrix (rows: true class, columns: predicted),
 * cut to its first 20 classes (plus an "(others)" row and column that sum the rest) when larger.
 */
import { describeMetrics } from "../core/metric-format.js";
import type { ClassReport, Evaluation } from "./evaluation.js";

/** Class names as cells of a table: control characters (a newline in a folder name) shown escaped. */
function cell(name: string): string {
  return /[\u0000-\u001f\u007f]/.test(name) ? JSON.stringify(name).slice(1, -1) : name;
}

const trimLines = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n");

/** The per-class table of one class output, as scikit-learn's classification_report lays it out. */
export function classificationReportText(report: ClassReport, digits = 4): string {
  const names = report.perClass.map((s) => cell(s.class));
  const width = Math.max(...names.map((n) => n.length), "weighted avg".length, digits);
  const name = (text: string) => `${text.padStart(width)} `;
  const col = (text: string) => ` ${text.padStart(9)}`;
  const num = (v: number) => col(v.toFixed(digits));
  const total = report.perClass.reduce((n, s) => n + s.support, 0);
  const lines = [name("") + ["precision", "recall", "f1-score", "support"].map(col).join(""), ""];
  report.perClass.forEach((s, i) => lines.push(name(names[i]) + num(s.precision) + num(s.recall) + num(s.f1) + col(String(s.support))));
  lines.push("");
  lines.push(name("accuracy") + col("") + col("") + num(report.accuracy) + col(String(total)));
  lines.push(name("macro avg") + num(report.macro.precision) + num(report.macro.recall) + num(report.macro.f1) + col(String(total)));
  lines.push(name("weighted avg") + num(report.weighted.precision) + num(report.weighted.recall) + num(report.weighted.f1) + col(String(total)));
  return `${trimLines(lines.join("\n"))}\n`;
}

/** The longest a class name is shown as a column header before it is cut with "…". */
const HEADER_WIDTH = 12;

/**
 * The confusion matrix of one class output: rows are true classes, columns predicted ones. More
 * than `maxClasses` classes: the first `maxClasses`, then an "(others)" row and column summing the
 * rest, with a note.
 */
export function confusionMatrixText(report: ClassReport, maxClasses = 20): string {
  const n = report.classes.length;
  const shown = Math.min(n, maxClasses);
  const cut = shown < n;
  const labels = report.classes.slice(0, shown).map(cell);
  if (cut) labels.push("(others)");
  const m = labels.length;
  // The matrix as shown: the first classes, and the others summed into one row and column.
  const at = (t: number) => (t < shown ? t : shown);
  const counts = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  report.confusion.forEach((row, t) => row.forEach((v, p) => (counts[at(t)][at(p)] += v)));
  const headers = labels.map((l) => (l.length > HEADER_WIDTH ? `${l.slice(0, HEADER_WIDTH - 1)}…` : l));
  // One width for every column, so the matrix reads as a grid.
  const width = Math.max(...headers.map((h) => h.length), ...counts.flat().map((v) => String(v).length));
  const nameWidth = Math.max(...labels.map((l) => l.length));
  const line = (first: string, cells: readonly string[]) => `${first.padStart(nameWidth)}  ${cells.map((c) => c.padStart(width)).join("  ")}`.trimEnd();
  const lines = [line("", headers), ...counts.map((row, t) => line(labels[t], row.map(String)))];
  if (cut) lines.push(`(the first ${shown} of ${n} classes; "(others)" sums the other ${n - shown}; --format json has the whole matrix)`);
  return `${lines.join("\n")}\n`;
}

/** What an evaluation was of, for its first lines. */
export interface EvaluationSubject {
  /** The run folder as given. */
  readonly run: string;
  /** The model: `Iris (iris.nn), one network`, `…, an ensemble of 3 networks, majority vote`. */
  readonly model: string;
  /** The data: `the run's test part: 20% of iris.csv (split seed 1)`, or the files. */
  readonly data: string;
  /** Lines printed as `note: …`. */
  readonly notes: readonly string[];
}

/** The whole text of `nnc evaluate`. */
export function evaluationText(subject: EvaluationSubject, evaluation: Evaluation): string {
  const out = [`run: ${subject.run}`, `model: ${subject.model}`, `data: ${subject.data}, ${evaluation.count} example${evaluation.count === 1 ? "" : "s"}`];
  for (const note of subject.notes) out.push(`note: ${note}`);
  out.push("", `metrics: ${describeMetrics(evaluation.metrics) || "none"}`);
  for (const report of evaluation.classes) {
    out.push("", `${report.output}, per class:`, classificationReportText(report).trimEnd());
    out.push("", `${report.output}, confusion matrix (rows: true class, columns: predicted class):`, confusionMatrixText(report).trimEnd());
  }
  return `${out.join("\n")}\n`;
}
