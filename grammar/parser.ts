/**
 * The `.nn` grammar as a Chevrotain CST parser with error recovery enabled: a syntax error is
 * recorded and the parser goes on (single-token insertion or deletion where that fixes the input,
 * otherwise resynchronisation at the next statement, entry or `}`), so one file reports all of its
 * syntax errors and the rest of it is still checked. `parse.ts` hands the parser one declaration at
 * a time, so a broken declaration never swallows the next one. Semantics stay out of the grammar:
 * `build-ast.ts` turns the CST into the AST.
 *
 * Comma-separated lists (parameters, arguments, list items and shape dimensions) are parsed
 * tolerantly: a stray comma, or a missing comma between two items on the same line, is accepted here
 * and reported by the AST builder, so the items around it survive. An item on a new line that does
 * not follow a comma ends the list instead: that is a missing `)` or `]`, and the next line is left
 * for the enclosing body, where it most likely belongs.
 *
 * Some slips of Python, Keras and JavaScript habits are parsed as what they were meant to be, and
 * reported by the AST builder (`slips.ts` has their messages and fixes), so that the rest of the file
 * is read as if the fix had been applied: `=` for `:` after an argument name, a training key or an
 * input's name; a missing `->` between two stages (on one line, or at the start of a deeper-indented
 * line); a binding without `let` (or with `const`/`var`); `return`; `output = …`; tuple parentheses
 * for a shape or list; `,` between training entries; `;` between declarations is allowed. A keyword
 * where a name goes (`let train = …`) reaches the parser as a name already (`keyword-names.ts`).
 */
import type { IToken, ITokenGrammarPath, TokenType } from "chevrotain";
import { CstParser, tokenMatcher } from "./chevrotain.js";
import { errorMessages } from "./messages.js";
import * as T from "./tokens.js";

/** How many stray-token recoveries may nest inside one repetition (see `boundRepetitionRecovery`). */
const MAX_NESTED_RECOVERIES = 50;

/** How many places' follow sets are kept (each is a few token types; the places of real files are few). */
const MAX_CACHED_FOLLOWS = 10_000;

export class NnParser extends CstParser {
  constructor() {
    super(T.ALL_TOKENS, {
      recoveryEnabled: true,
      maxLookahead: 3,
      nodeLocationTracking: "onlyOffset",
      errorMessageProvider: errorMessages,
    });
    this.performSelfAnalysis();
    this.boundRepetitionRecovery();
  }

  /**
   * Chevrotain's in-repetition recovery skips stray tokens inside a `MANY` and re-enters the
   * repetition by recursion, one level per error. A file with thousands of stray tokens in one body
   * would exhaust the stack (and, long before that, cost quadratic time, as every garbage collection
   * scans the deep stack). Past `MAX_NESTED_RECOVERIES` levels the wrapper declines, and the
   * error is recovered by resynchronising at the next declaration instead.
   */
  private boundRepetitionRecovery(): void {
    const parser = this as unknown as { attemptInRepetitionRecovery?: (...args: unknown[]) => void };
    const recover = parser.attemptInRepetitionRecovery;
    if (typeof recover !== "function") return;
    let depth = 0;
    parser.attemptInRepetitionRecovery = function (this: unknown, ...args: unknown[]): void {
      if (depth >= MAX_NESTED_RECOVERIES) return;
      depth++;
      try {
        recover.apply(this, args);
      } finally {
        depth--;
      }
    };
  }

  /** What may follow each place in the grammar, as recovery asks for it (see `getNextPossibleTokenTypes`). */
  private readonly follows = new Map<string, TokenType[]>();

  /**
   * The tokens that may follow a place in the grammar, which single-token recovery asks for at every
   * syntax error: Chevrotain walks the grammar for each answer, which dominated the cost of broken
   * input. The answer depends on the place alone (the grammar does not change), so it is kept.
   */
  protected override getNextPossibleTokenTypes(path: ITokenGrammarPath): TokenType[] {
    const key = `${path.ruleStack.join(" ")}|${path.occurrenceStack.join(" ")}|${path.lastTok.name}|${path.lastTokOccurrence}`;
    let follows = this.follows.get(key);
    if (follows === undefined) {
      follows = super.getNextPossibleTokenTypes(path);
      if (this.follows.size >= MAX_CACHED_FOLLOWS) this.follows.clear();
      this.follows.set(key, follows);
    }
    return follows;
  }

