/**
 * The tokens of the `.nn` language. Keywords come before `Identifier` and use `longer_alt`, so
 * `models` is an identifier and `model` a keyword. Comments are kept in the `comments` group for the
 * formatter and for doc comments; the parser never sees them. Unterminated strings and comments are
 * tokens of their own, reported as E002 by `parse.ts`.
 */
import type { TokenType } from "chevrotain";
import { createToken, Lexer } from "./chevrotain.js";

/** Any word, keyword or not: argument names and training keys may be keywords (`mnist(train: …)`). */
export const AnyName = createToken({ name: "AnyName", pattern: Lexer.NA, label: "a name" });

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [AnyName], label: "a name" });

const keyword = (word: string): TokenType =>
  createToken({ name: `Kw_${word}`, pattern: new RegExp(word), longer_alt: Identifier, categories: [AnyName], label: `\`${word}\`` });

export const Use = keyword("use");
export const Block = keyword("block");
export const Model = keyword("model");
export const Train = keyword("train");
export const Input = keyword("input");
export const Output = keyword("output");
export const Let = keyword("let");
export const True = keyword("true");
export const False = keyword("false");

export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?/,
  label: "a number",
});
export const StringLiteral = createToken({ name: "StringLiteral", pattern: /"(?:[^"\\\n]|\\.)*"/, label: "a string" });
/** A string that reaches the end of its line without a closing quote. */
export const UnterminatedString = createToken({ name: "UnterminatedString", pattern: /"(?:[^"\\\n]|\\.)*/, label: "a string" });

export const DocComment = createToken({ name: "DocComment", pattern: /\/\/\/[^\n]*/, group: "comments" });
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n]*/, group: "comments" });
export const BlockComment = createToken({ name: "BlockComment", pattern: /\/\*[\s\S]*?\*\//, group: "comments", line_breaks: true });
/** `/*` with no closing `*\/`: it swallows the rest of the file. */
export const UnterminatedComment = createToken({ name: "UnterminatedComment", pattern: /\/\*[\s\S]*/, group: "comments", line_breaks: true });

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED, line_breaks: true });

const punct = (name: string, text: string): TokenType =>
  createToken({ name, pattern: new RegExp(text.replace(/[-[\]{}()*+?.,\\^$|#]/g, "\\$&")), label: `\`${text}\`` });

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

/** Every token, in matching order (longest and most specific first). */
export const ALL_TOKENS: TokenType[] = [
  AnyName,
  WhiteSpace,
  DocComment,
  LineComment,
  BlockComment,
  UnterminatedComment,
  Arrow,
  StringLiteral,
  UnterminatedString,
  NumberLiteral,
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

export const NnLexer = new Lexer(ALL_TOKENS, { positionTracking: "full", ensureOptimizations: false });
