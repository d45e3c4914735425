/**
 * The `.nn` grammar as a Chevrotain CST parser with error recovery enabled: a syntax error is
 * recorded and the parser resynchronises (at the next statement, entry or declaration), so one file
 * reports all of its syntax errors and the rest of it is still checked. Semantics stay out of the
 * grammar: `build-ast.ts` turns the CST into the AST.
 */
import type { CstNode } from "chevrotain";
import { CstParser } from "./chevrotain.js";
import * as T from "./tokens.js";

export class NnParser extends CstParser {
  constructor() {
    super(T.ALL_TOKENS, { recoveryEnabled: true, maxLookahead: 3, nodeLocationTracking: "full" });
    this.performSelfAnalysis();
  }

  /** file := decl* */
  file = this.RULE("file", () => {
    this.MANY(() => this.SUBRULE(this.decl));
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
    this.CONSUME(T.Identifier);
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
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.paramList));
    this.SUBRULE(this.body);
  });

  /** params := '(' (param (',' param)* ','?)? ')' */
  paramList = this.RULE("paramList", () => {
    this.CONSUME(T.LParen);
    this.MANY(() => {
      this.SUBRULE(this.param);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RParen);
  });

  /** param := IDENT (':' typeRef)? ('=' expr)? */
  param = this.RULE("param", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.typeRef);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expr);
    });
  });

  /** typeRef := shapeType | IDENT */
  typeRef = this.RULE("typeRef", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.shapeType) },
      { ALT: () => this.CONSUME(T.Identifier) },
    ]);
  });

  /** shapeType := IDENT? '[' (expr (',' expr)* ','?)? ']' */
  shapeType = this.RULE("shapeType", () => {
    this.OPTION(() => this.CONSUME(T.Identifier));
    this.SUBRULE(this.list);
  });

  /** body := '{' (stmt ';'?)* '}' */
  body = this.RULE("body", () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Semicolon) }, { ALT: () => this.SUBRULE(this.stmt) }]);
    });
    this.CONSUME(T.RBrace);
  });

  /** stmt := input | let | output | expr */
  stmt = this.RULE("stmt", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.inputStmt) },
      { ALT: () => this.SUBRULE(this.letStmt) },
      { ALT: () => this.SUBRULE(this.outputStmt) },
      { ALT: () => this.SUBRULE(this.expr) },
    ]);
  });

  /** input := 'input' IDENT ':' typeRef */
  inputStmt = this.RULE("inputStmt", () => {
    this.CONSUME(T.Input);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeRef);
  });

  /** let := 'let' IDENT '=' expr */
  letStmt = this.RULE("letStmt", () => {
    this.CONSUME(T.Let);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  /** output := 'output' (IDENT '=')? expr */
  outputStmt = this.RULE("outputStmt", () => {
    this.CONSUME(T.Output);
    this.OPTION(() => {
      this.CONSUME(T.Identifier);
      this.CONSUME(T.Equals);
    });
    this.SUBRULE(this.expr);
  });

  /** train := 'train' (IDENT ':')? IDENT ('(' args? ')')? '{' (entry ';'?)* '}' */
  trainDecl = this.RULE("trainDecl", () => {
    this.CONSUME(T.Train);
    this.OPTION(() => {
      this.CONSUME(T.Identifier, { LABEL: "label" });
      this.CONSUME(T.Colon);
    });
    this.CONSUME2(T.Identifier, { LABEL: "model" });
    this.OPTION2(() => this.SUBRULE(this.argList));
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Semicolon) }, { ALT: () => this.SUBRULE(this.entry) }]);
    });
    this.CONSUME(T.RBrace);
  });

  /** entry := IDENT ':' expr */
  entry = this.RULE("entry", () => {
    this.CONSUME(T.AnyName);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expr);
  });

  /** expr := additive ('->' stage)* — the pipeline binds loosest. */
  expr = this.RULE("expr", () => {
    this.SUBRULE(this.additive);
    this.MANY(() => {
      this.CONSUME(T.Arrow);
      this.SUBRULE(this.stage);
    });
  });

  /** stage := (IDENT ':')? IDENT argList? */
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
      this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      this.SUBRULE2(this.multiplicative);
    });
  });

  /** multiplicative := unary (('*' | '/') unary)* */
  multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }]);
      this.SUBRULE2(this.unary);
    });
  });

  /** unary := '-' unary | primary */
  unary = this.RULE("unary", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  /** primary := NUMBER | STRING | 'true' | 'false' | IDENT argList? | '(' expr ')' | list */
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
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expr);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.list) },
    ]);
  });

  /** list := '[' (expr (',' expr)* ','?)? ']' — a missing `]` is reported at the token after the last item. */
  list = this.RULE("list", () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expr);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.OPTION2(() => this.SUBRULE2(this.expr));
      });
    });
    this.CONSUME(T.RBracket);
  });

  /**
   * argList := '(' (arg (',' arg)* ','?)? ')'. Written as a tolerant repetition so that a stray
   * or missing comma is reported by the AST builder and the arguments around it are kept.
   */
  argList = this.RULE("argList", () => {
    this.CONSUME(T.LParen);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Comma) }, { ALT: () => this.SUBRULE(this.arg) }]);
    });
    this.CONSUME(T.RParen);
  });

  /** arg := (IDENT ':')? expr */
  arg = this.RULE("arg", () => {
    this.OPTION(() => {
      this.CONSUME(T.AnyName, { LABEL: "name" });
      this.CONSUME(T.Colon);
    });
    this.SUBRULE(this.expr);
  });
}

/** Built once: Chevrotain's self-analysis is the expensive part. */
export const parser = new NnParser();

export type { CstNode };
