/**
 * Builds the AST of `grammar/ast.ts` from Chevrotain's CST, with exact ranges on every node.
 *
 * Recovery may leave CST nodes without some children: a missing expression becomes an `Error` node
 * and a missing name an identifier with an empty name, both zero-width at the place they were
 * expected, so later phases never meet `undefined`. Tokens inserted by recovery have no position
 * and are treated as missing. Comma placement in parameter, argument, list and shape syntax is
 * checked here: the grammar tolerates stray and (on one line) missing commas so that the items
 * around them survive, and this builder reports them as E001. Doc comments (`///`) are attached to
 * the declaration or pipeline stage that follows them.
 *
 * The slips the parser reads as what they were meant to be (`slips.ts`) are reported here, once
 * each, and built as their fix would read: `dense(10, activation = softmax)` is the call with
 * `activation: softmax`, `x -> dense(30) dense(10)` a pipeline of two stages, `(28, 28, 1)` a list,
 * `Sequential([a, b])` after `->` the stages `a -> b`, and a Keras `input_shape` argument is left out.
 */
import type { CstNode, IToken } from "chevrotain";
import type * as A from "./ast.js";
import { syntaxDiagnostic, type SyntaxDiagnostic } from "./syntax-diagnostic.js";
import { numberValue, stringValue, withLeadingDigit } from "./literals.js";
import { tokenEnd, type LineMap } from "./positions.js";
import * as S from "./slips.js";
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

/**
 * Whether a call is Keras's `Sequential([a, b])` (a list: no block takes one) or PyTorch's
 * `Sequential(a, b)` (two or more layers, one of them called with parentheses), a slip.
 */
function isSequential(call: A.CallExpr): boolean {
  if (call.callee.name !== "Sequential" || !call.hasParens) return false;
  const args = call.args;
  if (args.length === 1 && !args[0].name && args[0].value.kind === "List") return true;
  return args.length >= 2 && args.every((a) => !a.name && asStage(a.value).length === 1) && args.some((a) => a.value.kind === "Call");
}

/** The items a `Sequential` call chains. */
function sequentialItems(call: A.CallExpr): readonly A.Expr[] {
  const first = call.args[0]?.value;
  return call.args.length === 1 && first?.kind === "List" ? first.items : call.args.map((a) => a.value);
}

/** An item of `Sequential` as a stage: a layer or block call, or a name (`relu`); none for anything else. */
function asStage(item: A.Expr): A.CallExpr[] {
  if (item.kind === "Call" && item.callee.name !== "") return [item];
  if (item.kind === "Name" && item.name.name !== "") return [{ kind: "Call", callee: item.name, args: [], hasParens: false, range: item.range }];
  return [];
}

/** Callees whose `input_dim` is not an input shape (Keras's `Embedding(input_dim=…)` is the vocabulary). */
const INPUT_DIM_IS_VOCABULARY = new Set(["embedding", "Embedding"]);

export class AstBuilder {
  /** E001 for misplaced commas and slips, and E002 for unknown string escapes, found while building. */
  readonly diagnostics: SyntaxDiagnostic[] = [];
  /** The first input of the model being built, for the message about a Keras `input_shape`. */
  private inputName: string | undefined;

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
    this.inputName = undefined;
    const keyword = this.tok(node, "Kw_block");
    const name = this.ident(this.tok(node, "name"), this.after(keyword, range.start.offset));
    const params = this.paramList(this.sub(node, "paramList"));
    this.inputName = params.find((p) => p.name.name !== "" && p.type?.kind !== "ScalarType")?.name.name;
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
    this.inputName = undefined;
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
    for (const comma of this.toks(node, "Comma").filter(isReal)) this.slip(S.commaBetweenEntries(comma));
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
    const equals = this.tok(node, "Equals");
    const value = this.expr(this.sub(node, "expr"), range.end.offset);
    if (equals) this.slip(S.equalsForColon("key", equals, this.equalsGap(key, value.kind === "Error" ? undefined : value.range.start.offset)));
    return { kind: "TrainEntry", key: this.ident(key, range.start.offset), value, range };
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

