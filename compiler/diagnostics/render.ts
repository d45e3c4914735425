/**
 * Draws diagnostics for a terminal, rustc-style: a header with the code, the location, the source
 * lines with the primary span underlined by `^` and secondary labels by `-`, then notes and help.
 * This is the only place a diagnostic becomes terminal text.
 *
 * The output stays proportionate to what it says, whatever the source: a line longer than
 * `MAX_SOURCE_COLUMNS` is shown as a window around the marked span (`…` where text is left out; the
 * `-->` location keeps the real line and column), a very long name or text in a message is shortened
 * in the middle, and a file with more than `MAX_DIAGNOSTICS_PER_FILE` diagnostics shows that many,
 * then counts the rest (`--format json` lists them all).
 */
import type { Range } from "../../grammar/ast.js";
import type { Diagnostic, Label, Severity } from "./diagnostic.js";

export interface RenderOptions {
  readonly color: boolean;
  /** Diagnostics shown per file; the others are counted in one line. Default `MAX_DIAGNOSTICS_PER_FILE`. */
  readonly maxPerFile?: number;
  /** Lines longer than this many characters are shown as a window of this width. Default `MAX_SOURCE_COLUMNS`. */
  readonly width?: number;
}

/** The most diagnostics the text output shows for one file. */
export const MAX_DIAGNOSTICS_PER_FILE = 200;
/** Source lines longer than this are shown as a window of this many characters around the span. */
export const MAX_SOURCE_COLUMNS = 120;
/** In a window, how many characters are shown before the first marked span. */
const CONTEXT_BEFORE = 40;
/** A name between backticks longer than this is shortened in the middle. */
const MAX_CODE_SPAN = 64;
/** A message, label, note or help longer than this is shortened in the middle. */
const MAX_TEXT = 1000;
const ELLIPSIS = "…";

const ANSI = { reset: "\x1b[0m", bold: "\x1b[1m", red: "\x1b[31m", yellow: "\x1b[33m", cyan: "\x1b[36m", blue: "\x1b[34m" };

type Paint = (text: string, ...styles: (keyof typeof ANSI)[]) => string;

const SEVERITY_COLOR: Record<Severity, keyof typeof ANSI> = { error: "red", warning: "yellow", info: "cyan" };

/** One annotation drawn under a source line, in raw 1-based columns of that line. */
interface Mark {
  readonly line: number;
  readonly start: number;
  /** Just after the last marked character; a multi-line span is marked to the end of its first line. */
  readonly end: number;
  readonly char: "^" | "-";
  readonly text?: string;
}

/** A file's text with its lines found once (lines end at `\n`, as the compiler counts them). */
class SourceLines {
  private starts: number[] | undefined;
  private readonly trimmed = new Map<number, number>();

  constructor(readonly text: string) {}

  private lineStarts(): number[] {
    if (!this.starts) {
      const starts = [0];
      for (let i = this.text.indexOf("\n"); i >= 0; i = this.text.indexOf("\n", i + 1)) starts.push(i + 1);
      this.starts = starts;
    }
    return this.starts;
  }

  /** The offsets `[start, end)` of 1-based line `line`, without its `\n` (a `\r` before it is kept). */
  bounds(line: number): { readonly start: number; readonly end: number } | undefined {
    const starts = this.lineStarts();
    if (line < 1 || line > starts.length) return undefined;
    const start = starts[line - 1];
    const end = line < starts.length ? starts[line] - 1 : this.text.length;
    return { start, end };
  }

  /** The length of the line without its trailing whitespace (`trimEnd`), found once per line. */
  trimmedLength(line: number): number {
    let n = this.trimmed.get(line);
    if (n === undefined) {
      const b = this.bounds(line);
      let end = b?.end ?? 0;
      const start = b?.start ?? 0;
      while (end > start && /\s/.test(this.text[end - 1])) end--;
      n = end - start;
      this.trimmed.set(line, n);
    }
    return n;
  }
}

/** The texts of the files diagnostics point into, read once per rendering. */
class Sources {
  private readonly files = new Map<string, SourceLines | undefined>();

  constructor(private readonly read: (file: string) => string | undefined) {}

  get(file: string): SourceLines | undefined {
    if (!this.files.has(file)) {
      const text = this.read(file);
      this.files.set(file, text === undefined ? undefined : new SourceLines(text));
    }
    return this.files.get(file);
  }
}

