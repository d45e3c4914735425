/**
 * Builds the AST of `compiler/ast.ts` from Chevrotain's CST, with exact ranges on every node.
 *
 * Recovery may leave CST nodes without some children: a missing expression becomes an `Error` node
 * and a missing name an identifier with an empty name, both zero-width at the place they were
 * expected, so later phases never meet `undefined`. Tokens inserted by recovery have no position
 * and are treated as missing. Comma placement in parameter, argument, list and shape syntax is
 * checked here: the grammar tolerates stray and (on one line) missing commas so that the items
 * around them survive, and this builder reports them as E001. Doc comments (`///`) are attached to
 * the declaration or pipeline stage that follows them.
 */
import type { CstNode, IToken } from "chevrotain";
import type * as A from "../compiler/ast.js";
import { diagnostic, type Diagnostic } from "../compiler/diagnostics/diagnostic.js";
import { numberValue, stringValue } from "./literals.js";
import { describeToken } from "./messages.js";
import { tokenEnd, type LineMap } from "./positions.js";
import * as T from "./tokens.js";

type Child = CstNode | IToken;

const isToken = (c: Child): c is IToken => "tokenType" in c;
/** A token that is really in the text (not one inserted by recovery). */
const isReal = (t: IToken | undefined): t is IToken => t !== undefined && !t.isInsertedInRecovery && Number.isFinite(t.startOffset);
const startOf = (c: Child): number => (isToken(c) ? (isReal(c) ? c.startOffset : NaN) : (c.location?.startOffset ?? NaN));

/** What the items of each comma-separated list are called in messages. */
const ITEMS = {
  param: { one: "a parameter", many: "parameters" },
  arg: { one: "an argument", many: "arguments" },
  item: { one: "an item", many: "items" },
  dim: { one: "a dimension", many: "dimensions" },
} as const;

export class AstBuilder {
  /** E001 for misplaced commas and E002 for unknown string escapes, found while building. */
  readonly diagnostics: Diagnostic[] = [];

  /**
   * @param tokens the tokens the parser saw, in source order
   * @param comments every comment token, in source order
   */
  constructor(
    private readonly path: string,
    private readonly lines: LineMap,
    private readonly tokens: readonly IToken[],
    private readonly comments: readonly IToken[],
  ) {}

  // ------------------------------------------------------------------ ranges and CST access

  private tokenRange(t: IToken): A.Range {
    return this.lines.token(t);
  }

  /** The offset just after `t`, or `fallback` when recovery had to do without it. */
  private after(t: IToken | undefined, fallback: number): number {
    return t ? tokenEnd(t) : fallback;
  }

  private point(offset: number): A.Range {
    return this.lines.point(offset);
  }

  private span(from: A.Range, to: A.Range): A.Range {
    return to.end.offset >= from.start.offset ? { start: from.start, end: to.end } : from;
  }

  /** The range of a CST node's real tokens, or undefined when it holds none. */
  private nodeRange(node: CstNode | undefined): A.Range | undefined {
    const loc = node?.location;
    if (!loc || !Number.isFinite(loc.startOffset) || !Number.isFinite(loc.endOffset)) return undefined;
    return this.lines.range(loc.startOffset, (loc.endOffset ?? loc.startOffset) + 1);
  }

  private tok(node: CstNode | undefined, name: string, index = 0): IToken | undefined {
    const t = node?.children[name]?.[index];
    return t && isToken(t) && isReal(t) ? t : undefined;
  }

  private toks(node: CstNode | undefined, name: string): IToken[] {
    return ((node?.children[name] ?? []) as Child[]).filter((c): c is IToken => isToken(c));
  }

  private sub(node: CstNode | undefined, name: string, index = 0): CstNode | undefined {
    const n = node?.children[name]?.[index];
    return n && !isToken(n) ? n : undefined;
  }

  private subs(node: CstNode | undefined, name: string): CstNode[] {
    return ((node?.children[name] ?? []) as Child[]).filter((c): c is CstNode => !isToken(c));
  }

