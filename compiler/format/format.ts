/**
 * `nnc fmt`: prints a file in the canonical layout.
 *
 * Layout: two-space indentation; one blank line between declarations and at most one where the user
 * left blank lines between statements, entries, declarations and the comments before them; one
 * statement or training entry per line; a pipeline stays on one line when it was written on one line
 * and fits in 100 columns, otherwise each `-> stage` goes on its own line, indented one level below
 * the statement; arguments as `name: value` separated by `, `; numbers exactly as written; `;`
 * separators, trailing commas and the empty `()` of a model or training dropped.
 *
 * Comments (`comment-anchors.ts` has the precise rule) stay between the same two tokens, and keep
 * their kind:
 * - a comment that starts on the line where the token before it ends is a *trailing* comment: it
 *   stays on the line of that token, right after it (`-> dense(6)  // [6]`). Consecutive lines that
 *   end in `//` comments align them, two spaces after the longest code. A line comment ends the line,
 *   so what followed it on the next line still does: it goes on a continuation line, two levels
 *   deeper than the statement, entry or declaration;
 * - any other comment is an *own-line* comment: it goes on its own line before the token after it,
 *   at the indentation of what that token starts (a declaration, statement, entry, stage or `}`), or
 *   on a continuation line when that token is inside an expression.
 *
 * Safety: the result is parsed again and must give the same tree (ranges aside) and every comment
 * with the same anchor (`comment-anchors.ts`); if it does not, the file is left as it was.
 * Formatting never loses or moves what the user wrote.
 *
 * Cost: linear in the text. Nothing rescans the text before a position (blank lines are found by
 * looking back from it) or the comments after one (they are consumed in order, with the tokens).
 */
import type { IToken } from "chevrotain";
import type * as A from "../../grammar/ast.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { chunksOf, isStackOverflow, parse } from "../../grammar/parse.js";
import { tokenEnd } from "../../grammar/positions.js";
import { lex } from "../../grammar/lex.js";
import { anchorsOf, type Anchor, sameAnchors } from "./comment-anchors.js";
import { bracketed, exprTokens, joinTokens, stageTokens, type Tok } from "./expressions.js";
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
  let laidOut: LaidOut | undefined;
  try {
    laidOut = layOut(text, file);
  } catch (error) {
    // Printing recurses only as deep as brackets nest, which the parser bounds; should a caller's
    // stack be that close to its end, the text is kept as written, like any layout not proven safe.
    if (isStackOverflow(error)) return { text, diagnostics, changed: false };
    throw error;
  }
  if (!laidOut) return { text, diagnostics, changed: false };
  const printed = laidOut.text;
  const again = parse(printed, path);
  if (again.diagnostics.length > 0 || !sameTree(file, again.file)) return { text, diagnostics, changed: false };
  if (!sameAnchors(laidOut.anchors, anchorsOf(printed, tokensOf(printed, again.file), again.file.comments))) return { text, diagnostics, changed: false };
  return { text: printed, diagnostics, changed: printed !== text };
}

export interface LaidOut {
  readonly text: string;
  /** Where each comment of the source went: its anchor among the printed tokens. */
  readonly anchors: readonly Anchor[];
}

/**
 * The canonical layout of `text`, which parsed as `file` without errors, before any check; undefined
 * when the printed tokens cannot be matched with the source's (a bug, caught rather than printed).
 * `format` is the safe entry point; tests call this one to see the layout itself.
 */
export function layOut(text: string, file: A.SourceFile): LaidOut | undefined {
  const printer = new Printer(text, tokensOf(text, file), file.comments);
  try {
    return { text: printer.file(file), anchors: printer.anchors };
  } catch (error) {
    if (error instanceof Unmatched) return undefined;
    throw error;
  }
}

function tokensOf(text: string, file: A.SourceFile): readonly IToken[] {
  return chunksOf(file)?.lexed.tokens ?? lex(text).tokens;
}

/** A printed token that is not the source's next one: the printer and the parser disagree. */
class Unmatched extends Error {}

