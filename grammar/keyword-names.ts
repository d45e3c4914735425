/**
 * Keywords written where a name goes: `let train = x -> dense(2)`, `input model: [4]`, `output
 * output = …`, `block B(x, model: int)`, `-> input: dense(3)`. The parser would take such a word for
 * the declaration or statement it starts, and its recovery would tear the statement apart (a training
 * made of `train = x`, an unknown model `x`, an input reported unused). So before parsing, a keyword
 * in a place where only a name can stand is made a name token and reported once, as a slip
 * (`slips.ts`): the rest of the file is read as if it had been given another name.
 *
 * Inside the same declaration, a later use of such a word where a value can stand (`train` alone
 * as the model's result, `train -> relu`) is read as that name too, and says nothing more: the
 * declaration's diagnostic already asks for a new name. A keyword in a body that names nothing and
 * can begin nothing there (`x -> model`) is one diagnostic too, and read as a name left out.
 *
 * The places are told from the tokens around the keyword and the declaration it stands in, in one
 * pass that starts afresh wherever `parse.ts` starts a declaration, so that a declaration kept by
 * `reparse` reads as a fresh parse would read it.
 */
import type { IToken, TokenType } from "chevrotain";
import { createTokenInstance, tokenMatcher } from "./chevrotain.js";
import type { KeywordPlace } from "./slips.js";
import * as T from "./tokens.js";

/** A keyword read as a name: the token as written and what it names. */
export interface KeywordName {
  readonly token: IToken;
  readonly place: KeywordPlace;
}

export interface KeywordNames {
  /** The tokens, each keyword read as a name replaced by an identifier with the same text and position. */
  readonly tokens: IToken[];
  /** The keywords written where a name is declared, in order; each is one diagnostic. */
  readonly declared: readonly KeywordName[];
  /** The keywords used as names that name nothing (`x -> model`); each is one diagnostic, and a hole. */
  readonly misplaced: readonly IToken[];
}

const KEYWORD_TYPES: readonly TokenType[] = [T.Use, T.Block, T.Model, T.Train, T.Input, T.Output, T.Let, T.True, T.False];
/** Keywords a bare binding (`model = …`, with `let` forgotten) may be named with; `let =`, `input =` and `output =` mean something else. */
const BARE_BINDING_NAMES: readonly TokenType[] = [T.Use, T.Block, T.Model, T.Train, T.True, T.False];
/** What comes before a value: a statement keyword after one of these is not beginning a statement. */
const BEFORE_VALUE: readonly TokenType[] = [T.Arrow, T.Equals, T.Colon, T.LParen, T.LBracket, T.Comma, T.Plus, T.Minus, T.Star, T.Slash];
/** What may start an expression: after `output`, such a token makes it the statement, not a name. */
const EXPRESSION_STARTS: readonly TokenType[] = [T.AnyName, T.NumberLiteral, T.StringLiteral, T.LParen, T.LBracket, T.Minus];
/** JavaScript's words for `let` (`const h = …`, a slip of its own). */
const FOREIGN_BINDERS: readonly string[] = ["const", "var"];

const is = (token: IToken | undefined, type: TokenType): boolean => token !== undefined && tokenMatcher(token, type);
const isAny = (token: IToken | undefined, types: readonly TokenType[]): boolean => token !== undefined && types.some((t) => tokenMatcher(token, t));
const sameLine = (a: IToken, b: IToken | undefined): boolean => b !== undefined && a.endLine === b.startLine;

/**
 * Whether the token at `i` starts a declaration; `parse.ts` splits the file there. A declaration
 * keyword does, unless a `:` or `=` follows (`train: 50000`, `model = …`); inside a body still open
 * (`open` braces since the last declaration began), only when what follows it on its line can
 * begin a declaration (`model N`, `use "a.nn"`, `model {`): a `}` left out must not hide the next
 * declaration, but `x -> model` or `train` alone are words of the body, for its parse to report.
 */
export function startsDeclaration(tokens: readonly IToken[], i: number, open: number): boolean {
  if (!T.DECLARATION_KEYWORDS.includes(tokens[i].tokenType)) return false;
  const next: IToken | undefined = tokens[i + 1];
  if (is(next, T.Colon) || is(next, T.Equals)) return false;
  return open <= 0 || declarationHead(tokens[i], next);
}

/** Whether `next` may follow a declaration keyword on its line: a name, a string, `{` or `(`. */
function declarationHead(keyword: IToken, next: IToken | undefined): boolean {
  return sameLine(keyword, next) && isAny(next, [T.AnyName, T.StringLiteral, T.LBrace, T.LParen]);
}