/**
 * Renders diagnostics, at most `maxPerFile` per file (the others are counted in a last line per
 * file); `source` gives a file's text (undefined when it cannot be read).
 */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], source: (file: string) => string | undefined, options: RenderOptions): string {
  const sources = new Sources(source);
  const max = options.maxPerFile ?? MAX_DIAGNOSTICS_PER_FILE;
  const shown = new Map<string, number>();
  const omitted = new Map<string, Record<Severity, number>>();
  const out: string[] = [];
  for (const d of diagnostics) {
    const count = shown.get(d.file) ?? 0;
    if (count >= max) {
      const left = omitted.get(d.file) ?? { error: 0, warning: 0, info: 0 };
      left[d.severity]++;
      omitted.set(d.file, left);
      continue;
    }
    shown.set(d.file, count + 1);
    out.push(render(d, sources, options));
  }
  for (const [file, left] of omitted) out.push(`${omittedLine(file, left)}\n\n`);
  return out.join("");
}

/** "… and 3,800 more errors in net.nn (use --format json for all)". */
function omittedLine(file: string, left: Record<Severity, number>): string {
  const words: Record<Severity, [string, string]> = { error: ["error", "errors"], warning: ["warning", "warnings"], info: ["note", "notes"] };
  const parts = (["error", "warning", "info"] as const)
    .filter((s) => left[s] > 0)
    .map((s) => `${left[s].toLocaleString("en-US")} more ${words[s][left[s] === 1 ? 0 : 1]}`);
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : parts[0];
  return `${ELLIPSIS} and ${list} in ${file} (use --format json for all)`;
}

export function renderDiagnostic(d: Diagnostic, source: (file: string) => string | undefined, options: RenderOptions): string {
  return render(d, new Sources(source), options);
}

function render(d: Diagnostic, sources: Sources, options: RenderOptions): string {
  const paint: Paint = (text, ...styles) => (options.color ? `${styles.map((s) => ANSI[s]).join("")}${text}${ANSI.reset}` : text);
  const width = Math.max(20, options.width ?? MAX_SOURCE_COLUMNS);
  const color = SEVERITY_COLOR[d.severity];
  const out: string[] = [`${paint(`${d.severity}[${d.code}]`, "bold", color)}${paint(`: ${shorten(d.message)}`, "bold")}`];

  const sameFile = d.labels.filter((l) => l.file === d.file);
  const otherFiles = d.labels.filter((l) => l.file !== d.file);
  const marks: Mark[] = [markFor(d.range, "^", d.label, sources.get(d.file)), ...sameFile.map((l) => markFor(l.range, "-", l.message, sources.get(d.file)))];
  // The gutter holds the widest line number plus one space of margin, as rustc draws it.
  const gutterWidth = String(Math.max(...[d.range, ...d.labels.map((l) => l.range)].map((r) => r.end.line))).length + 1;
  const pad = " ".repeat(gutterWidth);

  out.push(`${pad}${paint("-->", "blue")} ${d.file}:${d.range.start.line}:${d.range.start.column}`);
  out.push(...frame(sources.get(d.file), marks, gutterWidth, width, paint, color));
  for (const label of otherFiles) {
    out.push(`${pad}${paint("::", "blue")} ${label.file}:${label.range.start.line}:${label.range.start.column}`);
    const lines = sources.get(label.file);
    out.push(...frame(lines, [markFor(label.range, "-", label.message, lines)], gutterWidth, width, paint, color));
  }
  const tail = [...d.notes.map((n) => `note: ${shorten(n)}`), ...(d.help ? [`help: ${shorten(d.help)}`] : [])];
  for (const t of tail) out.push(`${pad} ${paint("=", "blue")} ${t}`);
  return `${out.join("\n")}\n\n`;
}

/** The mark for a range: a multi-line range is underlined on its first line, to the line's end. */
function markFor(range: Range, char: "^" | "-", text: string | undefined, lines: SourceLines | undefined): Mark {
  const line = range.start.line;
  const start = range.start.column;
  const end = range.end.line === line ? range.end.column : (lines?.trimmedLength(line) ?? 0) + 1;
  return { line, start, end, char, text: text === undefined ? undefined : shorten(text) };
}

/**
 * The code frame: each marked line with its marks beneath, `...` between distant lines. Nothing when
 * no marked line can be shown (the file could not be read): a frame without a line says nothing.
 */