  /**
   * Prefers deleting a stray token to inserting a missing punctuation mark when deleting fixes the
   * input: `model M x {` loses the `x`, rather than gaining a `{` before it and a stray `{` after.
   * A missing name is still inserted (`let = x` lacks a name, it does not have a stray `=`).
   */
  protected override canTokenTypeBeInsertedInRecovery(tokType: TokenType): boolean {
    return tokType === T.Identifier || tokType === T.AnyName || !tokenMatcher(this.LA(2), tokType);
  }

  /** True when the next tokens start a declaration: `model`, `block`, `train` or `use` (not `train:` or `train =`). */
  private atDeclaration(): boolean {
    const next = this.LA(1);
    return T.DECLARATION_KEYWORDS.some((k) => tokenMatcher(next, k)) && !tokenMatcher(this.LA(2), T.Colon) && !tokenMatcher(this.LA(2), T.Equals);
  }

  /**
   * Whether the next token is a stage whose `->` was forgotten, in the expression of the statement
   * that starts at `statement`: a name (not `name =`) on the same line as the expression's last token,
   * or first on a later line and further right than the statement's first token.
   */
  private missingArrow(statement: IToken): boolean {
    const next = this.LA(1);
    if (next.tokenType !== T.Identifier || tokenMatcher(this.LA(2), T.Equals)) return false;
    const previous = this.LA(0);
    if (previous.endLine === undefined || next.startLine === undefined || !Number.isFinite(previous.startOffset)) return false;
    if (previous.endLine === next.startLine) return true;
    return next.startLine > previous.endLine && (next.startColumn ?? 0) > (statement.startColumn ?? Infinity);
  }

  /** `const h = …`, `var h = …`: a binding written with JavaScript's word for `let`. */
  private atForeignBinder(): boolean {
    const next = this.LA(1);
    return next.tokenType === T.Identifier && FOREIGN_BINDERS.includes(next.image) && this.LA(2).tokenType === T.Identifier && tokenMatcher(this.LA(3), T.Equals);
  }

  /** `h = …` as a statement: a binding whose `let` was forgotten. */
  private atBareBinding(): boolean {
    return this.LA(1).tokenType === T.Identifier && tokenMatcher(this.LA(2), T.Equals);
  }

  /** `return x`: `return` followed, on its line, by what may start an expression. */
  private atReturn(): boolean {
    const next = this.LA(1);
    const after = this.LA(2);
    return (
      next.tokenType === T.Identifier &&
      next.image === "return" &&
      after.startLine === next.endLine &&
      [T.Identifier, T.NumberLiteral, T.StringLiteral, T.LParen, T.LBracket, T.Minus, T.True, T.False].some((t) => tokenMatcher(after, t))
    );
  }

  /**
   * Whether a list item may start here: after the opening bracket or a comma, or (a missing comma,
   * reported later) on the same line as the previous item.
   */
  private itemMayStart(): boolean {
    if (this.atDeclaration()) return false;
    const previous: IToken = this.LA(0);
    if ([T.LParen, T.LBracket, T.Comma].some((t) => tokenMatcher(previous, t))) return true;
    const next = this.LA(1);
    return previous.endLine !== undefined && next.startLine !== undefined && previous.endLine === next.startLine;
  }

  /**
   * Whether a shape left open ends before the next line: it starts with `name ->` or `name =`,
   * which no dimension is (`input x: [4,` and then the pipeline `x -> dense(3)`).
   */
  private statementOnNextLine(): boolean {
    const next = this.LA(1);
    const previous = this.LA(0);
    if (next.tokenType !== T.Identifier || previous.endLine === undefined || next.startLine === undefined || next.startLine <= previous.endLine) return false;
    return tokenMatcher(this.LA(2), T.Arrow) || tokenMatcher(this.LA(2), T.Equals);
  }

