/**
 * `nnc fmt`: prints a file in the canonical layout.
 *
 * Layout: two-space indentation; one blank line between declarations and at most one where the user
 * left blank lines between statements or entries; one statement or training entry per line; a
 * pipeline stays on one line when it was written on one line and fits in 100 columns, otherwise
 * each `-> stage` goes on its own line, indented one level below the statement; arguments as
 * `name: value` separated by `, `; numbers exactly as written; `;` separators dropped.
 * Comments stay where they were: own-line comments before the statement, entry, declaration or
 * stage they precede, end-of-line comments at the end of their line.
 *
 * Safety: the result is parsed again and must give the same tree (ranges aside) and the same
 * comments; if it does not (a comment inside an argument list, say), the file is left as it was.
 * Formatting never loses what the user wrote.
 *
 * Cost: linear in the text. Nothing rescans the text before a position (blank lines are found by
 * looking back from it) or the comments after one (they are consumed in order).
 */
import type * as A from "../ast.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { isStackOverflow, parse } from "../../grammar/parse.js";
import { printExpr, printStage } from "./expressions.js";
import { sameTree } from "./same-tree.js";

const WIDTH = 100;
const INDENT = "  ";

export interface FormatResult {
  readonly text: string;
  readonly diagnostics: readonly Diagnostic[];
  /** False when the layout could not be applied safely and the text was kept as written. */
  readonly changed: boolean;
}

export function format(text: string, path: string): FormatResult {
  const { file, diagnostics } = parse(text, path);
  if (diagnostics.some((d) => d.severity === "error")) return { text, diagnostics, changed: false };
  let printed: string;
  try {
    printed = new Printer(text, file.comments).file(file);
  } catch (error) {
    // Printing recurses only as deep as brackets nest, which the parser bounds; should a caller's
    // stack be that close to its end, the text is kept as written, like any layout not proven safe.
    if (isStackOverflow(error)) return { text, diagnostics, changed: false };
    throw error;
  }
  const again = parse(printed, path);
  if (again.diagnostics.length > 0 || !sameTree(file, again.file)) return { text, diagnostics, changed: false };
  return { text: printed, diagnostics, changed: printed !== text };
}

class Printer {
  private readonly lines: string[] = [];
  private next = 0;
  /** Lines that end in a comment: line index → length of the code before it. */
  private readonly trailing = new Map<number, number>();

  constructor(
    private readonly source: string,
    private readonly comments: readonly A.Comment[],
  ) {}

  file(file: A.SourceFile): string {
    file.decls.forEach((decl, i) => {
      if (i > 0) this.lines.push("");
      this.leadingComments(decl.range.start.offset, "", i > 0);
      this.decl(decl);
    });
    this.leadingComments(Infinity, "", true);
    while (this.lines.length && this.lines[this.lines.length - 1] === "") this.lines.pop();
    this.alignTrailingComments();
    return `${this.lines.join("\n")}\n`;
  }

  /** Emits the comments that start before `offset`, each on its own line. */
  private leadingComments(offset: number, indent: string, keepGap: boolean): void {
    while (this.next < this.comments.length && this.comments[this.next].range.start.offset < offset) {
      const c = this.comments[this.next++];
      const gap = blankLineBefore(this.source, c.range.start.offset);
      if (keepGap && gap && this.lines.length && this.lines[this.lines.length - 1] !== "") this.lines.push("");
      const [first, ...rest] = c.text.split("\n");
      this.lines.push(`${indent}${first}`);
      for (const line of rest) this.lines.push(line);
    }
  }

  /** Appends the comment that ends the original line of `offset`, if any, to the last line. */
  private trailingComment(offset: number): void {
    const c = this.comments[this.next];
    if (!c || c.block || c.range.start.offset < offset) return;
    const lineBreak = this.source.indexOf("\n", offset);
    if (lineBreak >= 0 && lineBreak < c.range.start.offset) return;
    this.next++;
    const index = this.lines.length - 1;
    this.trailing.set(index, this.lines[index].length);
    this.lines[index] += ` ${c.text}`;
  }

  /** End-of-line comments on consecutive lines share one column, two spaces after the longest code. */
  private alignTrailingComments(): void {
    const indices = [...this.trailing.keys()].sort((a, b) => a - b);
    for (let i = 0; i < indices.length; ) {
      let j = i;
      while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
      if (j > i) {
        const run = indices.slice(i, j + 1);
        const column = run.reduce((widest, k) => Math.max(widest, this.trailing.get(k)!), 0) + 2;
        for (const k of run) {
          const code = this.trailing.get(k)!;
          this.lines[k] = this.lines[k].slice(0, code).padEnd(column) + this.lines[k].slice(code + 1);
        }
      }
      i = j + 1;
    }
  }

