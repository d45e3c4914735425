/** The whole-file lexer: text → tokens, comments and lexical errors (`relex.ts` redoes it after an edit). */
import type { ILexingError, ILexingResult, IToken } from "chevrotain";
import * as T from "./tokens.js";

/** What `parse` needs from the lexer. */
export interface Lexed {
  readonly tokens: IToken[];
  readonly comments: IToken[];
  readonly errors: ILexingError[];
}

export function lex(text: string): Lexed {
  const result: ILexingResult = T.NnLexer.tokenize(text);
  return { tokens: result.tokens, comments: result.groups.comments ?? [], errors: result.errors };
}
