/**
 * Name resolution for the editor: every place a declared name is written — models, blocks,
 * parameters, dimension symbols, inputs, `let` bindings, layer labels and training labels — as an
 * occurrence of one symbol. Definition, references, rename and document highlights all read this
 * index. It follows the checker's scoping: a body sees its parameters, inputs and bindings; a file
 * sees its own blocks and models and those of the files it uses; `freeze:` and `reinit:` name the
 * labels of the trained model, wherever in its blocks they are written.
 */
import type { Arg, Expr, Identifier, Range, ShapeType, SourceFile, Stmt, TrainDecl } from "../../grammar/ast.js";
import type { CheckResult } from "../check/check.js";
import type { FileScope } from "../checker/program.js";
import type { Location } from "../diagnostics/diagnostic.js";

export type SymbolKind = "model" | "block" | "param" | "dim" | "input" | "let" | "label" | "training";

/** A declared name; one object per declaration, shared by all its occurrences. */
export interface NnSymbol {
  readonly kind: SymbolKind;
  readonly name: string;
  readonly declaredAt: Location;
}

export interface Occurrence {
  readonly file: string;
  readonly range: Range;
  readonly symbol: NnSymbol;
  readonly declaration: boolean;
}

export class SymbolIndex {
  readonly occurrences: Occurrence[] = [];
  private readonly symbols = new Map<string, NnSymbol>();

  /** The symbol declared by `id` in `file`, the same object however often it is asked for. */
  symbolAt(kind: SymbolKind, id: Identifier, file: string): NnSymbol {
    const key = symbolKey({ file, range: id.range });
    let symbol = this.symbols.get(key);
    if (!symbol) {
      symbol = { kind, name: id.name, declaredAt: { file, range: id.range } };
      this.symbols.set(key, symbol);
    }
    return symbol;
  }

  add(file: string, id: Identifier, symbol: NnSymbol, declaration = false): void {
    if (id.name) this.occurrences.push({ file, range: id.range, symbol, declaration });
  }

  /** The occurrence under the cursor, if any. */
  at(file: string, offset: number): Occurrence | undefined {
    return this.occurrences.find((o) => o.file === file && o.range.start.offset <= offset && offset <= o.range.end.offset);
  }

  /** Every occurrence of a symbol (matched by its declaration, so indexes of different analyses agree). */
  occurrencesOf(symbol: NnSymbol): Occurrence[] {
    const key = symbolKey(symbol.declaredAt);
    return this.occurrences.filter((o) => symbolKey(o.symbol.declaredAt) === key);
  }
}

/** Identifies a symbol by where it is declared. */
export function symbolKey(at: Location): string {
  return `${at.file}:${at.range.start.offset}`;
}

/** Indexes every file of a checked program. */
export function indexSymbols(result: CheckResult): SymbolIndex {
  const index = new SymbolIndex();
  const { program } = result;
  /** Label symbols by the start of the stage they label, to resolve `freeze:` through the graph. */
  const labelsByStage = new Map<string, NnSymbol>();
  const trainings: TrainDecl[] = [];
  for (const unit of program.units.values()) {
    const scope = program.scopes.get(unit.path);
    if (scope) new FileIndexer(index, unit.path, scope, labelsByStage).file(unit.ast, trainings);
  }
  for (const decl of trainings) indexTrainingLabels(index, decl, result, labelsByStage);
  return index;
}

class FileIndexer {
  constructor(
    private readonly index: SymbolIndex,
    private readonly path: string,
    private readonly scope: FileScope,
    private readonly labelsByStage: Map<string, NnSymbol>,
  ) {}

  file(ast: SourceFile, trainings: TrainDecl[]): void {
    for (const decl of ast.decls) {
      if (decl.kind === "Block" || decl.kind === "Model") {
        this.declare(decl.kind === "Block" ? "block" : "model", decl.name);
        const env = new Map<string, NnSymbol>();
        for (const param of decl.params) {
          if (param.type?.kind === "ShapeType") this.shape(param.type, env);
          if (param.default) this.expr(param.default, env);
          const symbol = this.declare("param", param.name);
          if (param.name.name) env.set(param.name.name, symbol);
        }
        if (decl.kind === "Block" && decl.result) this.shape(decl.result, env);
        for (const stmt of decl.body) this.stmt(stmt, env);
      } else if (decl.kind === "Train") {
        this.training(decl);
        trainings.push(decl);
      }
    }
  }

  private declare(kind: SymbolKind, id: Identifier): NnSymbol {
    const symbol = this.index.symbolAt(kind, id, this.path);
    this.index.add(this.path, id, symbol, true);
    return symbol;
  }