  /** shapeType := IDENT? ('[' (expr (',' expr)* ','?)? ']' | tupleShape) — a tuple is a slip, read as brackets. */
  private shapeType(node: CstNode | undefined): A.ShapeType | undefined {
    const range = this.nodeRange(node);
    if (!node || !range) return undefined;
    const dtype = this.tok(node, "dtype");
    const tuple = this.sub(node, "tupleShape");
    const inner = tuple ?? node;
    this.checkCommas(inner, "expr", ITEMS.dim);
    const dims = this.subs(inner, "expr").flatMap((e) => (this.nodeRange(e) ? [this.expr(e, range.end.offset)] : []));
    const open = this.tok(tuple, "LParen");
    if (open) this.slip(S.tupleForList(open, this.tok(tuple, "RParen"), dims.map((d) => this.text(d.range)), true));
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
      const type = this.typeRef(this.sub(input, "typeRef"));
      const equals = this.tok(input, "Equals");
      if (equals) this.slip(S.equalsForColon("input", equals, this.equalsGap(name, type?.range.start.offset)));
      if (name) this.inputName ??= name.image;
      return { kind: "Input", name: this.ident(name, this.after(keyword, range.start.offset)), type, range };
    }
    const letStmt = this.sub(node, "letStmt");
    if (letStmt) {
      const keyword = this.tok(letStmt, "Kw_let");
      const binder = this.tok(letStmt, "binder");
      const name = this.tok(letStmt, "name");
      const equals = this.tok(letStmt, "Equals");
      if (binder) this.slip(S.foreignBinder(binder));
      else if (!keyword && name) this.slip(S.missingLet(name));
      return {
        kind: "Let",
        name: this.ident(name, this.after(keyword ?? binder, range.start.offset)),
        value: this.expr(this.sub(letStmt, "expr"), this.after(equals, range.end.offset)),
        range,
      };
    }
    const returnStmt = this.sub(node, "returnStmt");
    if (returnStmt) {
      const word = this.tok(returnStmt, "return");
      const value = this.expr(this.sub(returnStmt, "expr"), this.after(word, range.end.offset));
      if (word) this.slip(S.returnStatement(word, value.kind === "Error" ? tokenEnd(word) : value.range.start.offset));
      return { kind: "ExprStmt", value, range: value.kind === "Error" ? range : value.range };
    }
    const output = this.sub(node, "outputStmt");
    if (output) {
      const name = this.tok(output, "name");
      const keyword = this.tok(output, "Kw_output");
      const stray = this.tok(output, "strayEquals");
      const anchor = this.tok(output, "Equals") ?? stray ?? keyword;
      const value = this.expr(this.sub(output, "expr"), this.after(anchor, range.end.offset));
      if (stray && keyword) this.slip(S.outputEquals(keyword, stray, value.kind === "Error" ? undefined : value.range.start.offset));
      return { kind: "Output", name: name ? this.ident(name, range.start.offset) : undefined, value, range };
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
    let next = 0;
    for (const stageNode of this.subs(node, "stage")) {
      // The `->` before this stage, unless it was forgotten (`missingArrow` in the parser).
      const stageStart = startOf(stageNode);
      const arrow = next < arrows.length && !(arrows[next].startOffset > stageStart) ? arrows[next++] : undefined;
      if (arrow && !isReal(arrow)) continue;
      const label = this.tok(stageNode, "label");
      const colon = this.tok(stageNode, "Colon");
      const callee = this.tok(stageNode, "callee");
      const first = label ?? callee;
      if (!arrow && !first) continue;
      if (!arrow && first) this.slip(S.missingArrow(first));
      const arrowRange = arrow ? this.tokenRange(arrow) : this.point(first!.startOffset);
      const calleeId = this.ident(callee, (colon ? this.tokenRange(colon) : arrowRange).end.offset);
      const argList = this.sub(stageNode, "argList");
      const args = argList ? this.argList(argList, calleeId.name) : [];
      const end = this.nodeRange(stageNode) ?? calleeId.range;
      const stage: A.CallExpr = { kind: "Call", callee: calleeId, args, hasParens: argList !== undefined, range: this.span(calleeId.range, end) };
      const doc = this.docBefore(arrow ? arrow.startOffset : first!.startOffset);
      const stages = isSequential(stage) ? this.sequential(stage) : [stage];
      for (const [i, s] of stages.entries()) {
        value = {
          kind: "Pipe",
          source: value,
          label: label && i === 0 ? this.ident(label, arrowRange.end.offset) : undefined,
          stage: s,
          doc: i === 0 ? doc : undefined,
          range: this.span(value.range, s.range),
        };
      }
    }
    return value;
  }

