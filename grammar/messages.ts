/**
 * Syntax error messages in plain words. Chevrotain asks this provider for a message whenever the
 * parser meets a token it cannot use; the answer names what was expected the way a user writes it
 * ("expected `]` to close the shape opened at line 2, found `x`"), never a token-type name.
 *
 * To say which bracket a missing closer would close, the provider needs the token stream of the
 * parse in progress: `parse.ts` sets it with `withTokens` around the call into the parser. The
 * bracket table is built in one pass, so every message costs O(log n).
 */
import type { IParserErrorMessageProvider, IToken, TokenType } from "chevrotain";
import { LineMap } from "./positions.js";
import * as T from "./tokens.js";

const DECLARATION = "a declaration (`model`, `block`, `train` or `use`)";

/** What each rule stands for, when the parser could not pick an alternative in it. */
const RULE_WORDS: Record<string, string> = {
  file: DECLARATION,
  decl: DECLARATION,
  stmt: "a statement (`input`, `let`, `output` or an expression)",
  typeRef: "a type such as `int` or a shape such as `[28, 28, 1]`",
  shapeType: "a shape such as `[28, 28, 1]`",
  expr: "an expression",
  additive: "an expression",
  multiplicative: "an expression",
  unary: "an expression",
  primary: "an expression",
};

/** What a missing name would have named, by the rule that wanted it. */
const NAME_WORDS: Record<string, string> = {
  modelDecl: "a name for the model",
  blockDecl: "a name for the block",
  trainDecl: "the name of the model to train",
  stage: "a layer or block name",
  param: "a parameter name",
  inputStmt: "a name for the input",
  letStmt: "a name for the binding",
};

type Bracket = "(" | "[" | "{";
const BRACKETS: readonly Bracket[] = ["(", "[", "{"];

/** The opener of a closing bracket (`)` → `(`), undefined for anything else. */
function openerOf(image: string): Bracket | undefined {
  return image === ")" ? "(" : image === "]" ? "[" : image === "}" ? "{" : undefined;
}

/**
 * How deep brackets may nest. The parser and the AST builder recurse once per level, so a deeper
 * file (which no one writes by hand) would exhaust the stack; it is reported and cut off instead.
 * Measured on Node 20's default stack, Chevrotain's parser runs out at about 230 nested calls
 * (`f(f(…))`), 310 parentheses and 400 lists: 64 leaves a margin of more than three.
 */
export const MAX_NESTING = 64;

/** The token stream of one parse, with each token's innermost unclosed brackets. */
export class TokenContext {
  readonly lines: LineMap;
  /** The help line of each message given during this parse (a message always gets the same help). */
  readonly helps = new Map<string, string>();
  /** The index of the first opening bracket nested more than `MAX_NESTING` deep, or -1. */
  readonly tooDeep: number = -1;
  /**
   * When brackets nest too deep, the index of the bracket that opens the group holding them: the
   * second-outermost bracket still open there (the outermost is the declaration's body or parameters).
   */
  readonly tooDeepGroup: number = -1;
  /** The bracket tables, built the first time a message needs them: most parses give no message. */
  private tables?: BracketTables;

  constructor(
    readonly tokens: readonly IToken[],
    text: string,
  ) {
    this.lines = new LineMap(text);
    const open: number[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const image = tokens[i].image;
      if (image === "(" || image === "[" || image === "{") {
        open.push(i);
        if (open.length > MAX_NESTING) {
          this.tooDeep = i;
          this.tooDeepGroup = open[1];
          break;
        }
      } else if (openerOf(image)) open.pop();
    }
  }

  private get bracketTables(): BracketTables {
    this.tables ??= bracketTables(this.tokens);
    return this.tables;
  }

  /**
   * The token that follows the declaration being parsed (`parse.ts` parses one at a time), or
   * undefined for the last one: the parser's "end of input" is really this token.
   */
  chunkEnd: IToken | undefined;