  /** Dimension symbols: the first mention in a signature declares, later ones refer. */
  private shape(shape: ShapeType, env: Map<string, NnSymbol>): void {
    for (const dim of shape.dims) {
      if (dim.kind !== "Name") {
        this.expr(dim, env);
        continue;
      }
      const known = env.get(dim.name.name);
      if (known) this.index.add(this.path, dim.name, known);
      else if (dim.name.name) env.set(dim.name.name, this.declare("dim", dim.name));
    }
  }

  private stmt(stmt: Stmt, env: Map<string, NnSymbol>): void {
    switch (stmt.kind) {
      case "Input":
        if (stmt.type?.kind === "ShapeType") this.shape(stmt.type, env);
        if (stmt.name.name) env.set(stmt.name.name, this.declare("input", stmt.name));
        return;
      case "Let":
        this.expr(stmt.value, env);
        if (stmt.name.name) env.set(stmt.name.name, this.declare("let", stmt.name));
        return;
      case "Output":
      case "ExprStmt":
        this.expr(stmt.value, env);
        return;
    }
  }

  private expr(root: Expr, env: ReadonlyMap<string, NnSymbol>): void {
    // Iterative: a pipeline of thousands of stages nests thousands deep.
    const stack: Expr[] = [root];
    while (stack.length > 0) {
      const expr = stack.pop()!;
      switch (expr.kind) {
        case "Name": {
          const symbol = env.get(expr.name.name);
          if (symbol) this.index.add(this.path, expr.name, symbol);
          break;
        }
        case "Pipe":
          if (expr.label?.name) this.labelsByStage.set(`${this.path}:${expr.stage.range.start.offset}`, this.declare("label", expr.label));
          stack.push(expr.stage, expr.source);
          break;
        case "Call":
          this.callee(expr.callee, expr.args);
          for (const a of expr.args) stack.push(a.value);
          break;
        case "Binary":
          stack.push(expr.right, expr.left);
          break;
        case "Unary":
          stack.push(expr.operand);
          break;
        case "Paren":
          stack.push(expr.inner);
          break;
        case "List":
          stack.push(...expr.items);
          break;
        default:
          break;
      }
    }
  }

  /** A block call refers to the block, and its named arguments to the block's parameters. */
  private callee(callee: Identifier, args: readonly Arg[]): void {
    const block = this.scope.blocks.get(callee.name);
    if (!block) return;
    this.index.add(this.path, callee, this.index.symbolAt("block", block.decl.name, block.file));
    for (const a of args) {
      const param = a.name && block.decl.params.find((p) => p.name.name === a.name!.name);
      if (a.name && param) this.index.add(this.path, a.name, this.index.symbolAt("param", param.name, block.file));
    }
  }

  private training(decl: TrainDecl): void {
    if (decl.label) this.declare("training", decl.label);
    const model = this.scope.models.get(decl.model.name);
    if (model) {
      this.index.add(this.path, decl.model, this.index.symbolAt("model", model.decl.name, model.file));
      for (const a of decl.args) {
        const param = a.name && model.decl.params.find((p) => p.name.name === a.name!.name);
        if (a.name && param) this.index.add(this.path, a.name, this.index.symbolAt("param", param.name, model.file));
      }
    }
    const none = new Map<string, NnSymbol>();
    for (const a of decl.args) this.expr(a.value, none);
    for (const entry of decl.entries) if (entry.key.name !== "freeze" && entry.key.name !== "reinit") this.expr(entry.value, none);
  }
}

/** `freeze: [fc]` refers to the label `fc` of the trained model, found through its elaborated graph. */
function indexTrainingLabels(index: SymbolIndex, decl: TrainDecl, result: CheckResult, labelsByStage: ReadonlyMap<string, NnSymbol>): void {
  const file = result.program.roots.find((root) => result.program.units.get(root)?.ast.decls.includes(decl));
  if (!file) return;
  const graph = result.trainings.find((t) => t.decl === decl)?.model ?? result.models.find((m) => m.name === decl.model.name && m.file === file);
  for (const entry of decl.entries) {
    if (entry.key.name !== "freeze" && entry.key.name !== "reinit") continue;
    const items = entry.value.kind === "List" ? entry.value.items : [entry.value];
    for (const item of items) {
      if (item.kind !== "Name") continue;
      const layer = graph?.layers.find((l) => l.labelled && l.name === item.name.name);
      const symbol = layer && labelsByStage.get(`${layer.definedAt.file}:${layer.definedAt.range.start.offset}`);
      if (symbol) index.add(file, item.name, symbol);
    }
  }
}