  /**
   * `(',' | item)*`, the tolerant inside of a comma-separated list (see the file comment); `ends`
   * tells where a list of this kind cannot go on even after a comma.
   */
  private commaSeparated(item: () => void, ends: () => boolean = () => false): void {
    this.MANY({
      GATE: () => tokenMatcher(this.LA(1), T.Comma) || (this.itemMayStart() && !ends()),
      DEF: () => {
        this.OR([{ ALT: () => this.CONSUME(T.Comma) }, { ALT: item }]);
      },
    });
  }

  /** file := (decl | ';')* — `parse.ts` gives it one declaration at a time (see there). */
  file = this.RULE("file", () => {
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Semicolon) }, { ALT: () => this.SUBRULE(this.decl) }]);
    });
  });

  /** decl := use | block | model | train */
  decl = this.RULE("decl", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.useDecl) },
      { ALT: () => this.SUBRULE(this.blockDecl) },
      { ALT: () => this.SUBRULE(this.modelDecl) },
      { ALT: () => this.SUBRULE(this.trainDecl) },
    ]);
  });

  /** use := 'use' STRING */
  useDecl = this.RULE("useDecl", () => {
    this.CONSUME(T.Use);
    this.CONSUME(T.StringLiteral);
  });

  /** block := 'block' IDENT '(' params? ')' ('->' shapeType)? '{' stmt* '}' */
  blockDecl = this.RULE("blockDecl", () => {
    this.CONSUME(T.Block);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.SUBRULE(this.paramList);
    this.OPTION(() => {
      this.CONSUME(T.Arrow);
      this.SUBRULE(this.shapeType);
    });
    this.SUBRULE(this.body);
  });

  /** model := 'model' IDENT ('(' params? ')')? '{' stmt* '}' */
  modelDecl = this.RULE("modelDecl", () => {
    this.CONSUME(T.Model);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => this.SUBRULE(this.paramList));
    this.SUBRULE(this.body);
  });

  /** '(' params? ')' with params := param (',' param)* ','? */
  paramList = this.RULE("paramList", () => {
    this.CONSUME(T.LParen);
    this.commaSeparated(() => this.SUBRULE(this.param));
    this.CONSUME(T.RParen);
  });

  /** param := IDENT (':' typeRef)? ('=' expr)? */
  param = this.RULE("param", () => {
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.typeRef);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expr);
    });
  });

  /**
   * typeRef := shapeType | IDENT — a name alone is a scalar type (`int`, `activation`, …). A name
   * followed by `->` starts the next statement instead (`input x:` with its shape forgotten).
   */
  typeRef = this.RULE("typeRef", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.shapeType) },
      { GATE: () => !tokenMatcher(this.LA(2), T.Arrow), ALT: () => this.CONSUME(T.Identifier, { LABEL: "scalar" }) },
    ]);
  });

  /**
   * shapeType := IDENT? ('[' dims ']' | tupleShape) with dims := (expr (',' expr)* ','?)? — the name is
   * the dtype (`int32[T]`); parentheses are a slip (`(28, 28, 1)`), reported by the AST builder.
   */
  shapeType = this.RULE("shapeType", () => {
    this.OPTION(() => this.CONSUME(T.Identifier, { LABEL: "dtype" }));
    this.OR2([
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.commaSeparated(() => this.SUBRULE(this.expr), () => this.statementOnNextLine());
          this.CONSUME(T.RBracket);
        },
      },
      { ALT: () => this.SUBRULE(this.tupleShape) },
    ]);
  });

  /** tupleShape := '(' dims ')' — a shape in Python's tuple parentheses, a slip. */
  tupleShape = this.RULE("tupleShape", () => {
    this.CONSUME(T.LParen);
    this.commaSeparated(() => this.SUBRULE(this.expr), () => this.statementOnNextLine());
    this.CONSUME(T.RParen);
  });

  /** '{' (stmt ';'?)* '}' — the body of a block or model. */
  body = this.RULE("body", () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Semicolon) }, { ALT: () => this.SUBRULE(this.stmt) }]);
    });
    this.CONSUME(T.RBrace);
  });

  /** stmt := input | let | output | return | exprStmt */
  stmt = this.RULE("stmt", () => {
    // The statement's first token: a line that starts further right continues its pipeline.
    const first = this.LA(1);
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => this.SUBRULE(this.inputStmt) },
        { GATE: () => tokenMatcher(this.LA(1), T.Let) || this.atForeignBinder() || this.atBareBinding(), ALT: () => this.SUBRULE(this.letStmt, { ARGS: [first] }) },
        { ALT: () => this.SUBRULE(this.outputStmt, { ARGS: [first] }) },
        { GATE: () => this.atReturn(), ALT: () => this.SUBRULE(this.returnStmt, { ARGS: [first] }) },
        { ALT: () => this.SUBRULE(this.expr, { ARGS: [first] }) },
      ],
    });
  });

  /** input := 'input' IDENT (':' | '=') typeRef — `=` is a slip. */
  inputStmt = this.RULE("inputStmt", () => {
    this.CONSUME(T.Input);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OR([{ ALT: () => this.CONSUME(T.Colon) }, { ALT: () => this.CONSUME(T.Equals) }]);
    this.SUBRULE(this.typeRef);
  });

  /** let := ('let' | 'const' | 'var')? IDENT '=' expr — all but `let` are slips (see `stmt`'s gate). */
  letStmt = this.RULE("letStmt", (first?: IToken) => {
    this.OPTION({
      GATE: () => tokenMatcher(this.LA(1), T.Let) || this.atForeignBinder(),
      DEF: () => {
        this.OR([{ ALT: () => this.CONSUME(T.Let) }, { ALT: () => this.CONSUME(T.Identifier, { LABEL: "binder" }) }]);
      },
    });
    this.CONSUME2(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr, { ARGS: [first] });
  });

  /**
   * output := 'output' (IDENT '=' | '=')? expr — `IDENT '='` needs two tokens of lookahead. A lone `=`
   * (`output = x -> dense(3)`, `output` taken for a name) is a slip, read as if it were not there.
   */
  outputStmt = this.RULE("outputStmt", (first?: IToken) => {
    this.CONSUME(T.Output);
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Identifier, { LABEL: "name" });
            this.CONSUME(T.Equals);
          },
        },
        { ALT: () => this.CONSUME2(T.Equals, { LABEL: "strayEquals" }) },
      ]);
    });
    this.SUBRULE(this.expr, { ARGS: [first] });
  });

  /** return := 'return' expr — a slip: the last expression is the result (see `stmt`'s gate). */
  returnStmt = this.RULE("returnStmt", (first?: IToken) => {
    this.CONSUME(T.Identifier, { LABEL: "return" });
    this.SUBRULE(this.expr, { ARGS: [first] });
  });

  /** train := 'train' (IDENT ':')? IDENT ('(' args? ')')? '{' (entry | ';' | ',')* '}' — `,` is a slip. */
  trainDecl = this.RULE("trainDecl", () => {
    this.CONSUME(T.Train);
    this.OPTION(() => {
      this.CONSUME(T.Identifier, { LABEL: "label" });
      this.CONSUME(T.Colon);
    });
    this.CONSUME2(T.Identifier, { LABEL: "model" });
    this.OPTION2(() => this.SUBRULE(this.argList));
    this.CONSUME(T.LBrace);
    this.MANY({
      // A declaration keyword ends a body whose `}` is missing, unless it is a key (`train: …`).
      GATE: () => !this.atDeclaration(),
      DEF: () => {
        // `,` between entries (a JSON habit) is a slip, reported by the AST builder.
        this.OR([{ ALT: () => this.CONSUME(T.Semicolon) }, { ALT: () => this.CONSUME(T.Comma) }, { ALT: () => this.SUBRULE(this.entry) }]);
      },
    });
    this.CONSUME(T.RBrace);
  });

  /** entry := IDENT (':' | '=') expr — any word may be a key; the training checker knows the valid ones. `=` is a slip. */
  entry = this.RULE("entry", () => {
    this.CONSUME(T.AnyName, { LABEL: "key" });
    this.OR([{ ALT: () => this.CONSUME(T.Colon) }, { ALT: () => this.CONSUME(T.Equals) }]);
    this.SUBRULE(this.expr);
  });

  /**
   * expr := additive ('->' stage)* — the pipeline binds loosest: `a + b -> relu` is `(a + b) -> relu`.
   * A statement's expression (given the statement's first token, `statement`) also takes a stage
   * whose `->` is missing (`missingArrow`); inside brackets a second item on the line is a missing `,`
   * instead.
   */
  expr = this.RULE("expr", (statement?: IToken) => {
    this.SUBRULE(this.additive);
    this.MANY({
      GATE: () => tokenMatcher(this.LA(1), T.Arrow) || (statement !== undefined && this.missingArrow(statement)),
      DEF: () => {
        this.OPTION(() => this.CONSUME(T.Arrow));
        this.SUBRULE(this.stage);
      },
    });
  });

  /** stage := (IDENT ':')? IDENT ('(' args? ')')? */
  stage = this.RULE("stage", () => {
    this.OPTION(() => {
      this.CONSUME(T.Identifier, { LABEL: "label" });
      this.CONSUME(T.Colon);
    });
    this.CONSUME2(T.Identifier, { LABEL: "callee" });
    this.OPTION2(() => this.SUBRULE(this.argList));
  });

  /** additive := multiplicative (('+' | '-') multiplicative)* */
  additive = this.RULE("additive", () => {
    this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus, { LABEL: "op" }) }, { ALT: () => this.CONSUME(T.Minus, { LABEL: "op" }) }]);
      this.SUBRULE2(this.multiplicative);
    });
  });

  /** multiplicative := unary (('*' | '/') unary)* */
  multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Star, { LABEL: "op" }) }, { ALT: () => this.CONSUME(T.Slash, { LABEL: "op" }) }]);
      this.SUBRULE2(this.unary);
    });
  });

  /** unary := '-' unary | primary — written as `'-'* primary`, so a run of minus signs costs no stack. */
  unary = this.RULE("unary", () => {
    this.MANY(() => this.CONSUME(T.Minus));
    this.SUBRULE(this.primary);
  });

  /** primary := NUMBER | STRING | 'true' | 'false' | IDENT ('(' args? ')')? | '(' expr ')' | list */
  primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      {
        ALT: () => {
          this.CONSUME(T.Identifier);
          this.OPTION(() => this.SUBRULE(this.argList));
        },
      },
      { ALT: () => this.SUBRULE(this.paren) },
      { ALT: () => this.SUBRULE(this.list) },
    ]);
  });

  /** paren := '(' expr (',' expr?)* ')' — with a comma it is a tuple, a slip for a list (`(28, 28, 1)`). */
  paren = this.RULE("paren", () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expr);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.OPTION(() => this.SUBRULE2(this.expr));
    });
    this.CONSUME(T.RParen);
  });

  /** list := '[' (expr (',' expr)* ','?)? ']' */
  list = this.RULE("list", () => {
    this.CONSUME(T.LBracket);
    this.commaSeparated(() => this.SUBRULE(this.expr));
    this.CONSUME(T.RBracket);
  });

  /** '(' args? ')' with args := arg (',' arg)* ','? */
  argList = this.RULE("argList", () => {
    this.CONSUME(T.LParen);
    this.commaSeparated(() => this.SUBRULE(this.arg));
    this.CONSUME(T.RParen);
  });

  /** arg := (IDENT (':' | '='))? expr — the name may be a keyword (`mnist(train: 50000)`); `=` is a slip. */
  arg = this.RULE("arg", () => {
    this.OPTION(() => {
      this.CONSUME(T.AnyName, { LABEL: "name" });
      this.OR([{ ALT: () => this.CONSUME(T.Colon) }, { ALT: () => this.CONSUME(T.Equals) }]);
    });
    this.SUBRULE(this.expr);
  });
}

/** JavaScript's words for a binding, met as `const h = …`. */
const FOREIGN_BINDERS: readonly string[] = ["const", "var"];

/** Built once: Chevrotain's self-analysis is the expensive part. `parse.ts` resets it per input. */
export const parser = new NnParser();
