/**
 * Builds the AST from Chevrotain's CST. Recovery may leave CST nodes without some children: a missing
 * expression becomes an `Error` node and a missing name an identifier with an empty name, so later
 * phases never meet `undefined`. Comma placement in argument, parameter and list syntax is checked
 * here (the grammar tolerates stray commas so the arguments around them survive).
 */
import type { CstNode, IToken } from "chevrotain";
import type * as A from "../compiler/ast.js";
import { diagnostic, type Diagnostic } from "../compiler/diagnostics/diagnostic.js";

type Child = CstNode | IToken;

const isToken = (c: Child): c is IToken => "image" in c;
const real = (t: IToken | undefined): t is IToken => !!t && !t.isInsertedInRecovery && Number.isFinite(t.startOffset);

export class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly path: string,
    private readonly text: string,
    private readonly docComments: readonly IToken[],
  ) {}

  // ------------------------------------------------------------ positions

  private pos(offset: number): A.Position {
    // Lines and columns are derived from the offset so inserted or recovered tokens never matter.
    return this.positionAt(offset);
  }

  private lineStarts: number[] | undefined;

  positionAt(offset: number): A.Position {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
    const starts = this.lineStarts;
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: clamped - starts[lo] + 1, offset: clamped };
  }

  tokenRange(t: IToken): A.Range {
    return { start: this.pos(t.startOffset), end: this.pos(t.endOffset! + 1) };
  }

  private span(start: A.Range, end: A.Range): A.Range {
    return { start: start.start, end: end.end };
  }

  /** The range of everything a CST node holds, from its real tokens. */
  private nodeRange(node: Child | undefined, fallback: A.Range): A.Range {
    if (!node) return fallback;
    if (isToken(node)) return real(node) ? this.tokenRange(node) : fallback;
    const loc = node.location;
    if (loc && Number.isFinite(loc.startOffset) && Number.isFinite(loc.endOffset)) {
      return { start: this.pos(loc.startOffset), end: this.pos(loc.endOffset! + 1) };
    }
    let first: A.Range | undefined;
    let last: A.Range | undefined;
    for (const child of this.ordered(node)) {
      const r = this.nodeRange(child, fallback);
      if (r === fallback) continue;
      first ??= r;
      last = r;
    }
    return first && last ? this.span(first, last) : fallback;
  }

  /** A node's children in source order. */
  private ordered(node: CstNode): Child[] {
    const all: Child[] = [];
    for (const list of Object.values(node.children)) for (const c of list as Child[]) all.push(c);
    const start = (c: Child): number => (isToken(c) ? c.startOffset : c.location?.startOffset ?? NaN);
    return all.filter((c) => Number.isFinite(start(c)) && (!isToken(c) || real(c))).sort((a, b) => start(a) - start(b));
  }

  private tok(node: CstNode, name: string, index = 0): IToken | undefined {
    const t = node.children[name]?.[index];
    return t && isToken(t) && real(t) ? t : undefined;
  }

  private sub(node: CstNode, name: string, index = 0): CstNode | undefined {
    const n = node.children[name]?.[index];
    return n && !isToken(n) ? n : undefined;
  }

  private subs(node: CstNode, name: string): CstNode[] {
    return ((node.children[name] ?? []) as Child[]).filter((c): c is CstNode => !isToken(c));
  }

  private ident(t: IToken | undefined, fallback: A.Range): A.Identifier {
    return t ? { kind: "Identifier", name: t.image, range: this.tokenRange(t) } : { kind: "Identifier", name: "", range: fallback };
  }

  private errorExpr(range: A.Range): A.ErrorExpr {
    return { kind: "Error", range };
  }

  // ------------------------------------------------------------ declarations

  file(node: CstNode): { decls: A.Decl[]; range: A.Range } {
    const decls = this.subs(node, "decl").flatMap((d) => {
      const decl = this.decl(d);
      return decl ? [decl] : [];
    });
    return { decls, range: { start: this.pos(0), end: this.pos(this.text.length) } };
  }

  private decl(node: CstNode): A.Decl | undefined {
    const [inner] = this.ordered(node);
    if (!inner || isToken(inner)) return undefined;
    switch (inner.name) {
      case "useDecl":
        return this.useDecl(inner);
      case "blockDecl":
        return this.blockDecl(inner);
      case "modelDecl":
        return this.modelDecl(inner);
      case "trainDecl":
        return this.trainDecl(inner);
    }
    return undefined;
  }

  private emptyAt(offset: number): A.Range {
    const p = this.pos(offset);
    return { start: p, end: p };
  }

  private useDecl(node: CstNode): A.UseDecl {
    const range = this.nodeRange(node, this.emptyAt(0));
    const s = this.tok(node, "StringLiteral");
    const path: A.StringLiteral = s ? this.stringLiteral(s) : { kind: "String", value: "", range: { start: range.end, end: range.end } };
    return { kind: "Use", path, range };
  }

  private blockDecl(node: CstNode): A.BlockDecl {
    const range = this.nodeRange(node, this.emptyAt(0));
    const after = { start: range.end, end: range.end };
    const shape = this.sub(node, "shapeType");
    return {
      kind: "Block",
      name: this.ident(this.tok(node, "Identifier"), after),
      params: this.paramList(this.sub(node, "paramList")),
      result: shape ? this.shapeType(shape) : undefined,
      body: this.body(this.sub(node, "body")),
      doc: this.docBefore(range.start.offset),
      range,
    };
  }

  private modelDecl(node: CstNode): A.ModelDecl {
    const range = this.nodeRange(node, this.emptyAt(0));
    return {
      kind: "Model",
      name: this.ident(this.tok(node, "Identifier"), { start: range.end, end: range.end }),
      params: this.paramList(this.sub(node, "paramList")),
      body: this.body(this.sub(node, "body")),
      doc: this.docBefore(range.start.offset),
      range,
    };
  }

  private trainDecl(node: CstNode): A.TrainDecl {
    const range = this.nodeRange(node, this.emptyAt(0));
    const label = this.tok(node, "label");
    const argList = this.sub(node, "argList");
    return {
      kind: "Train",
      label: label ? this.ident(label, range) : undefined,
      model: this.ident(this.tok(node, "model"), { start: range.end, end: range.end }),
      args: argList ? this.argList(argList) : [],
      entries: this.subs(node, "entry").map((e) => this.entry(e)),
      doc: this.docBefore(range.start.offset),
      range,
    };
  }

  private entry(node: CstNode): A.TrainEntry {
    const range = this.nodeRange(node, this.emptyAt(0));
    const value = this.sub(node, "expr");
    return {
      kind: "TrainEntry",
      key: this.ident(this.tok(node, "AnyName"), range),
      value: value ? this.expr(value) : this.errorExpr({ start: range.end, end: range.end }),
      range,
    };
  }

  private paramList(node: CstNode | undefined): A.Param[] {
    if (!node) return [];
    this.checkSeparators(node, "param", "parameter");
    return this.subs(node, "param").map((p) => this.param(p));
  }

  private param(node: CstNode): A.Param {
    const range = this.nodeRange(node, this.emptyAt(0));
    const type = this.sub(node, "typeRef");
    const def = this.sub(node, "expr");
    return {
      kind: "Param",
      name: this.ident(this.tok(node, "Identifier"), range),
      type: type ? this.typeRef(type) : undefined,
      default: def ? this.expr(def) : this.tok(node, "Equals") ? this.errorExpr({ start: range.end, end: range.end }) : undefined,
      range,
    };
  }

  private typeRef(node: CstNode): A.TypeRef {
    const shape = this.sub(node, "shapeType");
    if (shape) return this.shapeType(shape);
    const range = this.nodeRange(node, this.emptyAt(0));
    return { kind: "ScalarType", name: this.ident(this.tok(node, "Identifier"), range), range };
  }

  private shapeType(node: CstNode): A.ShapeType {
    const range = this.nodeRange(node, this.emptyAt(0));
    const dtype = this.tok(node, "Identifier");
    const list = this.sub(node, "list");
    return { kind: "ShapeType", dtype: dtype ? this.ident(dtype, range) : undefined, dims: list ? this.listItems(list) : [], range };
  }

  private body(node: CstNode | undefined): A.Stmt[] {
    if (!node) return [];
    return this.subs(node, "stmt").flatMap((s) => {
      const stmt = this.stmt(s);
      return stmt ? [stmt] : [];
    });
  }

  private stmt(node: CstNode): A.Stmt | undefined {
    const [inner] = this.ordered(node);
    if (!inner || isToken(inner)) return undefined;
    const range = this.nodeRange(inner, this.emptyAt(0));
    const end = { start: range.end, end: range.end };
    const valueOf = (n: CstNode): A.Expr => {
      const e = this.sub(n, "expr");
      return e ? this.expr(e) : this.errorExpr(end);
    };
    switch (inner.name) {
      case "inputStmt": {
        const type = this.sub(inner, "typeRef");
        return { kind: "Input", name: this.ident(this.tok(inner, "Identifier"), end), type: type ? this.typeRef(type) : undefined, range };
      }
      case "letStmt":
        return { kind: "Let", name: this.ident(this.tok(inner, "Identifier"), end), value: valueOf(inner), range };
      case "outputStmt": {
        const name = this.tok(inner, "Identifier");
        return { kind: "Output", name: name ? this.ident(name, end) : undefined, value: valueOf(inner), range };
      }
      case "expr":
        return { kind: "ExprStmt", value: this.expr(inner), range };
    }
    return undefined;
  }

  // ------------------------------------------------------------ expressions

  expr(node: CstNode): A.Expr {
    const range = this.nodeRange(node, this.emptyAt(0));
    const additive = this.sub(node, "additive");
    let value: A.Expr = additive ? this.additive(additive) : this.errorExpr(range);
    const arrows = ((node.children.Arrow ?? []) as IToken[]).filter(real);
    for (const stageNode of this.subs(node, "stage")) {
      const stageRange = this.nodeRange(stageNode, { start: value.range.end, end: value.range.end });
      const arrow = [...arrows].reverse().find((a) => a.startOffset < stageRange.start.offset);
      const label = this.tok(stageNode, "label");
      const callee = this.tok(stageNode, "callee");
      const argList = this.sub(stageNode, "argList");
      const calleeId = this.ident(callee, stageRange);
      const callRange = callee ? this.span(calleeId.range, stageRange) : stageRange;
      const stage: A.CallExpr = { kind: "Call", callee: calleeId, args: argList ? this.argList(argList) : [], hasParens: !!argList, range: callRange };
      value = {
        kind: "Pipe",
        source: value,
        label: label ? this.ident(label, stageRange) : undefined,
        stage,
        doc: arrow ? this.docBetween(value.range.end.offset, arrow.startOffset) : undefined,
        range: this.span(value.range, stageRange),
      };
    }
    return value;
  }

  private binaryChain(node: CstNode, operand: string, read: (n: CstNode) => A.Expr): A.Expr {
    const range = this.nodeRange(node, this.emptyAt(0));
    let left: A.Expr | undefined;
    let op: A.BinaryOp | undefined;
    for (const child of this.ordered(node)) {
      if (isToken(child)) {
        op = child.image as A.BinaryOp;
        continue;
      }
      if (child.name !== operand) continue;
      const right = read(child);
      left = left && op ? { kind: "Binary", op, left, right, range: this.span(left.range, right.range) } : right;
      op = undefined;
    }
    if (left && op) left = { kind: "Binary", op, left, right: this.errorExpr({ start: range.end, end: range.end }), range };
    return left ?? this.errorExpr(range);
  }

  private additive(node: CstNode): A.Expr {
    return this.binaryChain(node, "multiplicative", (n) => this.multiplicative(n));
  }

  private multiplicative(node: CstNode): A.Expr {
    return this.binaryChain(node, "unary", (n) => this.unary(n));
  }

  private unary(node: CstNode): A.Expr {
    const range = this.nodeRange(node, this.emptyAt(0));
    const inner = this.sub(node, "unary");
    if (this.tok(node, "Minus")) {
      return { kind: "Unary", op: "-", operand: inner ? this.unary(inner) : this.errorExpr({ start: range.end, end: range.end }), range };
    }
    const primary = this.sub(node, "primary");
    return primary ? this.primary(primary) : this.errorExpr(range);
  }

  private primary(node: CstNode): A.Expr {
    const range = this.nodeRange(node, this.emptyAt(0));
    const number = this.tok(node, "NumberLiteral");
    if (number) return this.numberLiteral(number);
    const string = this.tok(node, "StringLiteral");
    if (string) return this.stringLiteral(string);
    if (this.tok(node, "Kw_true")) return { kind: "Bool", value: true, range };
    if (this.tok(node, "Kw_false")) return { kind: "Bool", value: false, range };
    const id = this.tok(node, "Identifier");
    if (id) {
      const callee = this.ident(id, range);
      const argList = this.sub(node, "argList");
      if (argList) return { kind: "Call", callee, args: this.argList(argList), hasParens: true, range };
      return { kind: "Name", name: callee, range: callee.range };
    }
    const list = this.sub(node, "list");
    if (list) return { kind: "List", items: this.listItems(list), range };
    const inner = this.sub(node, "expr");
    if (this.tok(node, "LParen") || inner) return { kind: "Paren", inner: inner ? this.expr(inner) : this.errorExpr(range), range };
    return this.errorExpr(range);
  }

  private numberLiteral(t: IToken): A.NumberLiteral {
    const text = t.image;
    return { kind: "Number", value: Number(text.replace(/_/g, "")), text, isInteger: !/[.eE]/.test(text), range: this.tokenRange(t) };
  }

  stringLiteral(t: IToken): A.StringLiteral {
    const body = t.image.endsWith('"') && t.image.length >= 2 ? t.image.slice(1, -1) : t.image.slice(1);
    const value = body.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c));
    return { kind: "String", value, range: this.tokenRange(t) };
  }

  private listItems(node: CstNode): A.Expr[] {
    this.checkSeparators(node, "expr", "item");
    return this.subs(node, "expr").map((e) => this.expr(e));
  }

  private argList(node: CstNode): A.Arg[] {
    this.checkSeparators(node, "arg", "argument");
    return this.subs(node, "arg").map((a) => {
      const range = this.nodeRange(a, this.emptyAt(0));
      const name = this.tok(a, "name");
      const value = this.sub(a, "expr");
      return { kind: "Arg", name: name ? this.ident(name, range) : undefined, value: value ? this.expr(value) : this.errorExpr({ start: range.end, end: range.end }), range };
    });
  }

  /** Reports a comma with nothing before it, and two items with no comma between them (E001). */
  private checkSeparators(node: CstNode, item: string, what: string): void {
    let previous: "open" | "item" | "comma" = "open";
    for (const child of this.ordered(node)) {
      if (isToken(child)) {
        if (child.tokenType.name !== "Comma") continue;
        if (previous !== "item") this.syntaxError(this.tokenRange(child), `expected ${article(what)} ${what}, found \`,\``, "remove the extra comma");
        previous = "comma";
      } else if (child.name === item) {
        if (previous === "item") this.syntaxError(this.nodeRange(child, this.emptyAt(0)), `expected \`,\` before this ${what}`, "separate the items with commas");
        previous = "item";
      }
    }
  }

  syntaxError(range: A.Range, message: string, help?: string): void {
    if (this.diagnostics.some((d) => d.range.start.offset === range.start.offset)) return;
    this.diagnostics.push(diagnostic({ code: "E001", file: this.path, range, message, help }));
  }

  // ------------------------------------------------------------ doc comments

  /** The `///` lines directly above `offset` (only blank space between them and the code). */
  docBefore(offset: number): string | undefined {
    const lines: string[] = [];
    let cursor = offset;
    for (let i = this.docComments.length - 1; i >= 0; i--) {
      const c = this.docComments[i];
      if (c.startOffset >= cursor) continue;
      if (this.text.slice(c.endOffset! + 1, cursor).trim() !== "") break;
      lines.unshift(c.image.replace(/^\/\/\/ ?/, ""));
      cursor = c.startOffset;
    }
    return lines.length ? lines.join("\n") : undefined;
  }

  /** The `///` lines between two offsets, just before a pipeline stage's arrow. */
  private docBetween(from: number, to: number): string | undefined {
    const lines = this.docComments.filter((c) => c.startOffset >= from && c.endOffset! < to).map((c) => c.image.replace(/^\/\/\/ ?/, ""));
    return lines.length ? lines.join("\n") : undefined;
  }
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? "an" : "a";
}