/** The keywords of `tokens` that stand where a name goes, and the tokens with those read as names. */
export function keywordNames(tokens: readonly IToken[]): KeywordNames {
  const declared: KeywordName[] = [];
  const misplaced: IToken[] = [];
  let out: IToken[] | undefined;
  /**
   * Makes the keyword at `i` a name token. A `hole` is marked as inserted, as recovery marks what it
   * makes up: the parser reads a name there, the AST builder leaves the name out (it names nothing),
   * and the checker, which is silent about what is left out, says nothing more about it.
   */
  const asName = (i: number, hole = false): void => {
    out ??= tokens.slice();
    const t = tokens[i];
    const name = createTokenInstance(T.Identifier, t.image, t.startOffset, t.endOffset ?? t.startOffset, t.startLine ?? NaN, t.endLine ?? NaN, t.startColumn ?? NaN, t.endColumn ?? NaN);
    if (hole) name.isInsertedInRecovery = true;
    out[i] = name;
  };

  // Where the scan is: the current declaration's keyword, its braces and brackets, and the words it
  // has declared as names so far (a declaration starts afresh).
  let declaration: TokenType | undefined;
  let declarationAt = -1;
  let braces = 0;
  let brackets = 0;
  let parameters = false;
  const names = new Set<string>();

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const next: IToken | undefined = tokens[i + 1];
    const keyword = KEYWORD_TYPES.includes(t.tokenType);
    const place = keyword ? declaringPlace(i) : undefined;
    if (place) {
      asName(i);
      declared.push({ token: t, place });
      if (place !== "layer" && place !== "model" && place !== "block") names.add(t.image);
    } else if (keyword && names.has(t.image) && usedAsValue(t, next)) {
      asName(i);
    } else if (keyword && misplacedInBody(i)) {
      asName(i, true);
      misplaced.push(t);
    } else if (startsDeclaration(tokens, i, braces)) {
      declaration = t.tokenType;
      declarationAt = i;
      braces = 0;
      brackets = 0;
      parameters = false;
      names.clear();
    } else if (is(t, T.LBrace)) braces++;
    else if (is(t, T.RBrace)) braces = Math.max(0, braces - 1);
    else if (is(t, T.LParen) || is(t, T.LBracket)) {
      // The parameters of a model or block: the first parenthesis after its name, before its body.
      if (brackets === 0 && braces === 0 && (declaration === T.Model || declaration === T.Block) && i === declarationAt + 2) parameters = true;
      brackets++;
    } else if (is(t, T.RParen) || is(t, T.RBracket)) {
      brackets = Math.max(0, brackets - 1);
      if (brackets === 0) parameters = false;
    }
  }
  return { tokens: out ?? (tokens as IToken[]), declared, misplaced };

  /**
   * Whether the keyword at `i`, inside a model's or block's body, can do nothing it is for: a
   * declaration keyword that starts no declaration (`x -> model`, `train` alone), or `input`, `let`
   * or `output` where a value goes and nothing follows that they could begin (`x -> output`). At the
   * start of a statement they are left to the parser (`output }` lacks its expression).
   */
  function misplacedInBody(i: number): boolean {
    if ((declaration !== T.Model && declaration !== T.Block) || braces === 0) return false;
    const t = tokens[i];
    const next: IToken | undefined = tokens[i + 1];
    if (is(next, T.Colon) || is(next, T.Equals)) return false;
    if (T.DECLARATION_KEYWORDS.includes(t.tokenType)) return !startsDeclaration(tokens, i, braces);
    if (!isAny(tokens[i - 1], BEFORE_VALUE)) return false;
    if (is(t, T.Output)) return !isAny(next, EXPRESSION_STARTS);
    // `input NAME:` and `let NAME =` are what these begin.
    const after = tokens[i + 2];
    if (is(t, T.Input)) return !(is(next, T.AnyName) && (is(after, T.Colon) || is(after, T.Equals)));
    return is(t, T.Let) && !(is(next, T.AnyName) && is(after, T.Equals));
  }

  /** What the keyword at `i` would name, if only a name can stand there. */
  function declaringPlace(i: number): KeywordPlace | undefined {
    const t = tokens[i];
    const previous: IToken | undefined = tokens[i - 1];
    const next: IToken | undefined = tokens[i + 1];
    if (is(previous, T.Let) && is(next, T.Equals)) return "binding";
    if (is(previous, T.Identifier) && FOREIGN_BINDERS.includes(previous.image) && is(next, T.Equals) && atStatementStart(i - 1)) return "binding";
    if (is(previous, T.Input) && (is(next, T.Colon) || is(next, T.Equals))) return "input";
    if (is(previous, T.Output) && is(next, T.Equals)) return "output";
    if (is(previous, T.Arrow) && is(next, T.Colon)) return "layer";
    if (parameters && brackets === 1 && (is(previous, T.LParen) || is(previous, T.Comma)) && isAny(next, [T.Colon, T.Equals, T.Comma, T.RParen])) return "parameter";
    // `model train {`: the name of the declaration whose keyword comes just before.
    if (i === declarationAt + 1 && (declaration === T.Model || declaration === T.Block) && (is(next, T.LBrace) || is(next, T.LParen))) {
      return declaration === T.Model ? "model" : "block";
    }
    if (BARE_BINDING_NAMES.includes(t.tokenType) && is(next, T.Equals) && atStatementStart(i)) return "binding";
    return undefined;
  }

  /** Whether the token at `index` starts a statement of a model's or block's body. */
  function atStatementStart(index: number): boolean {
    if ((declaration !== T.Model && declaration !== T.Block) || braces === 0 || brackets > 0) return false;
    const before = tokens[index - 1];
    return before === undefined || is(before, T.LBrace) || is(before, T.Semicolon) || !sameLine(before, tokens[index]);
  }
}

/**
 * Whether a keyword that the declaration has used as a name stands for that name here, rather than
 * starting what it usually starts: not before `:` or `=` (a key, an argument or a new name), not
 * `input y` or `let y` (statements), not `output` before an expression, not `model N` (a declaration).
 */
function usedAsValue(t: IToken, next: IToken | undefined): boolean {
  if (is(next, T.Colon) || is(next, T.Equals)) return false;
  if (is(t, T.True) || is(t, T.False)) return false;
  if (is(t, T.Output)) return !isAny(next, EXPRESSION_STARTS);
  // `input y: …`, `let y = …`, `model N {`: what the keyword begins.
  return !declarationHead(t, next);
}
