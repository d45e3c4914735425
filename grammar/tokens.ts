/**
 * The tokens of the `.nn` language and its lexer.
 *
 * Keywords come before `Identifier` and use `longer_alt`, so `models` is an identifier and `model` a
 * keyword. Comments are kept in the `comments` group: the formatter and the doc-comment attachment
 * read them, the parser never sees them. An unterminated string or block comment is a token of its
 * own (reported as E002 by `parse.ts`), so lexing never stops early; an unknown character is skipped
 * by Chevrotain's lexer recovery and reported as E002 as well. Python's `# comment` and `'string'` are
 * tokens too (a comment and a string), so that each is one E002 with a fix (`slips.ts`) rather than a
 * bad character followed by words the parser would trip over.
 *
 * Every pattern is a plain left-to-right regular expression with no nested quantifiers, so lexing is
 * linear in the length of the text.
 */
import type { TokenType } from "chevrotain";
import { createToken, Lexer } from "./chevrotain.js";

/** Any word, keyword or not: argument names may be keywords (`mnist(train: 50000)`). */
export const AnyName = createToken({ name: "AnyName", pattern: Lexer.NA, label: "a name" });

export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [AnyName],
  label: "a name",
});

/** The words of the language, in the order the brief lists them. */
export const KEYWORDS = ["use", "block", "model", "train", "input", "output", "let", "true", "false"] as const;
export type Keyword = (typeof KEYWORDS)[number];

const keyword = (word: Keyword): TokenType =>
  createToken({
    name: `Kw_${word}`,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [AnyName],
    label: `\`${word}\``,
  });

export const Use = keyword("use");
export const Block = keyword("block");
export const Model = keyword("model");
export const Train = keyword("train");
export const Input = keyword("input");
export const Output = keyword("output");
export const Let = keyword("let");
export const True = keyword("true");
export const False = keyword("false");

/** The keywords that start a declaration: recovery resynchronises at them. */
export const DECLARATION_KEYWORDS: readonly TokenType[] = [Use, Block, Model, Train];

/**
 * `10`, `0.5`, `1e-3`, `60_000`: a leading digit is required (`.5` is `DotNumber`, a slip). Underscores go
 * between two digits, one at a time; the pattern still takes `1__0` and `1_` as one number so that a
 * misplaced underscore is one E002 at the number (`parse.ts`, `numberFormProblem`) rather than a
 * number followed by a name.
 */
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d[\d_]*)?/,
  label: "a number",
});

/**
 * `.5`: a number with its leading digit left out, as Python allows. A number to the parser (it is in
 * the `NumberLiteral` category) with the value it would have with the `0`; `parse.ts` reports it.
 */
export const DotNumber = createToken({
  name: "DotNumber",
  pattern: /\.\d[\d_]*(?:[eE][+-]?\d[\d_]*)?/,
  categories: [NumberLiteral],
  label: "a number",
});

/** `"..."` on one line, with the escapes `\"`, `\\`, `\n` and `\t`. */
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/,
  label: "a string",
});

/**
 * A string that reaches the end of its line (or of the file) without a closing quote. It belongs to
 * the `StringLiteral` category, so the parser takes it as a string and goes on after it.
 */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/,
  categories: [StringLiteral],
  label: "a string",
});

/** `'...'` on one line: a slip for `"..."` (E002 in `parse.ts`), parsed as a string. */
export const SingleQuotedString = createToken({
  name: "SingleQuotedString",
  pattern: /'(?:[^'\\\r\n]|\\[^\r\n])*'/,
  categories: [StringLiteral],
  label: "a string",
});

/**
 * `'...` reaching the end of its line: like `UnterminatedString`, a string to the parser (reported as
 * E002). Without it, a `'` typed before another on the line would pair with it, unseen by `relex`.
 */
export const UnterminatedSingleQuotedString = createToken({
  name: "UnterminatedSingleQuotedString",
  pattern: /'(?:[^'\\\r\n]|\\[^\r\n])*\\?/,
  categories: [StringLiteral],
  label: "a string",
});

export const DocComment = createToken({ name: "DocComment", pattern: /\/\/\/[^\r\n]*/, group: "comments" });
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\r\n]*/, group: "comments" });
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[\s\S]*?\*\//,
  group: "comments",
  line_breaks: true,
});
/** `# ...`: a Python comment, a slip for `//` (E002 in `parse.ts`). */
export const HashComment = createToken({ name: "HashComment", pattern: /#[^\r\n]*/, group: "comments" });
/** `/*` with no closing `*\/`: it runs to the end of the file. */
export const UnterminatedComment = createToken({
  name: "UnterminatedComment",
  pattern: /\/\*[\s\S]*/,
  group: "comments",
  line_breaks: true,
});

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

const punct = (name: string, text: string): TokenType =>
  createToken({ name, pattern: new RegExp(text.replace(/[-[\]{}()*+?.,\\^$|#/]/g, "\\$&")), label: `\`${text}\`` });

export const Arrow = punct("Arrow", "->");
export const LParen = punct("LParen", "(");
export const RParen = punct("RParen", ")");
export const LBracket = punct("LBracket", "[");
export const RBracket = punct("RBracket", "]");
export const LBrace = punct("LBrace", "{");
export const RBrace = punct("RBrace", "}");
export const Comma = punct("Comma", ",");
export const Colon = punct("Colon", ":");
export const Semicolon = punct("Semicolon", ";");
export const Equals = punct("Equals", "=");
export const Plus = punct("Plus", "+");
export const Minus = punct("Minus", "-");
export const Star = punct("Star", "*");
export const Slash = punct("Slash", "/");

/** Every token, in matching order: comments before `/`, `->` before `-`, keywords before names. */
export const ALL_TOKENS: TokenType[] = [
  AnyName,
  WhiteSpace,
  DocComment,
  LineComment,
  BlockComment,
  UnterminatedComment,
  HashComment,
  Arrow,
  StringLiteral,
  UnterminatedString,
  SingleQuotedString,
  UnterminatedSingleQuotedString,
  NumberLiteral,
  DotNumber,
  Use,
  Block,
  Model,
  Train,
  Input,
  Output,
  Let,
  True,
  False,
  Identifier,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Colon,
  Semicolon,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
];

/** Built once; `tokenize` keeps no state between calls. */
export const NnLexer = new Lexer(ALL_TOKENS, { positionTracking: "full", ensureOptimizations: true });