  private decl(decl: A.Decl): void {
    switch (decl.kind) {
      case "Use":
        this.lines.push(`use ${printExpr(decl.path)}`);
        this.trailingComment(decl.range.end.offset);
        return;
      case "Model":
      case "Block": {
        const params = decl.params.length || decl.kind === "Block" ? `(${decl.params.map(printParam).join(", ")})` : "";
        const result = decl.kind === "Block" && decl.result ? ` -> ${printExpr(shapeAsList(decl.result))}` : "";
        this.lines.push(`${decl.kind === "Model" ? "model" : "block"} ${decl.name.name}${params}${result} {`);
        this.trailingComment(decl.name.range.end.offset);
        this.body(decl.body, decl.range.end.offset);
        return;
      }
      case "Train": {
        const args = decl.args.length ? `(${decl.args.map((a) => printExpr(a)).join(", ")})` : "";
        this.lines.push(`train ${decl.label ? `${decl.label.name}: ` : ""}${decl.model.name}${args} {`);
        this.trailingComment(decl.model.range.end.offset);
        for (const entry of decl.entries) {
          this.leadingComments(entry.range.start.offset, INDENT, true);
          this.blankLineIfUserHadOne(entry.range.start.offset);
          this.lines.push(`${INDENT}${entry.key.name}: ${printExpr(entry.value)}`);
          this.trailingComment(entry.range.end.offset);
        }
        this.leadingComments(decl.range.end.offset - 1, INDENT, true);
        this.lines.push("}");
        this.trailingComment(decl.range.end.offset);
        return;
      }
    }
  }

  private body(stmts: readonly A.Stmt[], end: number): void {
    for (const stmt of stmts) {
      this.leadingComments(stmt.range.start.offset, INDENT, true);
      this.blankLineIfUserHadOne(stmt.range.start.offset);
      this.stmt(stmt);
    }
    this.leadingComments(end - 1, INDENT, true);
    this.lines.push("}");
    this.trailingComment(end);
  }

  /** Keeps one blank line where the user separated statements by blank lines. */
  private blankLineIfUserHadOne(offset: number): void {
    const last = this.lines[this.lines.length - 1];
    if (last === undefined || last === "" || last.endsWith("{")) return;
    if (blankLineBefore(this.source, offset)) this.lines.push("");
  }

  private stmt(stmt: A.Stmt): void {
    switch (stmt.kind) {
      case "Input":
        this.lines.push(`${INDENT}input ${stmt.name.name}: ${stmt.type ? printType(stmt.type) : ""}`);
        this.trailingComment(stmt.range.end.offset);
        return;
      case "Let":
        return this.exprLine(`${INDENT}let ${stmt.name.name} = `, stmt.value);
      case "Output":
        return this.exprLine(`${INDENT}output ${stmt.name ? `${stmt.name.name} = ` : ""}`, stmt.value);
      case "ExprStmt":
        return this.exprLine(INDENT, stmt.value);
    }
  }

  /** A statement whose value may be a pipeline broken over several lines. */
  private exprLine(prefix: string, value: A.Expr): void {
    const stages: A.PipeExpr[] = [];
    let source = value;
    for (; source.kind === "Pipe"; source = source.source) stages.push(source);
    stages.reverse();
    const oneLine = `${prefix}${printExpr(value)}`;
    const writtenOnOneLine = value.range.start.line === value.range.end.line;
    // Comments are in order, so the next one not yet printed is the first that could be inside.
    const hasInnerComments = this.next < this.comments.length && this.comments[this.next].range.start.offset < value.range.end.offset;
    if (stages.length === 0 || (writtenOnOneLine && oneLine.length <= WIDTH && !hasInnerComments)) {
      this.lines.push(oneLine);
      this.trailingComment(value.range.end.offset);
      return;
    }
    this.lines.push(`${prefix}${printExpr(source)}`);
    this.trailingComment(source.range.end.offset);
    for (const stage of stages) {
      this.leadingComments(stage.stage.range.start.offset, `${INDENT}${INDENT}`, false);
      this.lines.push(`${INDENT}${INDENT}-> ${printStage(stage)}`);
      this.trailingComment(stage.range.end.offset);
    }
  }
}

/**
 * Whether the user left a blank line right before `offset`: two line breaks with only spaces and
 * tabs after each. Looks back from `offset`, so the cost is the length of that whitespace only.
 */
function blankLineBefore(source: string, offset: number): boolean {
  let i = offset - 1;
  for (let breaks = 0; breaks < 2; breaks++) {
    while (i >= 0 && (source[i] === " " || source[i] === "\t")) i--;
    if (source[i] !== "\n") return false;
    i--;
  }
  return true;
}

function printParam(p: A.Param): string {
  const type = p.type ? `: ${printType(p.type)}` : "";
  const def = p.default ? ` = ${printExpr(p.default)}` : "";
  return `${p.name.name}${type}${def}`;
}

function printType(t: A.TypeRef): string {
  return t.kind === "ScalarType" ? t.name.name : `${t.dtype ? t.dtype.name : ""}${printExpr(shapeAsList(t))}`;
}

function shapeAsList(t: A.ShapeType): A.ListExpr {
  return { kind: "List", items: t.dims, range: t.range };
}