  /** An identifier, or an empty one at `missingAt` when recovery had to do without it. */
  private ident(t: IToken | undefined, missingAt: number): A.Identifier {
    return t ? { kind: "Identifier", name: t.image, range: this.tokenRange(t) } : { kind: "Identifier", name: "", range: this.point(missingAt) };
  }

  private hole(at: number): A.ErrorExpr {
    return { kind: "Error", range: this.point(at) };
  }

  /** The index of the first token at or after `offset`. */
  private tokenIndexAt(offset: number): number {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid].startOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // ------------------------------------------------------------------ declarations

  /** file := decl*, from the CST of each chunk of the file (see `parse.ts`). */
  file(nodes: readonly CstNode[], textLength: number): { decls: A.Decl[]; range: A.Range } {
    const decls: A.Decl[] = [];
    for (const node of nodes) {
      for (const d of this.subs(node, "decl")) {
        const decl = this.decl(d);
        if (decl) decls.push(decl);
      }
    }
    return { decls, range: this.lines.range(0, textLength) };
  }

  private decl(node: CstNode): A.Decl | undefined {
    const use = this.sub(node, "useDecl");
    if (use) return this.useDecl(use);
    const block = this.sub(node, "blockDecl");
    if (block) return this.blockDecl(block);
    const model = this.sub(node, "modelDecl");
    if (model) return this.modelDecl(model);
    const train = this.sub(node, "trainDecl");
    if (train) return this.trainDecl(train);
    return undefined;
  }

  /** use := 'use' STRING */
  private useDecl(node: CstNode): A.UseDecl | undefined {
    const range = this.nodeRange(node);
    if (!range) return undefined;
    const s = this.tok(node, "StringLiteral");
    return { kind: "Use", path: s ? this.stringLiteral(s) : { kind: "String", value: "", range: this.point(range.end.offset) }, range };
  }

  /** block := 'block' IDENT '(' params? ')' ('->' shapeType)? '{' stmt* '}' */
  private blockDecl(node: CstNode): A.BlockDecl | undefined {
    const range = this.nodeRange(node);
    if (!range) return undefined;
    const keyword = this.tok(node, "Kw_block");
    const name = this.ident(this.tok(node, "name"), this.after(keyword, range.start.offset));
    const params = this.paramList(this.sub(node, "paramList"));
    const shape = this.sub(node, "shapeType");
    return {
      kind: "Block",
      name,
      params,
      result: this.shapeType(shape),
      body: this.body(this.sub(node, "body")),
      doc: this.docBefore(range.start.offset),
      range,
    };
  }

  /** model := 'model' IDENT ('(' params? ')')? '{' stmt* '}' */
  private modelDecl(node: CstNode): A.ModelDecl | undefined {
    const range = this.nodeRange(node);
    if (!range) return undefined;
    const keyword = this.tok(node, "Kw_model");
    return {
      kind: "Model",
      name: this.ident(this.tok(node, "name"), this.after(keyword, range.start.offset)),
      params: this.paramList(this.sub(node, "paramList")),
      body: this.body(this.sub(node, "body")),
      doc: this.docBefore(range.start.offset),
      range,
    };
  }

  /** train := 'train' (IDENT ':')? IDENT ('(' args? ')')? '{' entry* '}' */
  private trainDecl(node: CstNode): A.TrainDecl | undefined {
    const range = this.nodeRange(node);
    if (!range) return undefined;
    const label = this.tok(node, "label");
    const colon = this.tok(node, "Colon");
    const keyword = this.tok(node, "Kw_train");
    const modelAt = colon ? tokenEnd(colon) : keyword ? tokenEnd(keyword) : range.start.offset;
    const argList = this.sub(node, "argList");
    return {
      kind: "Train",
      label: label ? this.ident(label, range.start.offset) : undefined,
      model: this.ident(this.tok(node, "model"), modelAt),
      args: argList ? this.argList(argList) : [],
      entries: this.subs(node, "entry").flatMap((e) => this.entry(e) ?? []),
      doc: this.docBefore(range.start.offset),
      range,
    };
  }

  /** entry := IDENT ':' expr */
  private entry(node: CstNode): A.TrainEntry | undefined {
    const range = this.nodeRange(node);
    if (!range) return undefined;
    const key = this.tok(node, "key");
    return {
      kind: "TrainEntry",
      key: this.ident(key, range.start.offset),
      value: this.expr(this.sub(node, "expr"), range.end.offset),
      range,
    };
  }