  /**
   * `-> Sequential([a, b])` (Keras) or `-> Sequential(a, b)` (PyTorch), a slip: the stages `a`, `b`,
   * with a fix that chains them with `->`. When they are not all layers or blocks, a hole (the
   * checker says nothing more about it).
   */
  private sequential(call: A.CallExpr): A.CallExpr[] {
    const stages = this.sequentialStages(call);
    const chained = stages?.map((s) => this.text(s.range)).join(" -> ");
    this.slip(S.sequential(this.offsets(call.callee.range), this.offsets(call.range), chained));
    return stages ?? [{ ...call, callee: { kind: "Identifier", name: "", range: call.callee.range }, args: [] }];
  }

  /**
   * `Sequential([a, b])` standing alone: in Keras, the model's layers from its input. Read as
   * `x -> a -> b` from the model's first input (a block's first tensor parameter), the fix; without
   * one, a hole and no fix.
   */
  private sequentialAlone(call: A.CallExpr): A.Expr {
    const stages = this.sequentialStages(call);
    const input = this.inputName;
    const chained = stages && input !== undefined ? `${input} -> ${stages.map((s) => this.text(s.range)).join(" -> ")}` : undefined;
    this.slip(S.sequential(this.offsets(call.callee.range), this.offsets(call.range), chained));
    if (!stages || input === undefined) return { ...call, callee: { kind: "Identifier", name: "", range: call.callee.range }, args: [] };
    let value: A.Expr = { kind: "Name", name: { kind: "Identifier", name: input, range: this.point(call.range.start.offset) }, range: this.point(call.range.start.offset) };
    for (const stage of stages) value = { kind: "Pipe", source: value, stage, range: this.span(value.range, stage.range) };
    return value;
  }

  /** The layers of a `Sequential` call as stages, or undefined when they are not all layers or blocks. */
  private sequentialStages(call: A.CallExpr): A.CallExpr[] | undefined {
    const stages = sequentialItems(call).flatMap(asStage);
    return stages.length > 0 && stages.length === sequentialItems(call).length ? stages : undefined;
  }