  /** The index of a token of the stream; for EOF or an inserted token, where the parsed input ends. */
  indexOf(token: IToken): number {
    if (!Number.isFinite(token.startOffset) || token.tokenType.name === "EOF") {
      return this.chunkEnd ? this.indexOf(this.chunkEnd) : this.tokens.length;
    }
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid].startOffset < token.startOffset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The opener that a closer expected at `token` would close, if one is open. */
  openerBefore(token: IToken, closer: string): number {
    const kind = openerOf(closer);
    return kind ? this.bracketTables.openBefore[kind][this.indexOf(token)] : -1;
  }

  /** `model \`M\``, `block \`B\``, `training \`t\`` for the declaration a `{` opens. */
  declarationOf(braceIndex: number): string | undefined {
    const kw = this.bracketTables.declOfBrace.get(braceIndex);
    if (kw === undefined) return undefined;
    const word = this.tokens[kw].image;
    const name = this.tokens[kw + 1];
    const named = name && name.tokenType === T.Identifier ? ` \`${name.image}\`` : "";
    return word === "train" ? `training${named}` : `${word}${named}`;
  }

  lineOf(index: number): number {
    return this.lines.position(this.tokens[index].startOffset).line;
  }
}

interface BracketTables {
  /** For each bracket kind and token index: the innermost opener still open before that token, or -1. */
  readonly openBefore: Record<Bracket, Int32Array>;
  /** For each `{`: the index of the declaration keyword it belongs to. */
  readonly declOfBrace: Map<number, number>;
}

/** The innermost open bracket of each kind before every token, in one pass. */
function bracketTables(tokens: readonly IToken[]): BracketTables {
  const n = tokens.length;
  const openBefore: Record<Bracket, Int32Array> = { "(": new Int32Array(n + 1), "[": new Int32Array(n + 1), "{": new Int32Array(n + 1) };
  const declOfBrace = new Map<number, number>();
  const stacks: Record<Bracket, number[]> = { "(": [], "[": [], "{": [] };
  let lastDecl = -1;
  for (let i = 0; i <= n; i++) {
    for (const b of BRACKETS) openBefore[b][i] = stacks[b].length ? stacks[b][stacks[b].length - 1] : -1;
    if (i === n) break;
    const image = tokens[i].image;
    if (T.DECLARATION_KEYWORDS.includes(tokens[i].tokenType)) lastDecl = i;
    if (image === "(" || image === "[" || image === "{") {
      stacks[image].push(i);
      if (image === "{" && lastDecl >= 0) declOfBrace.set(i, lastDecl);
    } else {
      const kind = openerOf(image);
      if (kind) stacks[kind].pop();
    }
  }
  return { openBefore, declOfBrace };
}

let context: TokenContext | undefined;

/** Runs `parse` with `tokens` as the stream the messages talk about. */
export function withTokens<R>(tokens: TokenContext, parse: () => R): R {
  context = tokens;
  try {
    return parse();
  } finally {
    context = undefined;
  }
}

/** `x` as a message quotes it: `` `x` ``, or "the end of the file". */
export function describeToken(token: IToken): string {
  if (token.tokenType.name === "EOF" || !Number.isFinite(token.startOffset)) return "the end of the file";
  const image = token.image.length > 24 ? `${token.image.slice(0, 24)}…` : token.image;
  return `\`${image}\``;
}

/** The token the parser found, as a message quotes it: the end of the input is the next declaration. */
function describeFound(token: IToken): string {
  const end = token.tokenType.name === "EOF" || !Number.isFinite(token.startOffset);
  return describeToken(end && context?.chunkEnd ? context.chunkEnd : token);
}

/** A token type the way a user writes it: `` `]` ``, `a name`, `a number`. */
function describeType(type: TokenType): string {
  if (type.name === "EOF") return "the end of the file";
  return typeof type.LABEL === "string" ? type.LABEL : type.name;
}