function frame(lines: SourceLines | undefined, marks: readonly Mark[], gutterWidth: number, width: number, paint: Paint, color: keyof typeof ANSI): string[] {
  const pad = " ".repeat(gutterWidth);
  const bar = paint("|", "blue");
  const out = [`${pad} ${bar}`];
  if (lines === undefined) return [];
  const byLine = new Map<number, Mark[]>();
  for (const m of marks) byLine.set(m.line, [...(byLine.get(m.line) ?? []), m]);
  let previous: number | undefined;
  for (const line of [...byLine.keys()].sort((a, b) => a - b)) {
    const bounds = lines.bounds(line);
    if (!bounds) continue;
    if (previous !== undefined && line > previous + 1) out.push(paint("...", "blue"));
    previous = line;
    const number = paint(String(line).padStart(gutterWidth), "blue");
    for (const view of views(lines, bounds, byLine.get(line)!, width)) {
      out.push(`${number} ${bar} ${view.text}`.trimEnd());
      // Marks further right are drawn first, so each label sits at the end of its own underline.
      const sorted = view.marks.slice().sort((a, b) => b.start - a.start);
      for (const m of sorted) {
        const underline = m.char.repeat(Math.max(1, m.end - m.start));
        const styled = paint(`${underline}${m.text ? ` ${m.text}` : ""}`, "bold", m.char === "^" ? color : "blue");
        out.push(`${pad} ${bar} ${" ".repeat(Math.max(0, m.start - 1))}${styled}`);
      }
    }
  }
  return previous === undefined ? [] : out;
}

/** A source line as shown: its text (tabs expanded) and the marks under it in the text's columns. */
interface View {
  readonly text: string;
  readonly marks: readonly { readonly start: number; readonly end: number; readonly char: "^" | "-"; readonly text?: string }[];
}

/**
 * How a line is shown with its marks: whole when it is at most `width` long; otherwise one window of
 * at most `width` characters per group of marks that fit in one (`…` on the side where text is left
 * out), the marks clipped to it.
 */
function views(lines: SourceLines, bounds: { readonly start: number; readonly end: number }, marks: readonly Mark[], width: number): View[] {
  const raw = bounds.end - bounds.start;
  if (raw <= width) {
    const line = lines.text.slice(bounds.start, bounds.end);
    const text = expandTabs(line).replace(/\r$/, "");
    return [
      {
        text,
        marks: marks.map((m) => {
          const start = visualColumn(line, m.start);
          return { start, end: Math.max(start + 1, visualColumn(line, m.end)), char: m.char, text: m.text };
        }),
      },
    ];
  }
  // The line's length as shown: a `\r` before its `\n` is not.
  const length = lines.text.charCodeAt(bounds.end - 1) === 13 ? raw - 1 : raw;
  const result: View[] = [];
  const sorted = marks.slice().sort((a, b) => a.start - b.start);
  let i = 0;
  while (i < sorted.length) {
    const first = Math.min(Math.max(0, sorted[i].start - 1), length);
    let from = Math.max(0, Math.min(first - CONTEXT_BEFORE, length - width));
    let to = Math.min(length, from + width);
    // Never cut a surrogate pair in two.
    if (from > 0 && isLowSurrogate(lines.text.charCodeAt(bounds.start + from))) from--;
    if (to < length && isLowSurrogate(lines.text.charCodeAt(bounds.start + to))) to++;
    const group: Mark[] = [];
    while (i < sorted.length && (group.length === 0 || sorted[i].start - 1 < to)) group.push(sorted[i++]);
    const slice = lines.text.slice(bounds.start + from, bounds.start + to);
    const lead = from > 0 ? ELLIPSIS : "";
    const text = `${lead}${expandTabs(slice)}${to < length ? ELLIPSIS : ""}`;
    /** The column in `text` of raw 1-based column `column`, clipped to the window. */
    const at = (column: number): number => {
      const offset = Math.min(Math.max(column - 1, from), to + 1);
      const inside = Math.min(offset, to) - from;
      return lead.length + expandTabs(slice.slice(0, inside)).length + 1 + (offset - Math.min(offset, to));
    };
    result.push({
      text,
      marks: group.map((m) => {
        const start = at(m.start);
        return { start, end: Math.max(start + 1, at(m.end)), char: m.char, text: m.text };
      }),
    });
  }
  return result;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * A message, label, note or help as shown: a name between backticks longer than `MAX_CODE_SPAN` is
 * shortened in its middle, and so is a text longer than `MAX_TEXT`.
 */
function shorten(text: string): string {
  const half = Math.floor(MAX_CODE_SPAN / 2) - 1;
  // Between the 1st and 2nd backtick is code, between the 2nd and 3rd prose, and so on.
  let s = text.includes("`")
    ? text
        .split("`")
        .map((part, i) => (i % 2 === 1 && part.length > MAX_CODE_SPAN ? `${part.slice(0, half)}${ELLIPSIS}${part.slice(-half)}` : part))
        .join("`")
    : text;
  if (s.length > MAX_TEXT) s = `${s.slice(0, MAX_TEXT / 2)}${ELLIPSIS}${s.slice(-MAX_TEXT / 2 + 1)}`;
  return s;
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