  /** '(' params? ')' */
  private paramList(node: CstNode | undefined): A.Param[] {
    if (!node) return [];
    this.checkCommas(node, "param", ITEMS.param);
    return this.subs(node, "param").flatMap((p) => this.param(p) ?? []);
  }

  /** param := IDENT (':' typeRef)? ('=' expr)? */
  private param(node: CstNode): A.Param | undefined {
    const range = this.nodeRange(node);
    if (!range) return undefined;
    const type = this.sub(node, "typeRef");
    const equals = this.tok(node, "Equals");
    return {
      kind: "Param",
      name: this.ident(this.tok(node, "name"), range.start.offset),
      type: this.typeRef(type),
      default: equals ? this.expr(this.sub(node, "expr"), tokenEnd(equals)) : undefined,
      range,
    };
  }

  /**
   * typeRef := shapeType | IDENT. A type that recovery had to do without is left out altogether
   * (`type` and `result` are optional), so that later phases do not guess at it.
   */
  private typeRef(node: CstNode | undefined): A.TypeRef | undefined {
    const shape = this.sub(node, "shapeType");
    if (shape) return this.shapeType(shape);
    const scalar = this.tok(node, "scalar");
    return scalar ? { kind: "ScalarType", name: this.ident(scalar, scalar.startOffset), range: this.tokenRange(scalar) } : undefined;
  }

  /** shapeType := IDENT? '[' (expr (',' expr)* ','?)? ']' */
  private shapeType(node: CstNode | undefined): A.ShapeType | undefined {
    const range = this.nodeRange(node);
    if (!node || !range) return undefined;
    const dtype = this.tok(node, "dtype");
    this.checkCommas(node, "expr", ITEMS.dim);
    const dims = this.subs(node, "expr").flatMap((e) => (this.nodeRange(e) ? [this.expr(e, range.end.offset)] : []));
    return { kind: "ShapeType", dtype: dtype ? this.ident(dtype, range.start.offset) : undefined, dims, range };
  }

  // ------------------------------------------------------------------ statements

  /** '{' (stmt ';'?)* '}' */
  private body(node: CstNode | undefined): A.Stmt[] {
    return this.subs(node, "stmt").flatMap((s) => this.stmt(s) ?? []);
  }

  /** stmt := input | let | output | exprStmt */
  private stmt(node: CstNode): A.Stmt | undefined {
    const range = this.nodeRange(node);
    if (!range) return undefined;

    const input = this.sub(node, "inputStmt");
    if (input) {
      const keyword = this.tok(input, "Kw_input");
      const name = this.tok(input, "name");
      const type = this.sub(input, "typeRef");
      return {
        kind: "Input",
        name: this.ident(name, this.after(keyword, range.start.offset)),
        type: this.typeRef(type),
        range,
      };
    }
    const letStmt = this.sub(node, "letStmt");
    if (letStmt) {
      const keyword = this.tok(letStmt, "Kw_let");
      const equals = this.tok(letStmt, "Equals");
      return {
        kind: "Let",
        name: this.ident(this.tok(letStmt, "name"), this.after(keyword, range.start.offset)),
        value: this.expr(this.sub(letStmt, "expr"), this.after(equals, range.end.offset)),
        range,
      };
    }
    const output = this.sub(node, "outputStmt");
    if (output) {
      const name = this.tok(output, "name");
      const anchor = this.tok(output, "Equals") ?? this.tok(output, "Kw_output");
      return {
        kind: "Output",
        name: name ? this.ident(name, range.start.offset) : undefined,
        value: this.expr(this.sub(output, "expr"), this.after(anchor, range.end.offset)),
        range,
      };
    }
    const value = this.expr(this.sub(node, "expr"), range.start.offset);
    return { kind: "ExprStmt", value, range };
  }

  // ------------------------------------------------------------------ expressions

