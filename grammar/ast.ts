/**
 * The abstract syntax tree of a `.nn` file.
 *
 * Every node is a readonly record with a `kind` tag and the exact source range it covers. The parser
 * recovers from syntax errors, so a node may have holes: a missing expression becomes an `Error`
 * node, a missing name an identifier with an empty `name`. Later phases skip holes silently, because
 * the syntax error was already reported.
 */

/** A point in the source: 1-based line and column (in UTF-16 code units), 0-based offset. */
export interface Position {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/** A half-open span of source text: `end` is the position just after the last character. */
export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export interface Identifier {
  readonly kind: "Identifier";
  readonly name: string;
  readonly range: Range;
}

/** `use "./blocks.nn"` */
export interface UseDecl {
  readonly kind: "Use";
  readonly path: StringLiteral;
  readonly range: Range;
}

/** A scalar type name (`int`, `float`, `bool`, `string`, `activation`, `init`). */
export interface ScalarType {
  readonly kind: "ScalarType";
  readonly name: Identifier;
  readonly range: Range;
}

/** A per-example tensor shape such as `[28, 28, 1]` or `int32[T]`; dimensions are expressions. */
export interface ShapeType {
  readonly kind: "ShapeType";
  readonly dtype?: Identifier;
  readonly dims: readonly Expr[];
  readonly range: Range;
}

export type TypeRef = ScalarType | ShapeType;

/** A block or model parameter: `filters: int = 5`, `x: [H, W, C]`, or a bare tensor `x`. */
export interface Param {
  readonly kind: "Param";
  readonly name: Identifier;
  readonly type?: TypeRef;
  readonly default?: Expr;
  readonly range: Range;
}

/** `block Name(params) [-> shape] { statements }` */
export interface BlockDecl {
  readonly kind: "Block";
  readonly name: Identifier;
  readonly params: readonly Param[];
  readonly result?: ShapeType;
  readonly body: readonly Stmt[];
  readonly doc?: string;
  readonly range: Range;
}

/** `model Name[(params)] { statements }` */
export interface ModelDecl {
  readonly kind: "Model";
  readonly name: Identifier;
  readonly params: readonly Param[];
  readonly body: readonly Stmt[];
  readonly doc?: string;
  readonly range: Range;
}

/** One `key: value` line of a training block. */
export interface TrainEntry {
  readonly kind: "TrainEntry";
  readonly key: Identifier;
  readonly value: Expr;
  readonly range: Range;
}

/** `train [label:] Model[(args)] { key: value … }` */
export interface TrainDecl {
  readonly kind: "Train";
  readonly label?: Identifier;
  readonly model: Identifier;
  readonly args: readonly Arg[];
  readonly entries: readonly TrainEntry[];
  readonly doc?: string;
  readonly range: Range;
}

export type Decl = UseDecl | BlockDecl | ModelDecl | TrainDecl;

/** `input name: shape` */
export interface InputStmt {
  readonly kind: "Input";
  readonly name: Identifier;
  readonly type?: TypeRef;
  readonly range: Range;
}

/** `let name = expr` */
export interface LetStmt {
  readonly kind: "Let";
  readonly name: Identifier;
  readonly value: Expr;
  readonly range: Range;
}

/** `output [name =] expr` */
export interface OutputStmt {
  readonly kind: "Output";
  readonly name?: Identifier;
  readonly value: Expr;
  readonly range: Range;
}

/** A bare expression; when it is the last statement of a body it is the body's result. */
export interface ExprStmt {
  readonly kind: "ExprStmt";
  readonly value: Expr;
  readonly range: Range;
}

export type Stmt = InputStmt | LetStmt | OutputStmt | ExprStmt;

/** A call argument, positional or named (`kernel: 5`). */
export interface Arg {
  readonly kind: "Arg";
  readonly name?: Identifier;
  readonly value: Expr;
  readonly range: Range;
}

export interface NumberLiteral {
  readonly kind: "Number";
  readonly value: number;
  /** The literal as written (`60_000`, `1e-3`), kept for the formatter. */
  readonly text: string;
  /** True when the literal has no fraction and no exponent: it may stand where an `int` goes. */
  readonly isInteger: boolean;
  readonly range: Range;
}

export interface StringLiteral {
  readonly kind: "String";
  /** The decoded value (escapes resolved). */
  readonly value: string;
  readonly range: Range;
}

export interface BoolLiteral {
  readonly kind: "Bool";
  readonly value: boolean;
  readonly range: Range;
}

/** A bare name: a binding, input, parameter, dimension symbol, or an enum value such as `relu`. */
export interface NameRef {
  readonly kind: "Name";
  readonly name: Identifier;
  readonly range: Range;
}

/**
 * `callee(args…)`: a layer, block, merge, dataset, optimizer, initializer, search space…
 * `hasParens` is false for a parenthesis-free stage such as `-> flatten`.
 */
export interface CallExpr {
  readonly kind: "Call";
  readonly callee: Identifier;
  readonly args: readonly Arg[];
  readonly hasParens: boolean;
  readonly range: Range;
}

export type BinaryOp = "+" | "-" | "*" | "/";

export interface BinaryExpr {
  readonly kind: "Binary";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly range: Range;
}

export interface UnaryExpr {
  readonly kind: "Unary";
  readonly op: "-";
  readonly operand: Expr;
  readonly range: Range;
}

/** `( expr )`, kept so the formatter can reproduce the user's grouping. */
export interface ParenExpr {
  readonly kind: "Paren";
  readonly inner: Expr;
  readonly range: Range;
}

/** `[a, b, …]`: a list value (metrics, labels, multistep epochs) or a shape argument of `reshape`. */
export interface ListExpr {
  readonly kind: "List";
  readonly items: readonly Expr[];
  readonly range: Range;
}

/**
 * `source -> [label:] layer`: applies one layer (or block) to a value. Chains nest to the left:
 * `a -> b -> c` is `Pipe(Pipe(a, b), c)`. `stage` is a call; `-> flatten` is a call without parentheses.
 */
export interface PipeExpr {
  readonly kind: "Pipe";
  readonly source: Expr;
  readonly label?: Identifier;
  readonly stage: CallExpr;
  /** The `///` comment written just before this stage, if any. */
  readonly doc?: string;
  readonly range: Range;
}

/** A hole left by syntax-error recovery. Never reported again: the parser already did. */
export interface ErrorExpr {
  readonly kind: "Error";
  readonly range: Range;
}

export type Expr =
  | NumberLiteral
  | StringLiteral
  | BoolLiteral
  | NameRef
  | CallExpr
  | BinaryExpr
  | UnaryExpr
  | ParenExpr
  | ListExpr
  | PipeExpr
  | ErrorExpr;

/** A comment as written, kept for the formatter; `doc` is true for `///` comments. */
export interface Comment {
  readonly kind: "Comment";
  readonly text: string;
  readonly block: boolean;
  readonly doc: boolean;
  readonly range: Range;
}

export interface SourceFile {
  readonly kind: "File";
  /** The path the file was read from (as given to the compiler), used in diagnostics. */
  readonly path: string;
  readonly decls: readonly Decl[];
  readonly comments: readonly Comment[];
  readonly range: Range;
}

export type Node =
  | SourceFile
  | Decl
  | Stmt
  | Expr
  | Param
  | TypeRef
  | Arg
  | TrainEntry
  | Identifier
  | Comment;
