/**
 * Draws diagnostics for a terminal, rustc-style: a header with the code, the location, the source
 * lines with the primary span underlined by `^` and secondary labels by `-`, then notes and help.
 * This is the only place a diagnostic becomes terminal text.
 */
import type { Range } from "../ast.js";
import type { Diagnostic, Label, Severity } from "./diagnostic.js";

export interface RenderOptions {
  readonly color: boolean;
}

const ANSI = { reset: "\x1b[0m", bold: "\x1b[1m", red: "\x1b[31m", yellow: "\x1b[33m", cyan: "\x1b[36m", blue: "\x1b[34m" };

type Paint = (text: string, ...styles: (keyof typeof ANSI)[]) => string;

const SEVERITY_COLOR: Record<Severity, keyof typeof ANSI> = { error: "red", warning: "yellow", info: "cyan" };

/** One annotation drawn under a source line. */
interface Mark {
  readonly line: number;
  readonly startColumn: number;
  readonly endColumn: number;
  readonly char: "^" | "-";
  readonly text?: string;
}

/** Renders every diagnostic; `source` gives a file's text (undefined when it cannot be read). */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], source: (file: string) => string | undefined, options: RenderOptions): string {
  return diagnostics.map((d) => renderDiagnostic(d, source, options)).join("");
}

export function renderDiagnostic(d: Diagnostic, source: (file: string) => string | undefined, options: RenderOptions): string {
  const paint: Paint = (text, ...styles) => (options.color ? `${styles.map((s) => ANSI[s]).join("")}${text}${ANSI.reset}` : text);
  const color = SEVERITY_COLOR[d.severity];
  const out: string[] = [`${paint(`${d.severity}[${d.code}]`, "bold", color)}${paint(`: ${d.message}`, "bold")}`];

  const sameFile = d.labels.filter((l) => l.file === d.file);
  const otherFiles = d.labels.filter((l) => l.file !== d.file);
  const marks: Mark[] = [...marksFor(d.range, "^", d.label, source(d.file)), ...sameFile.flatMap((l) => marksFor(l.range, "-", l.message, source(d.file)))];
  // The gutter holds the widest line number plus one space of margin, as rustc draws it.
  const gutterWidth = String(Math.max(...[d.range, ...d.labels.map((l) => l.range)].map((r) => r.end.line))).length + 1;
  const pad = " ".repeat(gutterWidth);

  out.push(`${pad}${paint("-->", "blue")} ${d.file}:${d.range.start.line}:${d.range.start.column}`);
  out.push(...frame(source(d.file), marks, gutterWidth, paint, color));
  for (const label of otherFiles) {
    out.push(`${pad}${paint("::", "blue")} ${label.file}:${label.range.start.line}:${label.range.start.column}`);
    out.push(...frame(source(label.file), marksFor(label.range, "-", label.message, source(label.file)), gutterWidth, paint, color));
  }
  const tail = [...d.notes.map((n) => `note: ${n}`), ...(d.help ? [`help: ${d.help}`] : [])];
  if (tail.length) {
    for (const t of tail) out.push(`${pad} ${paint("=", "blue")} ${t}`);
  }
  return `${out.join("\n")}\n\n`;
}

/** The marks for a range: a multi-line range is underlined on its first line, to the line's end. */
function marksFor(range: Range, char: "^" | "-", text: string | undefined, source: string | undefined): Mark[] {
  const lines = source?.split("\n");
  const line = range.start.line;
  const lineText = expandTabs(lines?.[line - 1] ?? "");
  const startColumn = visualColumn(lines?.[line - 1] ?? "", range.start.column);
  let endColumn: number;
  if (range.end.line === line) endColumn = Math.max(startColumn + 1, visualColumn(lines?.[line - 1] ?? "", range.end.column));
  else endColumn = Math.max(startColumn + 1, lineText.trimEnd().length + 1);
  return [{ line, startColumn, endColumn, char, text }];
}

/** The code frame: each marked line with its marks beneath, `...` between distant lines. */
function frame(source: string | undefined, marks: readonly Mark[], gutterWidth: number, paint: Paint, color: keyof typeof ANSI): string[] {
  const pad = " ".repeat(gutterWidth);
  const bar = paint("|", "blue");
  const out = [`${pad} ${bar}`];
  if (source === undefined) return out;
  const lines = source.split("\n");
  const byLine = new Map<number, Mark[]>();
  for (const m of marks) byLine.set(m.line, [...(byLine.get(m.line) ?? []), m]);
  let previous: number | undefined;
  for (const line of [...byLine.keys()].sort((a, b) => a - b)) {
    if (line < 1 || line > lines.length) continue;
    if (previous !== undefined && line > previous + 1) out.push(paint("...", "blue"));
    previous = line;
    const text = expandTabs(lines[line - 1]).replace(/\r$/, "");
    out.push(`${paint(String(line).padStart(gutterWidth), "blue")} ${bar} ${text}`.trimEnd());
    // Marks further right are drawn first, so each label sits at the end of its own underline.
    const sorted = [...byLine.get(line)!].sort((a, b) => b.startColumn - a.startColumn);
    for (const m of sorted) {
      const underline = m.char.repeat(Math.max(1, m.endColumn - m.startColumn));
      const styled = paint(`${underline}${m.text ? ` ${m.text}` : ""}`, "bold", m.char === "^" ? color : "blue");
      out.push(`${pad} ${bar} ${" ".repeat(Math.max(0, m.startColumn - 1))}${styled}`);
    }
  }
  return out;
}

const TAB = 4;

function expandTabs(text: string): string {
  return text.replace(/\t/g, " ".repeat(TAB));
}

/** A 1-based column in the raw line, as a 1-based column after tab expansion. */
function visualColumn(line: string, column: number): number {
  const before = line.slice(0, Math.max(0, column - 1));
  return expandTabs(before).length + 1 + Math.max(0, column - 1 - before.length);
}

/** "error: 2 errors and 1 warning emitted"; empty when there is nothing. */
export function renderSummary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.filter((d) => d.severity === "warning").length;
  const parts = [errors ? `${errors} error${errors === 1 ? "" : "s"}` : "", warnings ? `${warnings} warning${warnings === 1 ? "" : "s"}` : ""].filter(Boolean);
  if (parts.length === 0) return "";
  return `${errors ? "error" : "warning"}: ${parts.join(" and ")} emitted`;
}

export type { Label };