  /** expr := additive ('->' stage)* — `a -> b -> c` nests to the left. */
  private expr(node: CstNode | undefined, missingAt: number): A.Expr {
    if (!node || !this.nodeRange(node)) return this.hole(missingAt);
    let value = this.additive(this.sub(node, "additive"), missingAt);
    const arrows = this.toks(node, "Arrow");
    const stages = this.subs(node, "stage");
    for (let i = 0; i < arrows.length; i++) {
      const arrow = arrows[i];
      if (!isReal(arrow)) continue;
      const arrowRange = this.tokenRange(arrow);
      const stageNode = stages[i];
      const label = this.tok(stageNode, "label");
      const colon = this.tok(stageNode, "Colon");
      const calleeId = this.ident(this.tok(stageNode, "callee"), (colon ? this.tokenRange(colon) : arrowRange).end.offset);
      const argList = this.sub(stageNode, "argList");
      const args = argList ? this.argList(argList) : [];
      const end = this.nodeRange(stageNode) ?? calleeId.range;
      const stage: A.CallExpr = { kind: "Call", callee: calleeId, args, hasParens: argList !== undefined, range: this.span(calleeId.range, end) };
      value = {
        kind: "Pipe",
        source: value,
        label: label ? this.ident(label, arrowRange.end.offset) : undefined,
        stage,
        doc: this.docBefore(arrow.startOffset),
        range: this.span(value.range, stage.range),
      };
    }
    return value;
  }