/** What starts a new line, and how comments and blank lines before it are laid out. */
interface LineStart {
  /** The indentation of the line. */
  readonly indent: string;
  /** The indentation of own-line comments before it. */
  readonly commentIndent: string;
  /** The indentation of the continuation lines a comment forces inside it. */
  readonly continuation: string;
  /** A blank line before it and its comments, whatever the user wrote (between declarations). */
  readonly blank?: boolean;
  /** Keep one blank line where the user left some before its own-line comments. */
  readonly commentGaps: boolean;
  /** Keep one blank line where the user left some right before its first token. */
  readonly tokenGap: boolean;
}

class Printer {
  private readonly lines: string[] = [];
  /** Lines that end in a `//` comment: line index → length of the code before it. */
  private readonly trailing = new Map<number, number>();
  /** Each comment's anchor in the output, in order (see `comment-anchors.ts`). */
  readonly anchors: Anchor[] = [];

  /** The next source token to match. */
  private cursor = 0;
  /** The source token printed last, and how many tokens have been printed. */
  private last: IToken | undefined;
  private printed = 0;
  /** The next comment to place. */
  private next = 0;

  /** Set when the next token starts a line of its own. */
  private pending: LineStart | undefined;
  private pendingBlankDone = false;
  /** The indentation of continuation lines of the current line. */
  private continuation = "";
  /** The current line was ended by a comment: the next token goes on a continuation line. */
  private broken = false;
  /** The current line ends in a block comment: the next token on it gets a space. */
  private spaceNext = false;
  /** The last line opened a body (`{`) and nothing but trailing comments followed: no blank line here. */
  private afterOpen = false;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly IToken[],
    private readonly comments: readonly A.Comment[],
  ) {}

  file(file: A.SourceFile): string {
    file.decls.forEach((decl, i) => {
      this.startLine({ indent: "", commentIndent: "", continuation: INDENT.repeat(2), blank: i > 0, commentGaps: true, tokenGap: true });
      this.decl(decl);
    });
    this.startLine({ indent: "", commentIndent: "", continuation: "", commentGaps: true, tokenGap: false });
    this.placeComments(Infinity);
    for (; this.cursor < this.tokens.length; this.cursor++) if (!droppable(this.tokens, this.tokens[this.cursor], this.cursor)) throw new Unmatched();
    while (this.lines.length && this.lines[this.lines.length - 1] === "") this.lines.pop();
    this.alignTrailingComments();
    return `${this.lines.join("\n")}\n`;
  }

  // ------------------------------------------------------------------ tokens and comments

  private startLine(start: LineStart): void {
    this.pending = start;
    this.pendingBlankDone = false;
  }

  private emitAll(toks: readonly Tok[]): void {
    for (const t of toks) this.emit(t);
  }

  /** Prints the source's next token as `t`, after the comments before it. */
  private emit(t: Tok): void {
    const index = this.match(t);
    const token = this.tokens[index];
    this.placeComments(token.startOffset);
    const pending = this.pending;
    if (pending) {
      this.openPending();
      if (pending.tokenGap && blankLineBefore(this.source, token.startOffset)) this.blankLine();
      this.lines.push(`${pending.indent}${t.text}`);
      this.continuation = pending.continuation;
      this.pending = undefined;
    } else if (this.broken) {
      this.lines.push(`${this.continuation}${t.text}`);
    } else {
      this.lines[this.lines.length - 1] += t.space || this.spaceNext ? ` ${t.text}` : t.text;
    }
    this.broken = false;
    this.spaceNext = false;
    this.afterOpen = t.text === "{";
    this.last = token;
    this.printed++;
  }

  /**
   * The index of the source token `t` stands for: the next one, after those the layout drops (`;`,
   * trailing commas, a model's or training's empty `()`).
   */
  private match(t: Tok): number {
    for (; this.cursor < this.tokens.length; this.cursor++) {
      const s = this.tokens[this.cursor];
      if (t.string ? s.image.startsWith('"') : s.image === t.text) return this.cursor++;
      if (!droppable(this.tokens, s, this.cursor)) break;
    }
    throw new Unmatched();
  }

  /**
   * Places the comments that start before `offset` (the next token's start) and after the last
   * printed token: those that start on that token's last line stay at the end of its line, the
   * others go on lines of their own.
   */
  private placeComments(offset: number): void {
    let trailing = this.last !== undefined;
    let from = this.last ? tokenEnd(this.last) : 0;
    while (this.next < this.comments.length && this.comments[this.next].range.start.offset < offset) {
      const c = this.comments[this.next++];
      const start = c.range.start.offset;
      trailing &&= !hasLineBreak(this.source, from, start);
      from = start;
      this.anchors.push({ after: this.printed - 1, trailing });
      if (trailing) this.trailingComment(c);
      else this.ownLineComment(c);
    }
  }

  /** Appends `c` to the line of the last token. */
  private trailingComment(c: A.Comment): void {
    const index = this.lines.length - 1;
    const line = this.lines[index];
    if (!c.block && !this.trailing.has(index) && !line.includes("\n")) this.trailing.set(index, line.length);
    this.lines[index] = `${line} ${c.text}`;
    if (c.block) this.spaceNext = true;
    else this.broken = true;
  }

  /** Puts `c` on a line of its own: before the pending line, or inside the current one. */
  private ownLineComment(c: A.Comment): void {
    let indent: string;
    if (this.pending) {
      this.openPending();
      if (this.pending.commentGaps && blankLineBefore(this.source, c.range.start.offset)) this.blankLine();
      indent = this.pending.commentIndent;
    } else {
      indent = this.continuation;
      this.broken = true;
    }
    const [first, ...rest] = c.text.split("\n");
    this.lines.push(`${indent}${first}`);
    for (const line of rest) this.lines.push(line);
    this.afterOpen = false;
  }

  /** The blank line a declaration starts with, once. */
  private openPending(): void {
    if (this.pendingBlankDone) return;
    this.pendingBlankDone = true;
    if (this.pending?.blank && this.lines.length && this.lines[this.lines.length - 1] !== "") this.lines.push("");
  }

  private blankLine(): void {
    const last = this.lines[this.lines.length - 1];
    if (last === undefined || last === "" || this.afterOpen) return;
    this.lines.push("");
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

  // ------------------------------------------------------------------ declarations and statements

  private decl(decl: A.Decl): void {
    switch (decl.kind) {
      case "Use": {
        const toks: Tok[] = [word("use")];
        exprTokens(decl.path, toks, true);
        this.emitAll(toks);
        return;
      }
      case "Model":
      case "Block": {
        const toks: Tok[] = [word(decl.kind === "Model" ? "model" : "block"), word(decl.name.name, true)];
        if (decl.params.length || decl.kind === "Block") {
          toks.push({ text: "(", space: false });
          decl.params.forEach((p, i) => {
            if (i > 0) toks.push({ text: ",", space: false });
            paramTokens(p, toks, i > 0);
          });
          toks.push({ text: ")", space: false });
        }
        if (decl.kind === "Block" && decl.result) {
          toks.push(word("->", true));
          typeTokens(decl.result, toks, true);
        }
        toks.push(word("{", true));
        this.emitAll(toks);
        this.body(decl.body);
        return;
      }
      case "Train": {
        const toks: Tok[] = [word("train")];
        if (decl.label) toks.push(word(decl.label.name, true), word(":"));
        toks.push(word(decl.model.name, true));
        if (decl.args.length) bracketed("(", decl.args, ")", toks);
        toks.push(word("{", true));
        this.emitAll(toks);
        for (const entry of decl.entries) {
          this.startLine(this.statementStart());
          const line: Tok[] = [word(entry.key.name), word(":")];
          exprTokens(entry.value, line, true);
          this.emitAll(line);
        }
        this.closeBody();
        return;
      }
    }
  }

  private body(stmts: readonly A.Stmt[]): void {
    for (const stmt of stmts) {
      this.startLine(this.statementStart());
      this.stmt(stmt);
    }
    this.closeBody();
  }

  private statementStart(): LineStart {
    return { indent: INDENT, commentIndent: INDENT, continuation: INDENT.repeat(3), commentGaps: true, tokenGap: true };
  }

  private closeBody(): void {
    this.startLine({ indent: "", commentIndent: INDENT, continuation: INDENT.repeat(2), commentGaps: true, tokenGap: false });
    this.emit(word("}"));
  }

  private stmt(stmt: A.Stmt): void {
    switch (stmt.kind) {
      case "Input": {
        const toks: Tok[] = [word("input"), word(stmt.name.name, true), word(":")];
        if (stmt.type) typeTokens(stmt.type, toks, true);
        this.emitAll(toks);
        return;
      }
      case "Let":
        return this.exprLine([word("let"), word(stmt.name.name, true), word("=", true)], stmt.value);
      case "Output":
        return this.exprLine(stmt.name ? [word("output"), word(stmt.name.name, true), word("=", true)] : [word("output")], stmt.value);
      case "ExprStmt":
        return this.exprLine([], stmt.value);
    }
  }

  /** A statement whose value may be a pipeline broken over several lines. */
  private exprLine(prefix: Tok[], value: A.Expr): void {
    const stages: A.PipeExpr[] = [];
    let source = value;
    for (; source.kind === "Pipe"; source = source.source) stages.push(source);
    stages.reverse();
    const spaced = prefix.length > 0;
    const whole = [...prefix];
    exprTokens(value, whole, spaced);
    const writtenOnOneLine = value.range.start.line === value.range.end.line;
    if (stages.length === 0 || (writtenOnOneLine && INDENT.length + joinTokens(whole).length <= WIDTH)) {
      this.emitAll(whole);
      return;
    }
    const first = [...prefix];
    exprTokens(source, first, spaced);
    this.emitAll(first);
    for (const stage of stages) {
      this.startLine({ indent: INDENT.repeat(2), commentIndent: INDENT.repeat(2), continuation: INDENT.repeat(3), commentGaps: false, tokenGap: false });
      const line: Tok[] = [word("->")];
      stageTokens(stage, line, true);
      this.emitAll(line);
    }
  }
}