  private offsets(range: A.Range): { start: number; end: number } {
    return { start: range.start.offset, end: range.end.offset };
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
      if (argList) {
        const call: A.CallExpr = { kind: "Call", callee, args: this.argList(argList, id.image), hasParens: true, range };
        return isSequential(call) ? this.sequentialAlone(call) : call;
      }
      return { kind: "Name", name: callee, range: callee.range };
    }
    const paren = this.sub(node, "paren");
    if (paren) {
      const open = this.tok(paren, "LParen");
      const commas = this.toks(paren, "Comma");
      if (open && commas.length > 0) {
        // `(28, 28, 1)`: a tuple where a list goes, a slip read as `[28, 28, 1]`.
        this.checkCommas(paren, "expr", ITEMS.item);
        const items = this.subs(paren, "expr").flatMap((e) => (this.nodeRange(e) ? [this.expr(e, range.end.offset)] : []));
        this.slip(S.tupleForList(open, this.tok(paren, "RParen"), items.map((i) => this.text(i.range)), false));
        return { kind: "List", items, range };
      }
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

  /** A number as meant: `.5` (a slip) is built as `0.5`, so it is checked as its fix would be. */
  private numberLiteral(t: IToken): A.NumberLiteral {
    const text = withLeadingDigit(t.image);
    return { kind: "Number", ...numberValue(text), text, range: this.tokenRange(t) };
  }

  /** A string literal with its escapes resolved; an unknown escape is an E002 and stands for itself. */
  private stringLiteral(t: IToken): A.StringLiteral {
    const { value, badEscapes } = stringValue(t.image, t.tokenType !== T.UnterminatedString && t.tokenType !== T.UnterminatedSingleQuotedString);
    for (const bad of badEscapes) {
      this.diagnostics.push(
        syntaxDiagnostic({
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

  /**
   * '(' args? ')' with args := arg (',' arg)* ','? and arg := (IDENT (':' | '='))? expr. `callee` names
   * the layer or block called, if any: a Keras `input_shape` given to it is a slip and left out.
   */
  private argList(node: CstNode, callee?: string): A.Arg[] {
    this.checkCommas(node, "arg", ITEMS.arg);
    const args: A.Arg[] = [];
    const nodes = this.subs(node, "arg").filter((a) => this.nodeRange(a));
    for (const [i, a] of nodes.entries()) {
      const range = this.nodeRange(a)!;
      const name = this.tok(a, "name");
      const separator = this.tok(a, "Colon") ?? this.tok(a, "Equals");
      if (callee !== undefined && name && S.INPUT_SHAPE_ARGUMENTS.includes(name.image) && !(name.image === "input_dim" && INPUT_DIM_IS_VOCABULARY.has(callee))) {
        this.inputShapeArgument(name.image, a, range, i > 0 ? this.nodeRange(nodes[i - 1]) : undefined, i + 1 < nodes.length ? this.nodeRange(nodes[i + 1]) : undefined);
        continue;
      }
      const value = this.expr(this.sub(a, "expr"), this.after(separator, range.end.offset));
      const equals = this.tok(a, "Equals");
      if (equals) this.slip(S.equalsForColon("argument", equals, this.equalsGap(name, value.kind === "Error" ? undefined : value.range.start.offset)));
      args.push({ kind: "Arg", name: name ? this.ident(name, range.start.offset) : undefined, value, range });
    }
    return args;
  }

  /**
   * `input_shape=(28, 28, 1)` in a layer call: one slip (nothing inside the value is reported), and
   * the argument is left out; the fix removes it with the `,` before it (or after it, when first).
   */
  private inputShapeArgument(name: string, node: CstNode, range: A.Range, previous: A.Range | undefined, next: A.Range | undefined): void {
    const mark = this.diagnostics.length;
    const value = this.expr(this.sub(node, "expr"), range.end.offset);
    this.diagnostics.length = mark;
    const items = value.kind === "List" ? value.items : value.kind === "Paren" ? [value.inner] : value.kind === "Error" ? [] : [value];
    const shape = items.length > 0 && items.every((d) => d.kind === "Number" || d.kind === "Name") ? `[${items.map((d) => this.text(d.range)).join(", ")}]` : "[…]";
    const remove = previous
      ? { start: previous.end.offset, end: range.end.offset }
      : next
        ? { start: range.start.offset, end: next.start.offset }
        : { start: range.start.offset, end: range.end.offset };
    this.slip(S.inputShapeArgument(name, { start: range.start.offset, end: range.end.offset }, remove, this.inputName ?? "x", shape));
  }

  /**
   * Reports a comma with no item before it (`f(,x)`, `f(x,,y)`), and two items with no comma between
   * them (`f(5 activation: relu)`), at the offending token (E001).
   */
  private checkCommas(node: CstNode, item: string, words: { one: string; many: string }): void {
    const children: Child[] = [...this.toks(node, "Comma"), ...this.subs(node, item)].filter((c) => Number.isFinite(startOf(c)));
    children.sort((a, b) => startOf(a) - startOf(b));
    let previous: "open" | "item" | "comma" = "open";
    let previousEnd = 0;
    for (const child of children) {
      if (isToken(child)) {
        if (previous !== "item") {
          const range = this.tokenRange(child);
          this.syntaxError(range, `expected ${words.one}, found \`,\``, "remove the extra `,`", {
            title: "Remove the `,`",
            edits: [{ start: range.start.offset, end: range.end.offset, text: "" }],
          });
        }
        previous = "comma";
      } else {
        if (previous === "item") {
          const first = this.tokens[this.tokenIndexAt(startOf(child))];
          if (first) this.slip(S.missingComma(words.many, first, previousEnd));
        }
        previous = "item";
        previousEnd = this.nodeRange(child)?.end.offset ?? previousEnd;
      }
    }
  }

  private syntaxError(range: A.Range, message: string, help: string, fix?: S.Slip["fix"]): void {
    this.diagnostics.push(S.slipDiagnostic(this.path, this.lines, { start: range.start.offset, end: range.end.offset, message, help, fix }));
  }

  private slip(slip: S.Slip): void {
    this.diagnostics.push(S.slipDiagnostic(this.path, this.lines, slip));
  }

  /** The source text of a node. */
  private text(range: A.Range): string {
    return this.lines.slice(range.start.offset, range.end.offset);
  }

  /**
   * `name = value` → `name: value`: the span from the name to where the value starts, when it holds
   * only the `=` and spaces, so that the fix can replace it with `: `.
   */
  private equalsGap(name: IToken | undefined, valueStart: number | undefined): { start: number; end: number } | undefined {
    if (!name || valueStart === undefined) return undefined;
    const start = tokenEnd(name);
    return valueStart > start && /^[ \t]*=[ \t]*$/.test(this.lines.slice(start, valueStart)) ? { start, end: valueStart } : undefined;
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