function startsDeclaration(token: IToken): boolean {
  return T.DECLARATION_KEYWORDS.includes(token.tokenType) || token.tokenType.name === "EOF";
}

/** "the shape opened at line 2" and the like, for the opener of a missing closer. */
function whatIsOpen(opener: number, ruleName: string, tokens: TokenContext): string {
  const before = tokens.tokens[opener - 1];
  const named = before && before.tokenType === T.Identifier ? ` of \`${before.image}\`` : "";
  let what: string;
  switch (ruleName) {
    case "shapeType":
    case "tupleShape":
      what = "the shape";
      break;
    case "list":
      what = "the list";
      break;
    case "argList":
      what = `the arguments${named}`;
      break;
    case "paramList":
      what = `the parameters${named}`;
      break;
    case "paren":
      what = "the parenthesis";
      break;
    default: {
      const decl = tokens.tokens[opener].image === "{" ? tokens.declarationOf(opener) : undefined;
      what = decl ? `the body of ${decl}` : `the \`${tokens.tokens[opener].image}\``;
    }
  }
  return `${what} opened at line ${tokens.lineOf(opener)}`;
}

/** Remembers the help line that goes with `message`, for `parse.ts` to attach. */
function withHelp(message: string, help: string): string {
  context?.helps.set(message, help);
  return message;
}

function notADeclaration(found: IToken): string {
  const message = `expected ${DECLARATION}, found ${describeFound(found)}`;
  return found.image === "}" ? withHelp(message, "this `}` closes nothing: remove it") : message;
}

function mismatch(expected: TokenType, actual: IToken, ruleName: string): string {
  const found = describeFound(actual);
  if (expected.name === "EOF") return notADeclaration(actual);
  if (expected === T.Identifier && NAME_WORDS[ruleName]) return `expected ${NAME_WORDS[ruleName]}, found ${found}`;
  if (expected === T.LBracket && ruleName === "shapeType") return `expected a shape such as \`[28, 28, 1]\`, found ${found}`;
  if (expected === T.LParen && ruleName === "paramList") return `expected \`(\` and the block's parameters, found ${found}`;
  const want = describeType(expected);
  if (expected === T.RBrace && !startsDeclaration(actual)) {
    // Something the body cannot hold, rather than a forgotten `}`.
    if (ruleName === "body") return `expected a statement or \`}\`, found ${found}`;
    if (ruleName === "trainDecl") return `expected a training entry such as \`epochs: 10\`, or \`}\`, found ${found}`;
  }
  const closer = expected === T.RParen ? ")" : expected === T.RBracket ? "]" : expected === T.RBrace ? "}" : undefined;
  if (closer && context) {
    const opener = context.openerBefore(actual, closer);
    if (opener >= 0) return withHelp(`expected ${want} to close ${whatIsOpen(opener, ruleName, context)}, found ${found}`, `add ${want}`);
  }
  return `expected ${want}, found ${found}`;
}

/** The messages of every syntax error, in plain words. */
export const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    return mismatch(expected, actual, ruleName);
  },

  buildNotAllInputParsedMessage({ firstRedundant }) {
    return notADeclaration(firstRedundant);
  },

  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const words = RULE_WORDS[ruleName] ?? alternatives(expectedPathsPerAlt);
    return `expected ${words}, found ${describeFound(actual[0])}`;
  },

  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const words = RULE_WORDS[ruleName] ?? alternatives([expectedIterationPaths]);
    return `expected ${words}, found ${describeFound(actual[0])}`;
  },
};

/** "`a`, `b` or `c`" from the first tokens of the alternatives the parser could have taken. */
function alternatives(paths: TokenType[][][]): string {
  const firsts = new Set<string>();
  for (const alt of paths) for (const path of alt) if (path[0]) firsts.add(describeType(path[0]));
  const all = [...firsts];
  if (all.length === 0) return "something else";
  return all.length === 1 ? all[0] : `${all.slice(0, -1).join(", ")} or ${all[all.length - 1]}`;
}