  /** operand (op operand)*, folded to the left. */
  private chain(node: CstNode | undefined, operand: string, read: (n: CstNode | undefined, missingAt: number) => A.Expr, missingAt: number): A.Expr {
    const operands = this.subs(node, operand);
    const ops = this.toks(node, "op");
    let left = read(operands[0], missingAt);
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      if (!isReal(op)) continue;
      const right = read(operands[i + 1], tokenEnd(op));
      left = { kind: "Binary", op: op.image as A.BinaryOp, left, right, range: this.span(left.range, right.range) };
    }
    return left;
  }

  /** additive := multiplicative (('+' | '-') multiplicative)* */
  private additive(node: CstNode | undefined, missingAt: number): A.Expr {
    return this.chain(node, "multiplicative", (n, at) => this.multiplicative(n, at), missingAt);
  }

  /** multiplicative := unary (('*' | '/') unary)* */
  private multiplicative(node: CstNode | undefined, missingAt: number): A.Expr {
    return this.chain(node, "unary", (n, at) => this.unary(n, at), missingAt);
  }

  /** unary := '-' unary | primary, parsed as `'-'* primary`; the minus signs nest to the right. */
  private unary(node: CstNode | undefined, missingAt: number): A.Expr {
    if (!this.nodeRange(node)) return this.hole(missingAt);
    const minuses = this.toks(node, "Minus").filter(isReal);
    let value = this.primary(this.sub(node, "primary"), minuses.length ? tokenEnd(minuses[minuses.length - 1]) : missingAt);
    for (let i = minuses.length - 1; i >= 0; i--) {
      value = { kind: "Unary", op: "-", operand: value, range: this.span(this.tokenRange(minuses[i]), value.range) };
    }
    return value;
  }

  /** primary := NUMBER | STRING | 'true' | 'false' | IDENT ('(' args? ')')? | '(' expr ')' | list */
  private primary(node: CstNode | undefined, missingAt: number): A.Expr {
    const range = this.nodeRange(node);
    if (!node || !range) return this.hole(missingAt);
    const number = this.tok(node, "NumberLiteral");
    if (number) return this.numberLiteral(number);
    const string = this.tok(node, "StringLiteral");
    if (string) return this.stringLiteral(string);
    const bool = this.tok(node, "Kw_true") ?? this.tok(node, "Kw_false");
    if (bool) return { kind: "Bool", value: bool.tokenType === T.True, range };
    const id = this.tok(node, "Identifier");
    if (id) {
      const callee = this.ident(id, range.start.offset);
      const argList = this.sub(node, "argList");
      if (argList) return { kind: "Call", callee, args: this.argList(argList), hasParens: true, range };
      return { kind: "Name", name: callee, range: callee.range };
    }
    const paren = this.sub(node, "paren");
    if (paren) {
      const open = this.tok(paren, "LParen");
      const inner = this.expr(this.sub(paren, "expr"), this.after(open, range.start.offset));
      return { kind: "Paren", inner, range };
    }
    const list = this.sub(node, "list");
    if (list) {
      this.checkCommas(list, "expr", ITEMS.item);
      const items = this.subs(list, "expr").flatMap((e) => (this.nodeRange(e) ? [this.expr(e, range.end.offset)] : []));
      return { kind: "List", items, range };
    }
    return this.hole(missingAt);
  }

  private numberLiteral(t: IToken): A.NumberLiteral {
    return { kind: "Number", ...numberValue(t.image), text: t.image, range: this.tokenRange(t) };
  }

  /** A string literal with its escapes resolved; an unknown escape is an E002 and stands for itself. */
  private stringLiteral(t: IToken): A.StringLiteral {
    const { value, badEscapes } = stringValue(t.image, t.tokenType !== T.UnterminatedString);
    for (const bad of badEscapes) {
      this.diagnostics.push(
        diagnostic({
          code: "E002",
          file: this.path,
          range: this.lines.range(t.startOffset + bad.offset, t.startOffset + bad.offset + bad.text.length),
          message: `unknown escape \`${bad.text}\` in a string`,
          help: 'the escapes are `\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a backslash',
        }),
      );
    }
    return { kind: "String", value, range: this.tokenRange(t) };
  }

  /** '(' args? ')' with args := arg (',' arg)* ','? and arg := (IDENT ':')? expr */
  private argList(node: CstNode): A.Arg[] {
    this.checkCommas(node, "arg", ITEMS.arg);
    return this.subs(node, "arg").flatMap((a): A.Arg[] => {
      const range = this.nodeRange(a);
      if (!range) return [];
      const name = this.tok(a, "name");
      const colon = this.tok(a, "Colon");
      const value = this.expr(this.sub(a, "expr"), this.after(colon, range.end.offset));
      return [{ kind: "Arg", name: name ? this.ident(name, range.start.offset) : undefined, value, range }];
    });
  }

  /**
   * Reports a comma with no item before it (`f(,x)`, `f(x,,y)`), and two items with no comma between
   * them (`f(5 activation: relu)`), at the offending token (E001).
   */
  private checkCommas(node: CstNode, item: string, words: { one: string; many: string }): void {
    const children: Child[] = [...this.toks(node, "Comma"), ...this.subs(node, item)].filter((c) => Number.isFinite(startOf(c)));
    children.sort((a, b) => startOf(a) - startOf(b));
    let previous: "open" | "item" | "comma" = "open";
    for (const child of children) {
      if (isToken(child)) {
        if (previous !== "item") this.syntaxError(this.tokenRange(child), `expected ${words.one}, found \`,\``, "remove the extra `,`");
        previous = "comma";
      } else {
        if (previous === "item") {
          const first = this.tokens[this.tokenIndexAt(startOf(child))];
          if (first) this.syntaxError(this.tokenRange(first), `expected \`,\` between the ${words.many}, found ${describeToken(first)}`, `separate the ${words.many} with \`,\``);
        }
        previous = "item";
      }
    }
  }

  private syntaxError(range: A.Range, message: string, help: string): void {
    this.diagnostics.push(diagnostic({ code: "E001", file: this.path, range, message, help }));
  }

  // ------------------------------------------------------------------ doc comments

  /**
   * The `///` comments right before the token at `offset` (a declaration keyword or a stage's `->`):
   * the run of doc comments after the previous token, with no other comment between them and it.
   * Consecutive lines are joined with "\n"; the leading `///` and one space are stripped.
   */
  private docBefore(offset: number): string | undefined {
    const previous = this.tokens[this.tokenIndexAt(offset) - 1];
    const floor = previous ? tokenEnd(previous) : 0;
    let lo = 0;
    let hi = this.comments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.comments[mid].startOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    const lines: string[] = [];
    for (let i = lo - 1; i >= 0; i--) {
      const c = this.comments[i];
      if (c.startOffset < floor || c.tokenType !== T.DocComment) break;
      lines.push(c.image.replace(/^\/\/\/ ?/, ""));
    }
    return lines.length ? lines.reverse().join("\n") : undefined;
  }
}