function word(text: string, space = false): Tok {
  return { text, space };
}

/**
 * Whether the layout drops source token `t` (at `index`): a `;`, a comma right before a closing
 * bracket, or the empty `()` of a model or training (which a `{` follows).
 */
function droppable(tokens: readonly IToken[], t: IToken, index: number): boolean {
  const image = (i: number): string | undefined => tokens[i]?.image;
  switch (t.image) {
    case ";":
      return true;
    case ",":
      return image(index + 1) === ")" || image(index + 1) === "]";
    case "(":
      return image(index + 1) === ")" && image(index + 2) === "{";
    case ")":
      return image(index - 1) === "(" && image(index + 1) === "{";
    default:
      return false;
  }
}

/** Whether `source` has a line break in [from, to). */
function hasLineBreak(source: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (source.charCodeAt(i) === 10) return true;
  return false;
}

/**
 * Whether the user left a blank line right before `offset`: two line breaks with only spaces and
 * tabs after each. Looks back from `offset`, so the cost is the length of that whitespace only.
 */
function blankLineBefore(source: string, offset: number): boolean {
  let i = offset - 1;
  for (let breaks = 0; breaks < 2; breaks++) {
    while (i >= 0 && (source[i] === " " || source[i] === "\t" || source[i] === "\r")) i--;
    if (source[i] !== "\n") return false;
    i--;
  }
  return true;
}

function paramTokens(p: A.Param, out: Tok[], space: boolean): void {
  out.push(word(p.name.name, space));
  if (p.type) {
    out.push(word(":"));
    typeTokens(p.type, out, true);
  }
  if (p.default) {
    out.push(word("=", true));
    exprTokens(p.default, out, true);
  }
}

function typeTokens(t: A.TypeRef, out: Tok[], space: boolean): void {
  if (t.kind === "ScalarType") {
    out.push(word(t.name.name, space));
    return;
  }
  if (t.dtype) {
    out.push(word(t.dtype.name, space));
    space = false;
  }
  out.push(word("[", space));
  t.dims.forEach((d, i) => {
    if (i > 0) out.push(word(","));
    exprTokens(d, out, i > 0);
  });
  out.push(word("]"));
}
